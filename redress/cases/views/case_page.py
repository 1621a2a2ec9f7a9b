"""The case page: where the case is, what is owed by when, what may happen next and why not yet,
and the action forms this user may use at this stage.

The page costs the same handful of queries however many events, allegations, hearings or
decisions the case has: each kind of record is read once, with what it shows joined in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from redress.cases import selectors, services, suspensions
from redress.cases.facts import actor_for, gather_facts
from redress.cases.forms import TransitionForm
from redress.cases.models import (
    Allegation,
    Assignment,
    Case,
    CaseRole,
    Deadline,
    Decision,
    EmergencyAccess,
    Hearing,
    InterimSuspension,
)
from redress.cases.selectors import CaseNotFound
from redress.cases.similar import similar_decided_cases
from redress.cases.views import offers
from redress.cases.views.access import MAX_ID, staff
from redress.cases.views.offers import Viewer, form_key
from redress.cases.views.timeline import timeline
from redress.people.models import User
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import parsed
from redress.rulebook.workflow import Actor, evaluate

Bound = dict[str, Form]  # forms posted back with errors, by their key, shown in place of blanks


@dataclass(frozen=True)
class Action:
    """One small POST form on the case page."""

    url: str
    legend: str
    button: str
    form: Form

    @property
    def key(self) -> str:
        return form_key(self.form)


@dataclass(frozen=True)
class Row:
    """A record on the case (an allegation, a hearing, a suspension) and its action forms."""

    record: Any
    number: int
    actions: list[Action] = field(default_factory=list)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case, if the user may see it; the same 404 page if it does not exist or they may not."""
    try:
        if case_id > MAX_ID:
            raise CaseNotFound("no such case")
        case = selectors.get_case(staff(request), case_id)
    except CaseNotFound:
        return render(request, "cases/not_found.html", {"case_id": case_id}, status=404)
    return render_case(request, case)


def render_again(request: HttpRequest, case: Case, form: Form) -> HttpResponse:
    """The case page again with a form's errors (400); showing the case is a read, so it is
    logged as one."""
    case = selectors.get_case(staff(request), case.pk)
    return render_case(request, case, {form_key(form): form}, status=400)


def render_case(
    request: HttpRequest, case: Case, bound: Bound | None = None, *, status: int = 200
) -> HttpResponse:
    user = staff(request)
    rulebook = parsed(case.rulebook)
    actor = actor_for(user, case)
    viewer = Viewer(case=case, rulebook=rulebook, actor=actor, user=user)
    bound = bound or {}
    options = evaluate(rulebook, gather_facts(case), actor)
    deadlines = list(selectors.open_deadlines(case))
    decisions = list(case.decisions.select_related("decided_by").order_by("decided_at", "pk"))
    team = list(selectors.team(case))
    today = timezone.localdate()
    context = {
        "case": case,
        "stage_label": rulebook.stage_label(case.stage),
        "outcome_label": case.outcome.replace("_", " "),
        "allowed": [
            (
                rulebook.stage_label(o.to),
                TransitionForm(initial={"to": o.to}, auto_id=f"transition-{o.to}-%s"),
            )
            for o in options
            if o.allowed
        ],
        "refused": [(rulebook.stage_label(o.to), o.reasons) for o in options if not o.allowed],
        "deadlines": [(d, d.due_on < today) for d in deadlines],
        "team": [(CaseRole(a.role).label, a.user.display_name) for a in team],
        "team_actions": _team_actions(viewer, team, bound),
        "decisions": _decisions(decisions, rulebook),
        "decision_actions": _decision_actions(viewer, bound),
        "notices": [
            (rulebook.notices[n.kind].label if n.kind in rulebook.notices else n.kind, n)
            for n in case.notices.order_by("served_at", "pk")
        ],
        "notice_actions": _notice_actions(viewer, bound),
        "timeline": timeline(case, rulebook),
        "emergency": _under_emergency_access(user, case, actor),
        "is_officer": actor.case_role == CaseRole.OFFICER,
        "may_staff": selectors.may_staff(user) and case.is_open,
        **_allegations(viewer, bound),
        **_response(viewer, deadlines, decisions, bound),
        **_hearings(viewer, bound),
        **_suspensions(viewer, bound),
    }
    context["problems"] = _problems(bound)
    return render(request, "cases/detail.html", context, status=status)


