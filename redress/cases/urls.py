"""The staff pages. Only numeric ids and rulebook codes appear in these URLs, never case data."""

from django.urls import path

from redress.cases import views, views_representations

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/transitions/", views.take_transition, name="transition"),
    path("<int:case_id>/decisions/<slug:kind>/", views.record_decision, name="decision"),
    path("<int:case_id>/notices/", views.serve_notice, name="notice"),
    path("<int:case_id>/emergency-access/", views.emergency_access, name="emergency_access"),
    path(
        "<int:case_id>/representations/",
        views_representations.case_representations,
        name="representations",
    ),
    path(
        "representations/",
        views_representations.recent_representations,
        name="recent_representations",
    ),
    path("emergency-access/", views.emergency_access_reviews, name="emergency_reviews"),
    path(
        "emergency-access/<int:access_id>/reviewed/",
        views.mark_emergency_access_reviewed,
        name="mark_reviewed",
    ),
]
