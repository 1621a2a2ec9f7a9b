"""Moving the case on, recording the rulebook's decisions and serving its notices."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from redress.cases import services
from redress.cases.forms import TransitionForm
from redress.cases.views import offers
from redress.cases.views.access import staff, visible_case
from redress.cases.views.acting import act
from redress.rulebook.selectors import parsed
from redress.rulebook.workflow import TransitionRefused


@login_required
@require_POST
def take_transition(request: HttpRequest, case_id: int) -> HttpResponse:
    """Move the case on, if the rulebook allows this user to now; if not, say why."""
    case = visible_case(request, case_id, log_read=False)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That step could not be read; nothing was changed.")
        return redirect("cases:detail", case_id=case.pk)
    to = form.cleaned_data["to"]
    label = parsed(case.rulebook).stage_label(to)
    try:
        services.transition_case(
            case, to=to, actor=staff(request), reason=form.cleaned_data["reason"]
        )
    except TransitionRefused as refusal:
        _refused(request, f"The case was not moved to {label}", refusal.reasons)
    except services.CaseError as error:
        _refused(request, f"The case was not moved to {label}", [str(error)])
    else:
        messages.success(request, f"The case moved to {label}.")
    return redirect("cases:detail", case_id=case.pk)


def _refused(request: HttpRequest, what: str, reasons: Iterable[str]) -> None:
    messages.error(request, f"{what}, because {'; '.join(reasons)}. Nothing was changed.")


@login_required
@require_POST
def record_decision(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """Record a decision with its reasons; a refusal comes back on the form."""
    case = visible_case(request, case_id, log_read=False)
    rulebook = parsed(case.rulebook)
    if kind not in rulebook.decisions:
        raise Http404("no such decision")

    def carry_out(data: dict[str, str]) -> str:
        services.record_decision(
            case, kind=kind, outcome=data["outcome"], reasons=data["reasons"], actor=staff(request)
        )
        return f"{rulebook.decisions[kind].label} recorded."

    return act(request, case, offers.decision_form(kind, rulebook, request.POST), carry_out)


@login_required
@require_POST
def serve_notice(request: HttpRequest, case_id: int) -> HttpResponse:
    """Serve a notice the rulebook defines; a refusal comes back on the form."""
    case = visible_case(request, case_id, log_read=False)
    rulebook = parsed(case.rulebook)

    def carry_out(data: dict[str, str]) -> str:
        services.serve_notice(case, kind=data["kind"], actor=staff(request))
        return f"{rulebook.notices[data['kind']].label} served."

    return act(request, case, offers.notice_form(rulebook, request.POST), carry_out)