def _offer(bound: Bound, offered: bool, blank: Form) -> Form | None:
    """The bound copy of a form if it came back with errors (shown even if no longer offered, so
    the refusal is seen), else the blank form if it is offered now."""
    return bound.get(form_key(blank), blank if offered else None)


def _actions(bound: Bound, *candidates: tuple[bool, Form, str, str, str]) -> list[Action]:
    """Each (offered, blank form, url, legend, button) that is offered or came back bound."""
    actions = []
    for offered, blank, url, legend, button in candidates:
        form = _offer(bound, offered, blank)
        if form is not None:
            actions.append(Action(url=url, legend=legend, button=button, form=form))
    return actions


def _url(name: str, *args: Any) -> str:
    return reverse(f"cases:{name}", args=args)


# --- Sections ----------------------------------------------------------------------------------


def _team_actions(viewer: Viewer, team: list[Assignment], bound: Bound) -> list[Action]:
    if not offers.may_assign(viewer) and "assign" not in bound:
        return []  # the list of staff is read only for those who may assign
    candidates = selectors.assignable_staff(viewer.case, team)
    blank = offers.assign_form(candidates)
    url = _url("assign", viewer.case.pk)
    offered = offers.may_assign(viewer)
    return _actions(bound, (offered, blank, url, "Add someone to the team", "Add to the team"))


def _decisions(decisions: list[Decision], rulebook: Rulebook) -> list[tuple[str, str, Decision]]:
    rows = []
    for decision in decisions:
        spec = rulebook.decisions.get(decision.kind)
        if spec is None:  # a kind the service records itself, such as a response extension
            label, outcome = decision.kind.replace("_", " ").capitalize(), decision.outcome
        else:
            label, outcome = spec.label, spec.outcomes.get(decision.outcome, decision.outcome)
        rows.append((label, outcome, decision))
    return rows


def _decision_actions(viewer: Viewer, bound: Bound) -> list[Action]:
    """The decisions this user may record at this stage."""
    case, rulebook = viewer.case, viewer.rulebook
    return _actions(
        bound,
        *(
            (
                viewer.at(spec.stages) and viewer.plays(spec.by),
                offers.decision_form(kind, rulebook),
                _url("decision", case.pk, kind),
                f"Record: {spec.label}",
                f"Record {spec.label.lower()}",
            )
            for kind, spec in rulebook.decisions.items()
        ),
    )


def _notice_actions(viewer: Viewer, bound: Bound) -> list[Action]:
    offered = viewer.case.is_open and viewer.plays(services.NOTICE_SERVERS)
    blank = offers.notice_form(viewer.rulebook)
    url = _url("notice", viewer.case.pk)
    return _actions(bound, (offered, blank, url, "Serve a notice", "Serve the notice"))


def _allegations(viewer: Viewer, bound: Bound) -> dict[str, Any]:
    case = viewer.case
    rows = []
    for number, allegation in enumerate(case.allegations.order_by("pk"), start=1):
        rows.append(Row(allegation, number, _allegation_actions(viewer, allegation, number, bound)))
    add = (
        offers.may_add_allegation(viewer),
        offers.allegation_form(),
        _url("add_allegation", case.pk),
        "Add an allegation",
        "Add the allegation",
    )
    deciding = viewer.at(services.FINDING_STAGES) and viewer.plays(services.FINDERS)
    return {
        "allegations": rows,
        "allegation_actions": _actions(bound, add),
        # Beside the findings about to be made: how comparable cases were decided.
        "similar_cases": similar_decided_cases(case, SIMILAR_SHOWN) if deciding else [],
        "sanction_labels": {s.code: s.label for s in viewer.rulebook.sanctions},
    }


SIMILAR_SHOWN = 5


def _allegation_actions(
    viewer: Viewer, allegation: Allegation, number: int, bound: Bound
) -> list[Action]:
    case = viewer.case
    return _actions(
        bound,
        (
            offers.may_charge(viewer),
            offers.charge_form(allegation),
            _url("charge", case.pk, allegation.pk),
            f"Charging decision on allegation {number}",
            f"Record the charging decision on allegation {number}",
        ),
        (
            offers.may_find(viewer, allegation),
            offers.finding_form(allegation, viewer.rulebook),
            _url("finding", case.pk, allegation.pk),
            f"Finding on allegation {number}",
            f"Record the finding on allegation {number}",
        ),
    )


