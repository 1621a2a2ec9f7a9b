"""The parties' confidence survey, behind the portal's sign-in. Only numeric ids in URLs."""

from django.urls import path

from redress.analytics import views

app_name = "survey"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:invitation_id>/", views.survey_answer, name="answer"),
]
