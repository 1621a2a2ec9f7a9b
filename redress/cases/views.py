"""The staff pages: the case list, the case page and the emergency access path.

Every page reads cases through `selectors`, so a case outside the user's team is a 404 here as it
is in the API. Every change goes through `services`; their refusals come back as a message or a
form error and nothing is changed. Each successful POST redirects (post/redirect/get), so a
reload never repeats an action. URLs carry nothing but numeric ids and rulebook codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redress.audit.models import AuditEvent
from redress.audit.selectors import events_for_case
from redress.cases import selectors, services
from redress.cases.facts import actor_for, gather_facts
from redress.cases.forms import (
    CaseFilterForm,
    DecisionForm,
    EmergencyAccessForm,
    NoticeForm,
    TransitionForm,
)
from redress.cases.models import Case, CaseRole, Category, EmergencyAccess, Party
from redress.cases.selectors import CaseFilters, CaseNotFound
from redress.people.models import StaffRole, User
from redress.rulebook.models import RulebookVersion
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import NoRulebook, current_version, parsed
from redress.rulebook.workflow import Actor, TransitionRefused, evaluate

CASES_PER_PAGE = 50
# Case ids are PostgreSQL bigints: a larger number names no case, and must not reach the query.
MAX_CASE_ID = 2**63 - 1
# Reads are audited too, but a timeline of every reading would bury what happened.
TIMELINE_HIDES = ("case.viewed",)
TIMELINE_LENGTH = 300
REVIEWS_PER_PAGE = 200


def staff(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind `login_required`)."""
    return cast(User, request.user)


def visible_case(request: HttpRequest, case_id: int, *, log_read: bool) -> Case:
    """The case if the user may see it; otherwise a 404 that says no more than a case that does
    not exist would."""
    if case_id > MAX_CASE_ID:
        raise Http404("no such case")
    try:
        return selectors.get_case(staff(request), case_id, log_read=log_read)
    except CaseNotFound:
        raise Http404("no such case") from None


# --- The case list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    stage_label: str
    categories: list[str]
    next_due: date | None
    overdue: bool


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, soonest deadline first, with the list's filters."""
    user = staff(request)
    form = CaseFilterForm(request.GET or None, stages=_stage_choices(user))
    cases = selectors.case_list(user, _filters(form))
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = _rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "rows": rows, "filter_query": query.urlencode()},
    )


def _stage_choices(user: User) -> list[tuple[str, str]]:
    if user.organisation is None:
        return []
    try:
        rulebook = parsed(current_version(user.organisation))
    except NoRulebook:
        return []
    return [(code, stage.label) for code, stage in rulebook.stages.items()]


def _filters(form: CaseFilterForm) -> CaseFilters:
    """The filters that are valid; a bad value in one is dropped rather than failing the page."""
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    return CaseFilters(
        stage=data.get("stage") or "",
        category=data.get("category") or "",
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
    )


def _rows(cases: Iterable[Case]) -> list[CaseRow]:
    cases = list(cases)
    rulebooks = _rulebooks({case.rulebook_id for case in cases})
    today = timezone.localdate()
    rows = []
    for case in cases:
        next_due: date | None = case.next_due  # type: ignore[attr-defined]  # from case_list
        categories = dict.fromkeys(a.category for a in case.allegations.all())
        rows.append(
            CaseRow(
                case=case,
                stage_label=rulebooks[case.rulebook_id].stage_label(case.stage),
                categories=[_category_label(c) for c in categories],
                next_due=next_due,
                overdue=next_due is not None and next_due < today,
            )
        )
    return rows


def _rulebooks(version_ids: set[int]) -> dict[int, Rulebook]:
    if not version_ids:
        return {}
    return {v.pk: parsed(v) for v in RulebookVersion.objects.filter(pk__in=version_ids)}


def _category_label(code: str) -> str:
    return Category(code).label if code in Category.values else code


# --- The case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    detail: str = ""


