"""Every change to a case. Each function is one transaction: it checks the rulebook, writes the
change and its audit event, and queues any email to go once the transaction has committed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import clocks, hooks, rounds
from redress.cases.facts import actor_for, calendar_of, gather_facts, local_date
from redress.cases.models import (
    Allegation,
    Assignment,
    Case,
    CaseRole,
    Category,
    Channel,
    Complaint,
    Decision,
    EmergencyAccess,
    Hearing,
    Notice,
    Party,
    Response,
)
from redress.cases.notices import compose_notice
from redress.people.models import Organisation, Person, StaffRole, User
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import current_version, parsed
from redress.rulebook.workflow import (
    Actor,
    TransitionRefused,
    actor_refusals,
    check,
    closing_outcome,
)

EMERGENCY_ACCESS_HOURS = 24


class CaseError(ValueError):
    """A request about a case that cannot be carried out, with a reason a person can act on."""


# --- Intake ----------------------------------------------------------------------------------


def file_complaint(
    organisation: Organisation,
    *,
    categories: Sequence[str],
    summary: str,
    respondent: Person,
    complainant: Person | None,
    anonymous: bool = False,
    channel: str = Channel.WEB,
    respondent_as_named: str = "",
    submitted: dict[str, Any] | None = None,
    filed_by: User | None = None,
    received_at: datetime | None = None,
) -> Complaint:
    """Store a complaint as submitted and open a case on it under the current rulebook.

    The complainant (if contactable) is sent an acknowledgement at once, and the case moves on to
    triage. The person who files it is not put on its team. The listeners of `hooks` run in the
    same transaction: so a complaint on any channel opens held reports about its respondent.
    """
    _check_complaint(organisation, categories, summary, respondent, complainant, anonymous)
    version = current_version(organisation)
    rulebook = parsed(version)
    received_at = received_at or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation,
            reference=f"pending-{timezone.now().timestamp()}",
            respondent=respondent,
            rulebook=version,
            stage=rulebook.first_stage,
            stage_entered_at=received_at,
            opened_at=received_at,
        )
        case.reference = f"RD-{case.pk:06d}"
        case.save(update_fields=["reference"])
        complaint = Complaint.objects.create(
            organisation=organisation,
            case=case,
            received_at=received_at,
            channel=channel,
            anonymous=anonymous,
            complainant=None if anonymous else complainant,
            categories=list(categories),
            summary=summary,
            respondent_as_named=respondent_as_named or respondent.name,
            submitted=submitted or {},
            filed_by=filed_by,
        )
        Allegation.objects.bulk_create(
            Allegation(organisation=organisation, case=case, category=c, particulars=summary)
            for c in dict.fromkeys(categories)
        )
        record_event(
            organisation=organisation,
            actor=filed_by,
            action="complaint.received",
            target=complaint,
            case_id=case.pk,
            data={"channel": channel, "categories": list(categories), "anonymous": anonymous},
        )
        contactable = complaint.complainant is not None and complaint.complainant.contactable
        clocks.start_receipt_clocks(
            case, rulebook, received_on=local_date(received_at), complainant_contactable=contactable
        )
        clocks.open_stage_deadline(case, rulebook)
        if contactable:
            issue_notices(case, rulebook, kind="acknowledgement", actor=None)
        _try_system_step(case, rulebook)
        hooks.complaint_filed(complaint)
    return complaint


def _check_complaint(
    organisation: Organisation,
    categories: Sequence[str],
    summary: str,
    respondent: Person,
    complainant: Person | None,
    anonymous: bool,
) -> None:
    if not categories:
        raise CaseError("choose at least one category")
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise CaseError(f"unknown category {unknown[0]!r}")
    if not summary.strip():
        raise CaseError("say what happened")
    if respondent.organisation_id != organisation.pk:
        raise CaseError("the respondent is not on this organisation's register")
    if anonymous and complainant is not None:
        raise CaseError("an anonymous complaint names no complainant")
    if not anonymous and complainant is None:
        raise CaseError("name the complainant, or file the complaint anonymously")
    if complainant is not None and complainant.organisation_id != organisation.pk:
        raise CaseError("the complainant is not on this organisation's register")
    if complainant is not None and complainant.pk == respondent.pk:
        raise CaseError("the complainant and the respondent are the same person")


def _try_system_step(case: Case, rulebook: Rulebook) -> None:
    """Take the first transition Redress itself may take now, if any (e.g. receipt to triage)."""
    facts = gather_facts(case)
    for transition in rulebook.transitions_from(case.stage):
        try:
            check(rulebook, facts, Actor.system(), transition.to)
        except TransitionRefused:
            continue
        _apply_transition(
            case,
            rulebook,
            to=transition.to,
            actor=None,
            reason="taken by Redress when its conditions were met",
        )
        return


# --- Team --------------------------------------------------------------------------------------

ROLE_NEEDS_STAFF_ROLE = {
    CaseRole.OFFICER: StaffRole.OFFICER,
    CaseRole.INVESTIGATOR: StaffRole.INVESTIGATOR,
    CaseRole.DECISION_MAKER: StaffRole.DECISION_MAKER,
    CaseRole.PANELLIST: StaffRole.PANELLIST,
    CaseRole.APPEAL_PANELLIST: StaffRole.PANELLIST,
    CaseRole.REVIEWER: StaffRole.REVIEWER,
}
ASSIGNERS = (StaffRole.COORDINATOR, StaffRole.ADMIN)


def assign(
    case: Case, *, user: User, role: str, actor: User | None, chair: bool = False
) -> Assignment:
    """Put `user` on the case's team as `role` (as its chair, for a panel).

    Nobody conflicted and no decider untrained in the case's categories is ever assigned, over
    any interface: the staff pages, the API and `redress case assign` all come here, and
    `redress.panels.eligibility` says who may sit. Nobody plays two parts in one case, ever: an
    investigator never decides, a member of the first panel never sits on the appeal.
    """
    from redress.panels import eligibility

    if role not in CaseRole.values:
        raise CaseError(f"unknown case role {role!r}")
    if actor is not None and not any(actor.has_role(r) for r in ASSIGNERS):
        raise CaseError("only a complaints coordinator or an administrator assigns case teams")
    if user.organisation_id != case.organisation_id or not user.is_active:
        raise CaseError("that user is not active staff of this organisation")
    needed = ROLE_NEEDS_STAFF_ROLE[CaseRole(role)]
    if not user.has_role(needed):
        raise CaseError(f"{user.username} does not hold the role {needed.label.lower()}")
    if chair and role not in PANEL_ROLES:
        raise CaseError("only a panel or an appeal panel has a chair")
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        earlier = Assignment.objects.filter(case=case, user=user)
        if earlier.filter(ended_at__isnull=True, role=role).exists():
            raise CaseError(f"{user.username} is already on this case as {role}")
        refusals = eligibility.problems(case, user, role)
        if refusals:
            raise CaseError("; ".join(refusals))
        if (
            chair
            and Assignment.objects.filter(
                case=case, role=role, chair=True, ended_at__isnull=True
            ).exists()
        ):
            raise CaseError("this panel already has a chair")
        assignment = Assignment.objects.create(
            organisation=case.organisation,
            case=case,
            user=user,
            role=role,
            chair=chair,
            assigned_at=timezone.now(),
            assigned_by=actor,
        )
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="case.assigned",
            target=assignment,
            case_id=case.pk,
            data={"user_id": user.pk, "role": role, "chair": chair},
        )
    return assignment


PANEL_ROLES = (CaseRole.PANELLIST, CaseRole.APPEAL_PANELLIST)


def end_assignment(assignment: Assignment, *, actor: User | None, reason: str) -> None:
    if not reason.strip():
        raise CaseError("give a reason for taking someone off the case")
    with transaction.atomic():
        updated = Assignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        if not updated:
            raise CaseError("that assignment has already ended")
        record_event(
            organisation=assignment.organisation_id,
            actor=actor,
            action="case.unassigned",
            target=assignment,
            case_id=assignment.case_id,
            data={"user_id": assignment.user_id, "role": assignment.role, "reason": reason},
        )


# --- Transitions -------------------------------------------------------------------------------


def transition_case(case: Case, *, to: str, actor: User | None, reason: str = "") -> Case:
    """Move the case to stage `to` if the rulebook allows it now; otherwise raise
    TransitionRefused with every reason, and change nothing."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        _apply_transition(locked, rulebook, to=to, actor=actor, reason=reason)
        if not rulebook.is_final(locked.stage):
            _try_system_step(locked, rulebook)
        hooks.case_transitioned(locked)
    case.refresh_from_db()
    return case


