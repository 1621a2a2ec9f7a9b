"""The evidence pages of a case, under /cases/<case id>/evidence/. Only numeric ids and party
codes appear in these URLs."""

from django.urls import path

from redress.evidence import views

app_name = "evidence"
urlpatterns = [
    path("<int:case_id>/evidence/", views.evidence_list, name="list"),
    path("<int:case_id>/evidence/<int:item_id>/original/", views.original, name="original"),
    path(
        "<int:case_id>/evidence/<int:item_id>/for/<slug:to>/",
        views.disclosed,
        name="disclosed",
    ),
    path("<int:case_id>/evidence/messages/", views.chat_messages, name="messages"),
    path("<int:case_id>/evidence/messages/rely/", views.rely, name="rely"),
    path(
        "<int:case_id>/evidence/messages/<int:message_id>/",
        views.message_in_context,
        name="context",
    ),
    path("<int:case_id>/evidence/bundle.pdf", views.bundle_pdf, name="bundle"),
]