@dataclass
class CaseForms:
    """The action forms of a case page; a bound one replaces its blank twin to show errors."""

    decisions: dict[str, DecisionForm] = field(default_factory=dict)
    notice: NoticeForm | None = None


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case: where it is, what is owed by when, what may happen next and why not yet."""
    try:
        if case_id > MAX_CASE_ID:
            raise CaseNotFound("no such case")
        case = selectors.get_case(staff(request), case_id)
    except CaseNotFound:
        # The same page for a case that does not exist and one the user may not see.
        return render(request, "cases/not_found.html", {"case_id": case_id}, status=404)
    return _render_case(request, case)


def _render_case(
    request: HttpRequest, case: Case, forms: CaseForms | None = None, *, status: int = 200
) -> HttpResponse:
    user = staff(request)
    rulebook = parsed(case.rulebook)
    actor = actor_for(user, case)
    options = evaluate(rulebook, gather_facts(case), actor)
    today = timezone.localdate()
    deadlines = [(d, d.due_on < today) for d in selectors.open_deadlines(case)]
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
        "deadlines": deadlines,
        "allegations": case.allegations.order_by("pk"),
        "team": [(CaseRole(a.role).label, a.user.display_name) for a in selectors.team(case)],
        "decisions": _decisions(case, rulebook),
        "notices": [
            (rulebook.notices[n.kind].label if n.kind in rulebook.notices else n.kind, n)
            for n in case.notices.order_by("served_at", "pk")
        ],
        "timeline": _timeline(case, rulebook),
        "decision_forms": _decision_forms(case, rulebook, actor, forms),
        "notice_form": _notice_form(case, rulebook, actor, forms),
        "emergency": _under_emergency_access(user, case, actor),
    }
    return render(request, "cases/detail.html", context, status=status)


def _decisions(case: Case, rulebook: Rulebook) -> list[tuple[str, str, Any]]:
    rows = []
    for decision in case.decisions.select_related("decided_by").order_by("decided_at", "pk"):
        spec = rulebook.decisions.get(decision.kind)
        if spec is None:  # a kind the service records itself, such as a response extension
            label, outcome = decision.kind.replace("_", " ").capitalize(), decision.outcome
        else:
            label, outcome = spec.label, spec.outcomes.get(decision.outcome, decision.outcome)
        rows.append((label, outcome, decision))
    return rows


def _decision_forms(
    case: Case, rulebook: Rulebook, actor: Actor, forms: CaseForms | None
) -> list[tuple[str, str, DecisionForm]]:
    """The decisions this user may record at this stage (the service checks again on POST)."""
    bound = forms.decisions if forms else {}
    offered = []
    for kind, spec in rulebook.decisions.items():
        if not case.is_open or case.stage not in spec.stages or actor.case_role not in spec.by:
            continue
        form = bound.get(kind) or _decision_form(kind, rulebook)
        offered.append((kind, spec.label, form))
    return offered


def _decision_form(kind: str, rulebook: Rulebook, data: Any = None) -> DecisionForm:
    outcomes = list(rulebook.decisions[kind].outcomes.items())
    return DecisionForm(data, outcomes=outcomes, auto_id=f"decision-{kind}-%s")


def _notice_form(
    case: Case, rulebook: Rulebook, actor: Actor, forms: CaseForms | None
) -> NoticeForm | None:
    if forms and forms.notice:
        return forms.notice
    if not case.is_open or actor.case_role not in services.NOTICE_SERVERS:
        return None
    return _blank_notice_form(rulebook)


def _blank_notice_form(rulebook: Rulebook, data: Any = None) -> NoticeForm:
    kinds = [(code, spec.label) for code, spec in rulebook.notices.items()]
    return NoticeForm(data, kinds=kinds, auto_id="notice-%s")


def _under_emergency_access(user: User, case: Case, actor: Actor) -> bool:
    if actor.case_role is not None or actor.is_oversight:
        return False
    return EmergencyAccess.objects.filter(
        case=case, user=user, expires_at__gt=timezone.now()
    ).exists()


def _timeline(case: Case, rulebook: Rulebook) -> list[TimelineEntry]:
    """What has happened on the case, newest last, in plain words."""
    events = list(
        events_for_case(case.pk)
        .exclude(action__in=TIMELINE_HIDES)
        .order_by("-seq")[:TIMELINE_LENGTH]
    )
    events.reverse()
    return [_describe(event, rulebook) for event in events]


def _describe(event: AuditEvent, rulebook: Rulebook) -> TimelineEntry:
    data = event.data or {}
    who = event.actor_label if event.actor_id is not None else "Redress"
    what, detail = _event_words(event.action, data, rulebook)
    return TimelineEntry(at=event.occurred_at, who=who, what=what, detail=detail)


def _event_words(action: str, data: dict[str, Any], rulebook: Rulebook) -> tuple[str, str]:
    stage = rulebook.stage_label
    if action == "complaint.received":
        return "Complaint received", ""
    if action == "case.transitioned":
        return f"Moved from {stage(data.get('from', ''))} to {stage(data.get('to', ''))}", str(
            data.get("reason") or ""
        )
    if action == "case.assigned":
        return f"{_role_label(data.get('role'))} added to the team", ""
    if action == "case.unassigned":
        return f"{_role_label(data.get('role'))} taken off the team", str(data.get("reason", ""))
    if action == "case.decision_recorded":
        spec = rulebook.decisions.get(str(data.get("kind")))
        if spec is not None:
            return f"{spec.label}: {spec.outcomes.get(str(data.get('outcome')), '')}", ""
    if action == "notice.served":
        spec_notice = rulebook.notices.get(str(data.get("kind")))
        party = str(data.get("party", ""))
        party_label = Party(party).label.lower() if party in Party.values else "party"
        if spec_notice is not None:
            return f"{spec_notice.label} served on the {party_label}", ""
    if action == "case.emergency_access":
        return "Emergency access granted", str(data.get("reason", ""))
    if action == "case.emergency_access_reviewed":
        return "Emergency access reviewed by oversight", ""
    return action.replace(".", ": ").replace("_", " ").capitalize(), ""


def _role_label(role: object) -> str:
    return CaseRole(role).label if isinstance(role, str) and role in CaseRole.values else "Someone"


# --- Actions on a case -------------------------------------------------------------------------


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
    form = _decision_form(kind, rulebook, request.POST)
    if form.is_valid():
        try:
            services.record_decision(
                case,
                kind=kind,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                actor=staff(request),
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{rulebook.decisions[kind].label} recorded.")
            return redirect("cases:detail", case_id=case.pk)
    return _render_again(request, case, CaseForms(decisions={kind: form}))


@login_required
@require_POST
def serve_notice(request: HttpRequest, case_id: int) -> HttpResponse:
    """Serve a notice the rulebook defines; a refusal comes back on the form."""
    case = visible_case(request, case_id, log_read=False)
    rulebook = parsed(case.rulebook)
    form = _blank_notice_form(rulebook, request.POST)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            services.serve_notice(case, kind=kind, actor=staff(request))
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{rulebook.notices[kind].label} served.")
            return redirect("cases:detail", case_id=case.pk)
    return _render_again(request, case, CaseForms(notice=form))


def _render_again(request: HttpRequest, case: Case, forms: CaseForms) -> HttpResponse:
    """The case page again with a form's errors; showing the case is a read, so it is logged."""
    case = selectors.get_case(staff(request), case.pk)
    return _render_case(request, case, forms, status=400)