def _apply_transition(
    case: Case, rulebook: Rulebook, *, to: str, actor: User | None, reason: str
) -> None:
    facts = gather_facts(case)
    transition = check(rulebook, facts, actor_for(actor, case), to)
    now = timezone.now()
    from_stage = case.stage
    case.stage = to
    case.stage_entered_at = now
    fields = ["stage", "stage_entered_at"]
    if rulebook.is_final(to):
        case.closed_at = now
        case.outcome = closing_outcome(transition, facts)
        fields += ["closed_at", "outcome"]
    case.save(update_fields=fields)
    record_event(
        organisation=case.organisation_id,
        actor=actor,
        action="case.transitioned",
        target=case,
        case_id=case.pk,
        data={"from": from_stage, "to": to, "reason": reason, "outcome": case.outcome},
    )
    if rulebook.is_return(from_stage, to):
        rounds.set_aside_from(case, rulebook, stage=to, actor=actor)
    clocks.close_stage_deadline(case)
    if rulebook.is_final(to):
        clocks.stop_all(case)
    else:
        clocks.open_stage_deadline(case, rulebook)
        clocks.start_stage_clocks(case, rulebook, stage=to, on=local_date(now))
    for kind in transition.notices:
        issue_notices(case, rulebook, kind=kind, actor=actor)


