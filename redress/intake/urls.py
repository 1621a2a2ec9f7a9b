"""Public intake routes. Nothing personal ever appears in these URLs: receipts travel by POST."""

from django.urls import path

from redress.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.report, name="report"),
    path("status/", views.status, name="status"),
    path("cases/<int:case_id>/messages/", views.case_messages, name="case_messages"),
]