# --- Emergency access --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest, case_id: int) -> HttpResponse:
    """Ask to see a case outside one's team, with a written reason that oversight reads.

    The form is the same for every id, so it says nothing about whether a case exists; only a
    request with a proper reason looks the case up, and a grant is audited and flagged.
    """
    user = staff(request)
    if case_id <= MAX_CASE_ID and selectors.visible_cases(user).filter(pk=case_id).exists():
        messages.info(request, "You can already see this case.")
        return redirect("cases:detail", case_id=case_id)
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            if case_id > MAX_CASE_ID:
                raise CaseNotFound("no such case")
            case = selectors.case_for_emergency_access(user, case_id)
        except CaseNotFound:
            raise Http404("no such case") from None
        try:
            services.grant_emergency_access(case, user=user, reason=form.cleaned_data["reason"])
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.warning(
                request,
                f"Emergency access granted for {services.EMERGENCY_ACCESS_HOURS} hours. "
                "Your reason is on the record and oversight has been told.",
            )
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/emergency_access.html",
        {"form": form, "case_id": case_id, "hours": services.EMERGENCY_ACCESS_HOURS},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def emergency_access_reviews(request: HttpRequest) -> HttpResponse:
    """For oversight: every emergency access nobody in oversight has reviewed yet."""
    user = staff(request)
    if not user.has_role(StaffRole.OVERSIGHT):
        raise PermissionDenied("only oversight reviews emergency access")
    accesses = selectors.unreviewed_emergency_accesses(user)[:REVIEWS_PER_PAGE]
    return render(request, "cases/emergency_reviews.html", {"accesses": accesses})


@login_required
@require_POST
def mark_emergency_access_reviewed(request: HttpRequest, access_id: int) -> HttpResponse:
    user = staff(request)
    access = selectors.unreviewed_emergency_accesses(user).filter(pk=access_id).first()
    if access is None:
        raise Http404("no such emergency access awaiting review")
    try:
        services.mark_emergency_access_reviewed(access, actor=user)
    except services.CaseError as error:
        messages.error(request, f"Not marked as reviewed, because {error}.")
    else:
        messages.success(request, f"Emergency access to {access.case.reference} marked reviewed.")
    return redirect("cases:emergency_reviews")