# --- Decisions ---------------------------------------------------------------------------------


def record_decision(case: Case, *, kind: str, outcome: str, reasons: str, actor: User) -> Decision:
    """Record a decision with its reasons. Every decision needs reasons, "no further action"
    included; only the roles the rulebook names may record it, and only at its stages."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        spec = rulebook.decisions.get(kind)
        if spec is None:
            raise CaseError(f"the rulebook has no decision called {kind!r}")
        if outcome not in spec.outcomes:
            allowed = ", ".join(spec.outcomes)
            raise CaseError(f"{spec.label} can be one of: {allowed}")
        if locked.stage not in spec.stages:
            raise CaseError(
                f"{spec.label.lower()} is not recorded at the "
                f"{rulebook.stage_label(locked.stage).lower()} stage"
            )
        require_role(locked, spec.by, actor)
        require_reasons(reasons)
        if set(spec.by) & set(rulebook.training.deciding_roles):
            categories = locked.allegations.exclude(finding="withdrawn").values_list(
                "category", flat=True
            )
            require_trained(locked, actor, set(categories))
        decision = Decision.objects.create(
            organisation_id=locked.organisation_id,
            case=locked,
            kind=kind,
            outcome=outcome,
            reasons=reasons.strip(),
            stage=locked.stage,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="case.decision_recorded",
            target=decision,
            case_id=locked.pk,
            data={"kind": kind, "outcome": outcome, "stage": locked.stage},
        )
    return decision


def require_role(case: Case, roles: Iterable[str], actor: User | None) -> None:
    reasons = actor_refusals(tuple(roles), actor_for(actor, case))
    if reasons:
        raise CaseError(reasons[0])


MIN_REASONS = 10  # characters: at least a short sentence


def require_reasons(reasons: str) -> None:
    if len(reasons.strip()) < MIN_REASONS:
        raise CaseError("write the reasons for this decision (at least a sentence)")


def require_trained(case: Case, actor: User, categories: Iterable[str]) -> None:
    """Nobody decides an allegation in a category they are not currently trained in."""
    from redress.panels.eligibility import untrained_for

    missing: dict[str, None] = {}
    for category in categories:
        missing.update(dict.fromkeys(untrained_for(case, actor, category)))
    if missing:
        raise CaseError(f"{actor.username} is not currently trained in {', '.join(missing)}")


def require_stage(case: Case, rulebook: Rulebook, stages: Iterable[str], what: str) -> None:
    if case.stage not in stages:
        raise CaseError(
            f"{what} is not possible at the {rulebook.stage_label(case.stage).lower()} stage"
        )


# --- Allegations -------------------------------------------------------------------------------

# Who may do what to allegations, and when (the staff pages offer each form on the same terms).
ALLEGATION_STAGES = ("triage", "investigation")
ALLEGATION_ADDERS = ("officer", "investigator")
CHARGING_STAGES = ("charging",)
CHARGERS = ("decision_maker",)
FINDING_STAGES = ("decision",)
FINDERS = ("panellist",)


def add_allegation(
    case: Case, *, category: str, particulars: str, conduct_on: date | None, actor: User
) -> Allegation:
    """Add an allegation while the case is being assessed or investigated."""
    if category not in Category.values:
        raise CaseError(f"unknown category {category!r}")
    if not particulars.strip():
        raise CaseError("give the particulars of the allegation")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        require_stage(locked, rulebook, ALLEGATION_STAGES, "adding an allegation")
        require_role(locked, ALLEGATION_ADDERS, actor)
        allegation = Allegation.objects.create(
            organisation_id=locked.organisation_id,
            case=locked,
            category=category,
            particulars=particulars.strip(),
            conduct_on=conduct_on,
        )
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="allegation.added",
            target=allegation,
            case_id=locked.pk,
            data={"category": category},
        )
    return allegation


def record_charge(
    allegation: Allegation, *, charged: bool, actor: User, time_limit_exception: str = ""
) -> Allegation:
    """The decision-maker's decision to charge an allegation, or not."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=allegation.case_id)
        rulebook = parsed(case.rulebook)
        require_stage(case, rulebook, CHARGING_STAGES, "a charging decision")
        require_role(case, CHARGERS, actor)
        require_trained(case, actor, [allegation.category])
        Allegation.objects.filter(pk=allegation.pk).update(
            charged=charged, time_limit_exception=time_limit_exception.strip()
        )
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="allegation.charge_decided",
            target=allegation,
            case_id=case.pk,
            data={"charged": charged, "time_limit_exception": bool(time_limit_exception.strip())},
        )
    allegation.refresh_from_db()
    return allegation


