"""The staff pages. Only numeric ids and rulebook codes appear in these URLs, never case data."""

from django.urls import path

from redress.cases import views_representations
from redress.cases.views import (
    allegations,
    case_page,
    emergency,
    hearings,
    listing,
    respondent,
    steps,
    suspensions,
    team,
)

app_name = "cases"
urlpatterns = [
    path("", listing.case_list, name="list"),
    path("<int:case_id>/", case_page.case_detail, name="detail"),
    path("<int:case_id>/transitions/", steps.take_transition, name="transition"),
    path("<int:case_id>/decisions/<slug:kind>/", steps.record_decision, name="decision"),
    path("<int:case_id>/notices/", steps.serve_notice, name="notice"),
    path("staffing/", team.staffing_list, name="staffing"),
    path("<int:case_id>/team/", team.team_page, name="team"),
    path(
        "<int:case_id>/team/<int:assignment_id>/end/",
        team.end_assignment,
        name="end_assignment",
    ),
    path("<int:case_id>/assign/", team.assign, name="assign"),
    path("<int:case_id>/allegations/", allegations.add_allegation, name="add_allegation"),
    path(
        "<int:case_id>/allegations/<int:allegation_id>/charge/",
        allegations.record_charge,
        name="charge",
    ),
    path(
        "<int:case_id>/allegations/<int:allegation_id>/finding/",
        allegations.record_finding,
        name="finding",
    ),
    path("<int:case_id>/response/", respondent.record_response, name="response"),
    path(
        "<int:case_id>/response/extension/",
        respondent.extend_response_window,
        name="extend_response",
    ),
    path("<int:case_id>/hearings/", hearings.schedule_hearing, name="schedule_hearing"),
    path(
        "<int:case_id>/hearings/<int:hearing_id>/held/",
        hearings.record_hearing_held,
        name="hearing_held",
    ),
    path("<int:case_id>/suspensions/", suspensions.decide_suspension, name="decide_suspension"),
    path(
        "<int:case_id>/suspensions/<int:suspension_id>/serve/",
        suspensions.serve_suspension,
        name="serve_suspension",
    ),
    path(
        "<int:case_id>/suspensions/<int:suspension_id>/review/",
        suspensions.review_suspension,
        name="review_suspension",
    ),
    path(
        "<int:case_id>/suspensions/<int:suspension_id>/extension/",
        suspensions.extend_suspension,
        name="extend_suspension",
    ),
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
    path("<int:case_id>/emergency-access/", emergency.emergency_access, name="emergency_access"),
    path("emergency-access/", emergency.emergency_access_reviews, name="emergency_reviews"),
    path(
        "emergency-access/<int:access_id>/reviewed/",
        emergency.mark_emergency_access_reviewed,
        name="mark_reviewed",
    ),
]