def _response(
    viewer: Viewer, deadlines: list[Deadline], decisions: list[Decision], bound: Bound
) -> dict[str, Any]:
    case = viewer.case
    responses = case.responses.select_related("recorded_by").order_by("received_at", "pk")
    actions = _actions(
        bound,
        (
            offers.may_record_response(viewer),
            offers.response_form(),
            _url("response", case.pk),
            "Record the respondent's response",
            "Record the response",
        ),
        (
            offers.may_extend_response(viewer, deadlines, decisions),
            offers.extension_form(viewer.rulebook),
            _url("extend_response", case.pk),
            "Give the respondent more time to respond",
            "Extend the time to respond",
        ),
    )
    return {"responses": list(responses), "response_actions": actions}


def _hearings(viewer: Viewer, bound: Bound) -> dict[str, Any]:
    case = viewer.case
    hearings: list[Hearing] = list(case.hearings.order_by("starts_at", "pk"))
    rows = [Row(h, n, _hearing_actions(viewer, h, bound)) for n, h in enumerate(hearings, 1)]
    schedule = (
        offers.may_schedule_hearing(viewer),
        offers.hearing_form(),
        _url("schedule_hearing", case.pk),
        "Schedule a hearing",
        "Schedule the hearing",
    )
    return {"hearings": rows, "hearing_actions": _actions(bound, schedule)}


def _hearing_actions(viewer: Viewer, hearing: Hearing, bound: Bound) -> list[Action]:
    return _actions(
        bound,
        (
            offers.may_record_hearing(viewer, hearing),
            offers.hearing_held_form(hearing),
            _url("hearing_held", viewer.case.pk, hearing.pk),
            "Record the hearing as held",
            "Record the hearing",
        ),
    )


def _suspensions(viewer: Viewer, bound: Bound) -> dict[str, Any]:
    case = viewer.case
    records: list[InterimSuspension] = list(
        case.suspensions.select_related("decided_by").order_by("decided_at", "pk")
    )
    live = next((s for s in records if s.status in suspensions.LIVE), None)
    rows = [Row(s, n, _suspension_actions(viewer, s, bound)) for n, s in enumerate(records, 1)]
    decide = (
        offers.may_decide_suspension(viewer, live),
        offers.suspension_form(),
        _url("decide_suspension", case.pk),
        "Decide an interim suspension",
        "Decide to suspend",
    )
    return {"suspensions": rows, "suspension_actions": _actions(bound, decide)}


def _suspension_actions(
    viewer: Viewer, suspension: InterimSuspension, bound: Bound
) -> list[Action]:
    case = viewer.case
    manages = offers.may_manage_suspension(viewer, suspension)
    decided = suspension.status == InterimSuspension.Status.DECIDED
    return _actions(
        bound,
        (
            manages and decided,
            offers.serve_suspension_form(suspension),
            _url("serve_suspension", case.pk, suspension.pk),
            "Serve the notice of interim suspension",
            "Serve the notice: the suspension comes into force",
        ),
        (
            manages,
            offers.suspension_review_form(suspension),
            _url("review_suspension", case.pk, suspension.pk),
            "Review the interim suspension" if not decided else "Lift the decided suspension",
            "Record the review" if not decided else "Lift the suspension",
        ),
        (
            offers.may_extend_suspension(viewer, suspension),
            offers.suspension_extension_form(suspension),
            _url("extend_suspension", case.pk, suspension.pk),
            "Extend the suspension past its lapse date",
            "Extend the suspension",
        ),
    )


def _under_emergency_access(user: User, case: Case, actor: Actor) -> bool:
    if actor.case_role is not None or actor.is_oversight:
        return False
    return EmergencyAccess.objects.filter(
        case=case, user=user, expires_at__gt=timezone.now()
    ).exists()


def _problems(bound: Bound) -> list[tuple[str, str]]:
    """An error summary: (the id to jump to, the message) for each error on a posted form."""
    problems: list[tuple[str, str]] = []
    for key, form in bound.items():
        problems.extend((key, str(error)) for error in form.non_field_errors())
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            field_id = form[name].id_for_label or key
            problems.extend((field_id, f"{form[name].label}: {error}") for error in errors)
    return problems