def record_finding(
    allegation: Allegation,
    *,
    finding: str,
    reasons: str,
    actor: User,
    sanction: str = "",
    sanction_reasons: str = "",
    conduct: str = "",
    departure_reasons: str = "",
) -> Allegation:
    """The panel's finding on one charge (upheld, not upheld or withdrawn), with reasons, and
    if it is upheld the sanction, chosen from the rulebook's sanctions guidance for the conduct
    found, with its reasons. A sanction outside the guidance's range for that conduct needs
    recorded reasons for the departure. The definition the rulebook names for the category is
    recorded with it, and the panel member must be currently trained to decide the category."""
    if finding not in Allegation.Finding.values:
        raise CaseError("a finding is upheld, not upheld or withdrawn")
    require_reasons(reasons)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=allegation.case_id)
        rulebook = parsed(case.rulebook)
        require_stage(case, rulebook, FINDING_STAGES, "a finding")
        require_role(case, FINDERS, actor)
        current = Allegation.objects.get(pk=allegation.pk)
        if not current.charged:
            raise CaseError("only a charged allegation gets a finding")
        require_trained(case, actor, [current.category])
        chosen = checked_sanction(
            rulebook,
            current.category,
            finding=finding,
            sanction=sanction,
            reasons=sanction_reasons,
            conduct=conduct,
            departure_reasons=departure_reasons,
        )
        definition = rulebook.categories[current.category]
        Allegation.objects.filter(pk=allegation.pk).update(
            finding=finding,
            finding_reasons=reasons.strip(),
            sanction=chosen.sanction,
            sanction_reasons=sanction_reasons.strip() if chosen.sanction else "",
            conduct=chosen.conduct,
            departure_reasons=chosen.departure_reasons,
            definition_applied=f"{definition.definition} (version {definition.definition_version})",
        )
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="allegation.finding_recorded",
            target=allegation,
            case_id=case.pk,
            data={
                "finding": finding,
                "sanction": chosen.sanction,
                "conduct": chosen.conduct,
                "outside_guidance": bool(chosen.departure_reasons),
            },
        )
    allegation.refresh_from_db()
    return allegation


@dataclass(frozen=True)
class ChosenSanction:
    sanction: str = ""
    conduct: str = ""
    departure_reasons: str = ""


