"""The respondent's side: their response as received, and more time to give it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from redress.cases import services
from redress.cases.views import offers
from redress.cases.views.access import staff, visible_case
from redress.cases.views.acting import act
from redress.rulebook.selectors import parsed


@login_required
@require_POST
def record_response(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)

    def carry_out(data: dict[str, Any]) -> str:
        services.record_response(case, text=data["text"], actor=staff(request))
        return "The respondent's response recorded."

    return act(request, case, offers.response_form(request.POST), carry_out)


@login_required
@require_POST
def extend_response_window(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id, log_read=False)
    rulebook = parsed(case.rulebook)

    def carry_out(data: dict[str, Any]) -> str:
        due = services.extend_response_window(
            case, working_days=data["working_days"], reasons=data["reasons"], actor=staff(request)
        )
        return f"The respondent now has until {due:%-d %B %Y} to respond."

    return act(request, case, offers.extension_form(rulebook, request.POST), carry_out)
