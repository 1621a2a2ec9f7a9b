"""Putting staff on a case's team: the coordinator's (or an administrator's) to do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from redress.cases import selectors, services
from redress.cases.models import CaseRole
from redress.cases.views import offers
from redress.cases.views.access import staff, visible_case
from redress.cases.views.acting import act


@login_required
@require_POST
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add one member of staff to the team in one case role."""
    case = visible_case(request, case_id, log_read=False)
    candidates = selectors.assignable_staff(case, selectors.team(case))
    offered = {user.pk: user for _, users in candidates for user in users}

    def carry_out(data: dict[str, Any]) -> str:
        role, user_id = data["member"]
        user = offered[user_id]  # the form accepts only the staff it offered
        services.assign(case, user=user, role=role, actor=staff(request))
        return f"{user.display_name} added to the team as {CaseRole(role).label.lower()}."

    return act(request, case, offers.assign_form(candidates, request.POST), carry_out)