def checked_sanction(
    rulebook: Rulebook,
    category: str,
    *,
    finding: str,
    sanction: str,
    reasons: str,
    conduct: str = "",
    departure_reasons: str = "",
) -> ChosenSanction:
    """The sanction for a finding, as the rulebook's guidance allows it; CaseError otherwise."""
    if finding != Allegation.Finding.UPHELD:
        if sanction:
            raise CaseError("a sanction follows only an upheld finding")
        return ChosenSanction()
    codes = [s.code for s in rulebook.sanctions]
    if sanction not in codes:
        raise CaseError("choose a sanction from the rulebook's guidance: " + ", ".join(codes))
    if len(reasons.strip()) < MIN_REASONS:
        raise CaseError("write the reasons for the sanction chosen (at least a sentence)")
    if not rulebook.sanctions_guidance:
        return ChosenSanction(sanction=sanction)
    rows = rulebook.guidance_for(category)
    row = next((r for r in rows if r.code == conduct), None)
    if row is None:
        offered = ", ".join(r.code for r in rows)
        raise CaseError(
            f"say which conduct in the sanctions guidance the finding is of: one of {offered}"
        )
    rank = rulebook.sanction_rank(sanction)
    inside = rulebook.sanction_rank(row.lowest) <= rank <= rulebook.sanction_rank(row.highest)
    if inside:
        return ChosenSanction(sanction=sanction, conduct=row.code)
    if len(departure_reasons.strip()) < MIN_REASONS:
        labels = {s.code: s.label.lower() for s in rulebook.sanctions}
        raise CaseError(
            f"the guidance for this conduct ranges from {labels[row.lowest]} to "
            f"{labels[row.highest]}; a sanction outside it needs recorded reasons for departing "
            "from the guidance"
        )
    return ChosenSanction(
        sanction=sanction, conduct=row.code, departure_reasons=departure_reasons.strip()
    )


# --- Notices and the respondent's answer -----------------------------------------------------

# The case roles that may serve a notice by hand (the staff pages offer the form to them).
NOTICE_SERVERS = ("officer", "investigator", "decision_maker", "panellist")
# Who records the respondent's answer, and when; the same roles extend the time to give it.
RESPONSE_STAGES = ("investigation",)
RESPONSE_RECORDERS = ("officer", "investigator")
RESPONSE_EXTENDERS = RESPONSE_RECORDERS


def serve_notice(case: Case, *, kind: str, actor: User) -> list[Notice]:
    """Serve a notice the rulebook defines on the party (or parties) it is for."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        if kind not in rulebook.notices:
            raise CaseError(f"the rulebook has no notice called {kind!r}")
        if not locked.is_open:
            raise CaseError("the case is closed")
        require_role(locked, NOTICE_SERVERS, actor)
        return issue_notices(locked, rulebook, kind=kind, actor=actor)


def issue_notices(case: Case, rulebook: Rulebook, *, kind: str, actor: User | None) -> list[Notice]:
    from redress.cases.tasks import email_notice

    spec = rulebook.notices[kind]
    parties = [Party.COMPLAINANT, Party.RESPONDENT] if spec.party == "both" else [Party(spec.party)]
    served = []
    for party in parties:
        recipient = _recipient(case, party)
        subject, body = compose_notice(case, rulebook, kind=kind, party=party)
        notice = Notice.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=kind,
            party=party,
            recipient=recipient,
            subject=subject,
            body=body,
            stage=case.stage,
            served_at=timezone.now(),
            served_by=actor,
        )
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="notice.served",
            target=notice,
            case_id=case.pk,
            data={"kind": kind, "party": party},
        )
        if recipient is not None and recipient.email:
            notice_id = notice.pk
            transaction.on_commit(lambda n=notice_id: email_notice.enqueue(n))  # type: ignore[misc]
        served.append(notice)
    clocks.notice_served(case, rulebook, kind=kind, on=timezone.localdate())
    return served


def _recipient(case: Case, party: str) -> Person | None:
    if party == Party.RESPONDENT:
        return case.respondent
    first = case.complaints.exclude(complainant=None).order_by("received_at").first()
    return first.complainant if first else None


def record_response(case: Case, *, text: str, actor: User) -> Response:
    """The respondent's answer to the allegations, as received."""
    if not text.strip():
        raise CaseError("the response is empty")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        require_stage(locked, rulebook, RESPONSE_STAGES, "recording a response")
        require_role(locked, RESPONSE_RECORDERS, actor)
        response = Response.objects.create(
            organisation_id=locked.organisation_id,
            case=locked,
            text=text,
            received_at=timezone.now(),
            recorded_by=actor,
        )
        clocks.meet(locked, "response")
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="response.received",
            target=response,
            case_id=locked.pk,
        )
    return response


