"""The analytics pages for staff. No case data in these URLs."""

from django.urls import path

from redress.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.fairness, name="fairness"),
    path("fairness.json", views.fairness_json, name="fairness_json"),
    path("timeliness/", views.timeliness_page, name="timeliness"),
    path("campaigns/", views.campaigns_page, name="campaigns"),
    path("diversity/", views.diversity_page, name="diversity"),
    path("survey/", views.survey_results, name="survey_results"),
]
