"""Allegations: adding one, the decision-maker's charging decision on each, and the panel's
finding (with the sanction, if upheld) on each charge."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from redress.cases import services
from redress.cases.views import offers
from redress.cases.views.access import record_of, staff, visible_case
from redress.cases.views.acting import act
from redress.rulebook.selectors import parsed


@login_required
@require_POST
def add_allegation(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)

    def carry_out(data: dict[str, Any]) -> str:
        services.add_allegation(
            case,
            category=data["category"],
            particulars=data["particulars"],
            conduct_on=data["conduct_on"],
            actor=staff(request),
        )
        return "Allegation added."

    return act(request, case, offers.allegation_form(request.POST), carry_out)


@login_required
@require_POST
def record_charge(request: HttpRequest, case_id: int, allegation_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    allegation = record_of(case.allegations.all(), allegation_id)

    def carry_out(data: dict[str, Any]) -> str:
        services.record_charge(
            allegation,
            charged=data["charged"],
            time_limit_exception=data["time_limit_exception"],
            actor=staff(request),
        )
        return "Allegation charged." if data["charged"] else "Allegation not charged."

    return act(request, case, offers.charge_form(allegation, request.POST), carry_out)


@login_required
@require_POST
def record_finding(request: HttpRequest, case_id: int, allegation_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    allegation = record_of(case.allegations.all(), allegation_id)
    rulebook = parsed(case.rulebook)

    def carry_out(data: dict[str, Any]) -> str:
        services.record_finding(
            allegation,
            finding=data["finding"],
            reasons=data["reasons"],
            sanction=data["sanction"],
            sanction_reasons=data["sanction_reasons"],
            conduct=data["conduct"],
            departure_reasons=data["departure_reasons"],
            actor=staff(request),
        )
        return "Finding recorded."

    form = offers.finding_form(allegation, rulebook, request.POST)
    return act(request, case, form, carry_out)