def extend_response_window(case: Case, *, working_days: int, reasons: str, actor: User) -> date:
    """Extend the respondent's time to answer, on request with reasons, within the rulebook's
    limits. Returns the new date."""
    require_reasons(reasons)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        limits = rulebook.response_extension
        require_role(locked, RESPONSE_EXTENDERS, actor)
        if not 1 <= working_days <= limits.max_working_days:
            raise CaseError(f"an extension is 1 to {limits.max_working_days} working days")
        granted = Decision.objects.filter(case=locked, kind="response_extension").count()
        if granted >= limits.times:
            raise CaseError(f"the rulebook allows {limits.times} extension(s), already granted")
        try:
            new_due = clocks.extend(
                locked, "response", working_days, calendar_of(locked.organisation)
            )
        except LookupError as error:
            raise CaseError(str(error)) from None
        Decision.objects.create(
            organisation_id=locked.organisation_id,
            case=locked,
            kind="response_extension",
            outcome=f"{working_days}",
            reasons=reasons.strip(),
            stage=locked.stage,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="response.window_extended",
            target=locked,
            case_id=locked.pk,
            data={"working_days": working_days, "due_on": new_due},
        )
    return new_due


# --- Hearings ----------------------------------------------------------------------------------

HEARING_STAGES = ("hearing",)
HEARING_SCHEDULERS = ("officer", "panellist")
HEARING_RECORDERS = ("panellist",)


def schedule_hearing(case: Case, *, starts_at: datetime, place: str, actor: User) -> Hearing:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        require_stage(locked, rulebook, HEARING_STAGES, "scheduling a hearing")
        require_role(locked, HEARING_SCHEDULERS, actor)
        if not place.strip():
            raise CaseError("say where the hearing is, or give its link")
        if starts_at <= timezone.now():
            raise CaseError("a hearing is scheduled in the future")
        hearing = Hearing.objects.create(
            organisation_id=locked.organisation_id,
            case=locked,
            starts_at=starts_at,
            place=place.strip(),
        )
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="hearing.scheduled",
            target=hearing,
            case_id=locked.pk,
            data={"starts_at": starts_at},
        )
    return hearing


def record_hearing_held(hearing: Hearing, *, record: str, actor: User) -> Hearing:
    if not record.strip():
        raise CaseError("write the record of the hearing")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=hearing.case_id)
        rulebook = parsed(case.rulebook)
        require_stage(case, rulebook, HEARING_STAGES, "recording a hearing")
        require_role(case, HEARING_RECORDERS, actor)
        if hearing.starts_at > timezone.now():
            raise CaseError("the hearing has not started yet")
        Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now(), record=record)
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="hearing.held",
            target=hearing,
            case_id=case.pk,
        )
    hearing.refresh_from_db()
    return hearing


# --- Emergency access --------------------------------------------------------------------------


def grant_emergency_access(case: Case, *, user: User, reason: str) -> EmergencyAccess:
    """Let a member of staff outside the team see a case for a short time. It needs a written
    reason, is audited, and is flagged to oversight until oversight has reviewed it."""
    if len(reason.strip()) < 20:
        raise CaseError("emergency access needs a written reason of at least a sentence")
    if user.organisation_id != case.organisation_id or not user.is_active:
        raise CaseError("only active staff of this organisation may ask for emergency access")
    now = timezone.now()
    with transaction.atomic():
        access = EmergencyAccess.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            user=user,
            reason=reason.strip(),
            granted_at=now,
            expires_at=now + timedelta(hours=EMERGENCY_ACCESS_HOURS),
        )
        record_event(
            organisation=case.organisation_id,
            actor=user,
            action="case.emergency_access",
            target=access,
            case_id=case.pk,
            data={"reason": reason.strip(), "hours": EMERGENCY_ACCESS_HOURS},
        )
    return access


def mark_emergency_access_reviewed(access: EmergencyAccess, *, actor: User) -> None:
    if not actor.has_role(StaffRole.OVERSIGHT):
        raise CaseError("only oversight reviews emergency access")
    with transaction.atomic():
        EmergencyAccess.objects.filter(pk=access.pk).update(reviewed_by_oversight_at=timezone.now())
        record_event(
            organisation=access.organisation_id,
            actor=actor,
            action="case.emergency_access_reviewed",
            target=access,
            case_id=access.case_id,
        )
