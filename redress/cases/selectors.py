"""Reading cases, always through who may see them.

A case is visible to its team, to oversight, and to someone holding unexpired emergency access;
a coordinator also sees cases that have no case officer yet, to assign them. Anyone else is told
the case does not exist, from pages and the API alike. For staffing, coordinators and
administrators read every open case's reference, stage and team, and nothing else of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import services
from redress.cases.models import (
    Allegation,
    Assignment,
    Case,
    CaseRole,
    Deadline,
    EmergencyAccess,
)
from redress.people.models import RoleGrant, StaffRole, User
from redress.rulebook.models import RulebookVersion
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import parsed


class CaseNotFound(LookupError):
    """The case does not exist, or the user may not know that it does."""


def visible_cases(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=user.organisation_id)
    if user.has_role(StaffRole.OVERSIGHT):
        return cases
    on_team = Assignment.objects.filter(case=OuterRef("pk"), user=user, ended_at__isnull=True)
    emergency = EmergencyAccess.objects.filter(
        case=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
    )
    visible = Q(Exists(on_team)) | Q(Exists(emergency))
    if user.has_role(StaffRole.COORDINATOR):
        has_officer = Assignment.objects.filter(
            case=OuterRef("pk"), role=CaseRole.OFFICER, ended_at__isnull=True
        )
        visible |= Q(closed_at__isnull=True) & ~Q(Exists(has_officer))
    return cases.filter(visible)


def get_case(user: User, case_id: int, *, log_read: bool = True) -> Case:
    """The case, if `user` may see it; its reading is written to the audit log."""
    cases = visible_cases(user).select_related("respondent", "rulebook", "organisation")
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise CaseNotFound("no such case")
    if log_read:
        record_event(
            organisation=case.organisation_id,
            actor=user,
            action="case.viewed",
            target=case,
            case_id=case.pk,
        )
    return case


def case_for_emergency_access(user: User, case_id: int) -> Case:
    """The case in the user's organisation, whoever is on its team. Only for granting emergency
    access, which is itself audited and flagged to oversight; never for showing a case."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        raise CaseNotFound("no such case")
    case = Case.objects.filter(organisation_id=user.organisation_id, pk=case_id).first()
    if case is None:
        raise CaseNotFound("no such case")
    return case


@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    category: str = ""
    overdue: bool = False
    mine: bool = False


def case_list(user: User, filters: CaseFilters, *, today: date | None = None) -> QuerySet[Case]:
    """Visible cases with their next deadline and categories, filtered, oldest deadline first."""
    today = today or timezone.localdate()
    cases = visible_cases(user).annotate(
        next_due=Min("deadlines__due_on", filter=Q(deadlines__met_at__isnull=True))
    )
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.category:
        cases = cases.filter(
            Exists(Allegation.objects.filter(case=OuterRef("pk"), category=filters.category))
        )
    if filters.overdue:
        cases = cases.filter(
            Exists(
                Deadline.objects.filter(case=OuterRef("pk"), met_at__isnull=True, due_on__lt=today)
            )
        )
    if filters.mine:
        cases = cases.filter(
            Exists(Assignment.objects.filter(case=OuterRef("pk"), user=user, ended_at__isnull=True))
        )
    return (
        cases.select_related("respondent")
        .prefetch_related(Prefetch("allegations", queryset=Allegation.objects.order_by("pk")))
        .order_by("next_due", "pk")
    )


def open_deadlines(case: Case) -> QuerySet[Deadline]:
    return Deadline.objects.filter(case=case, met_at__isnull=True).order_by("due_on")


def team(case: Case) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("user")
        .order_by("role", "assigned_at")
    )


def assignable_staff(case: Case, team: Iterable[Assignment]) -> list[tuple[str, list[User]]]:
    """For each case role, the active staff of the case's organisation who hold the staff role it
    needs and are not on the `team` in it already (one query; `services.assign` checks the rest)."""
    needs = services.ROLE_NEEDS_STAFF_ROLE
    on_team = {(a.role, a.user_id) for a in team}
    grants = (
        RoleGrant.objects.filter(
            organisation_id=case.organisation_id,
            user__organisation_id=case.organisation_id,
            user__is_active=True,
            role__in={str(role) for role in needs.values()},
        )
        .select_related("user")
        .order_by("user__username")
    )
    holders: dict[str, list[User]] = {}
    for grant in grants:
        holders.setdefault(grant.role, []).append(grant.user)
    return [
        (str(role), [u for u in holders.get(needed, []) if (role, u.pk) not in on_team])
        for role, needed in needs.items()
    ]


def unreviewed_emergency_accesses(user: User) -> QuerySet[EmergencyAccess]:
    """For oversight: emergency access to cases that nobody in oversight has reviewed yet."""
    if user.organisation_id is None or not user.has_role(StaffRole.OVERSIGHT):
        return EmergencyAccess.objects.none()
    return (
        EmergencyAccess.objects.filter(
            organisation_id=user.organisation_id, reviewed_by_oversight_at__isnull=True
        )
        .select_related("case", "user")
        .order_by("-granted_at")
    )


