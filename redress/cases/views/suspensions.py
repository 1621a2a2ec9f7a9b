"""Interim suspension, a track beside the stages: decide it, serve its notice (from which it is in
force), review it (keep or lift), and the independent reviewer's extension."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from redress.cases import suspensions
from redress.cases.views import offers
from redress.cases.views.access import record_of, staff, visible_case
from redress.cases.views.acting import act


@login_required
@require_POST
def decide_suspension(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)

    def carry_out(data: dict[str, Any]) -> str:
        suspensions.decide_suspension(
            case,
            ground=data["ground"],
            reasons=data["reasons"],
            selection_pending_caution=data["selection_pending_caution"],
            actor=staff(request),
        )
        return "Interim suspension decided. It is not in force until its notice is served."

    return act(request, case, offers.suspension_form(request.POST), carry_out)


@login_required
@require_POST
def serve_suspension(request: HttpRequest, case_id: int, suspension_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    suspension = record_of(case.suspensions.all(), suspension_id)

    def carry_out(data: dict[str, Any]) -> str:
        served = suspensions.serve_suspension(suspension, actor=staff(request))
        review = f"{served.review_due_on:%-d %B %Y}"
        return f"Notice served: the suspension is in force, first review by {review}."

    return act(request, case, offers.serve_suspension_form(suspension, request.POST), carry_out)


@login_required
@require_POST
def review_suspension(request: HttpRequest, case_id: int, suspension_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    suspension = record_of(case.suspensions.all(), suspension_id)

    def carry_out(data: dict[str, Any]) -> str:
        kept = suspensions.review_suspension(
            suspension, keep=data["keep"], reasons=data["reasons"], actor=staff(request)
        )
        if data["keep"]:
            return f"Suspension kept; next review by {kept.review_due_on:%-d %B %Y}."
        return "Suspension lifted."

    form = offers.suspension_review_form(suspension, request.POST)
    return act(request, case, form, carry_out)


@login_required
@require_POST
def extend_suspension(request: HttpRequest, case_id: int, suspension_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    suspension = record_of(case.suspensions.all(), suspension_id)

    def carry_out(data: dict[str, Any]) -> str:
        extended = suspensions.extend_suspension(
            suspension,
            working_days=data["working_days"],
            reasons=data["reasons"],
            actor=staff(request),
        )
        return f"Suspension extended; it now lapses after {extended.lapses_on:%-d %B %Y}."

    form = offers.suspension_extension_form(suspension, request.POST)
    return act(request, case, form, carry_out)
