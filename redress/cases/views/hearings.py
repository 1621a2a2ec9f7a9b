"""Hearings: scheduling one, and recording it held."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from redress.cases import services
from redress.cases.views import offers
from redress.cases.views.access import record_of, staff, visible_case
from redress.cases.views.acting import act


@login_required
@require_POST
def schedule_hearing(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)

    def carry_out(data: dict[str, Any]) -> str:
        hearing = services.schedule_hearing(
            case, starts_at=data["starts_at"], place=data["place"], actor=staff(request)
        )
        when = formats.date_format(timezone.localtime(hearing.starts_at), "j F Y, H:i")
        return f"Hearing scheduled for {when}. Serve the notice of hearing on the parties."

    return act(request, case, offers.hearing_form(request.POST), carry_out)


@login_required
@require_POST
def record_hearing_held(request: HttpRequest, case_id: int, hearing_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    hearing = record_of(case.hearings.all(), hearing_id)

    def carry_out(data: dict[str, Any]) -> str:
        services.record_hearing_held(hearing, record=data["record"], actor=staff(request))
        return "The hearing is recorded as held."

    return act(request, case, offers.hearing_held_form(hearing, request.POST), carry_out)