# --- Staffing ----------------------------------------------------------------------------------
# The coordinator staffs every open case of the organisation, but sees no more of a case than
# staffing needs: its reference, its stage and its team. Never its allegations, parties,
# complaints or decisions.


def may_staff(user: User) -> bool:
    """Whether `user` puts people on case teams (the same roles `services.assign` accepts)."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return False
    return any(user.has_role(role) for role in services.ASSIGNERS)


def staffable_cases(user: User) -> QuerySet[Case]:
    """The open cases of the user's organisation, if they staff cases; otherwise none."""
    if not may_staff(user) or user.organisation_id is None:
        return Case.objects.none()
    return Case.objects.filter(organisation_id=user.organisation_id, closed_at__isnull=True)


def get_case_for_staffing(user: User, case_id: int, *, log_read: bool = True) -> Case:
    """The case, for its team page only; its reading is audited as a look at the team, which is
    all that page shows."""
    case = staffable_cases(user).select_related("rulebook").filter(pk=case_id).first()
    if case is None:
        raise CaseNotFound("no such case")
    if log_read:
        record_event(
            organisation=case.organisation_id,
            actor=user,
            action="case.team_viewed",
            target=case,
            case_id=case.pk,
        )
    return case


@dataclass(frozen=True)
class RolesNeeded:
    """The case roles a stage calls for: `now` to take the steps out of it, `next` to act in the
    stages those steps lead to (so the team is in place before the case arrives there)."""

    now: tuple[str, ...]
    next: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.now + self.next))


def roles_needed(rulebook: Rulebook, stage: str) -> RolesNeeded:
    """Read from the rulebook's transitions, so it is the same rule the workflow enforces: who
    takes each step out of `stage` (`by`) and whom its guards require on the team
    (`team_includes`); then who takes the steps out of each stage those lead to."""

    def takers(of: str) -> list[str]:
        return [r for t in rulebook.transitions_from(of) for r in t.by if r in CaseRole.values]

    now = takers(stage)
    for transition in rulebook.transitions_from(stage):
        now.extend(
            str(guard.args["value"]) for guard in transition.guards if guard.name == "team_includes"
        )
    following = [t.to for t in rulebook.transitions_from(stage) if t.to != stage]
    after = [role for to in dict.fromkeys(following) for role in takers(to) if role not in now]
    return RolesNeeded(now=tuple(dict.fromkeys(now)), next=tuple(dict.fromkeys(after)))


@dataclass(frozen=True)
class StaffingNeed:
    case: Case
    stage_label: str
    missing_now: list[str]
    missing_next: list[str]
    days_in_stage: int


def cases_needing_staff(user: User) -> QuerySet[Case]:
    """The open cases whose team lacks a role its stage calls for, longest in the stage first.

    The roles are worked out once per (rulebook version, stage) among the open cases, and the
    filter runs in the database, so the list pages like any other however many cases there are.
    """
    cases = staffable_cases(user)
    groups = set(cases.values_list("rulebook_id", "stage").distinct())
    versions = {v.pk: v for v in RulebookVersion.objects.filter(pk__in={g[0] for g in groups})}
    lacking = Q(pk__in=[])
    for version_id, stage in groups:
        roles = roles_needed(parsed(versions[version_id]), stage).all
        if not roles:
            continue
        missing = Q()
        for role in roles:
            holder = Assignment.objects.filter(
                case=OuterRef("pk"), role=role, ended_at__isnull=True
            )
            missing |= ~Q(Exists(holder))
        lacking |= Q(rulebook_id=version_id, stage=stage) & missing
    return cases.filter(lacking).select_related("rulebook").order_by("stage_entered_at", "pk")


def staffing_needs(cases: Iterable[Case], *, now: datetime | None = None) -> list[StaffingNeed]:
    """What each case's team lacks, for a page of `cases_needing_staff` (one more query)."""
    now = now or timezone.now()
    cases = list(cases)
    held: dict[int, set[str]] = {}
    active = Assignment.objects.filter(case__in=cases, ended_at__isnull=True)
    for case_id, role in active.values_list("case_id", "role"):
        held.setdefault(case_id, set()).add(role)
    needs = []
    for case in cases:
        rulebook = parsed(case.rulebook)
        roles = roles_needed(rulebook, case.stage)
        team_roles = held.get(case.pk, set())
        needs.append(
            StaffingNeed(
                case=case,
                stage_label=rulebook.stage_label(case.stage),
                missing_now=[CaseRole(r).label for r in roles.now if r not in team_roles],
                missing_next=[CaseRole(r).label for r in roles.next if r not in team_roles],
                days_in_stage=(now - case.stage_entered_at).days,
            )
        )
    return needs
