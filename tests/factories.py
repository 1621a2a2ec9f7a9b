"""Small helpers that build test data through the real services."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from redress.audit.services import start_chain
from redress.cases import services
from redress.cases.models import Allegation, Case
from redress.people.models import Organisation, Person, RoleGrant, User
from redress.rulebook.services import adopt_default_rulebook

_counter = itertools.count(1)


def make_organisation(name: str = "Test Party") -> Organisation:
    n = next(_counter)
    organisation = Organisation.objects.create(name=f"{name} {n}", slug=f"test-{n}")
    start_chain(organisation)
    adopt_default_rulebook(organisation, actor=None)
    return organisation


def make_person(organisation: Organisation, name: str, *, email: str = "") -> Person:
    n = next(_counter)
    return Person.objects.create(
        organisation=organisation,
        name=name,
        membership_number=f"M{n:06d}",
        email=email or f"person{n}@example.org",
    )


DECIDING_STAFF_ROLES = frozenset({"decision_maker", "panellist", "reviewer"})


def make_staff(
    organisation: Organisation, username: str, *roles: str, trained: bool = True
) -> User:
    """A staff account holding `roles`; a decider is currently trained in every subject unless
    `trained` is false."""
    user = User.objects.create_user(
        username=f"{username}-{next(_counter)}",
        password="a-long-test-password",
        organisation=organisation,
    )
    for role in roles:
        RoleGrant.objects.create(organisation=organisation, user=user, role=role)
    if trained and DECIDING_STAFF_ROLES & set(roles):
        train(user)
    return user


@dataclass
class Cast:
    """The named personas of a case, each a real user or person."""

    organisation: Organisation
    complainant: Person
    respondent: Person
    coordinator: User
    officer: User
    investigator: User
    decision_maker: User
    panellists: list[User]
    reviewer: User
    appeal_panellists: list[User]
    oversight: User
    outsider: User

    @property
    def panellist(self) -> User:
        return self.panellists[0]

    @property
    def appeal_panellist(self) -> User:
        return self.appeal_panellists[0]


def train(user: User, subjects: Iterable[str] | None = None, *, years: int = 2) -> None:
    """Record current training for `user` in `subjects` (every subject the default rulebook
    names, if none are given)."""
    from redress.panels.models import TrainingRecord
    from redress.rulebook.loader import default_rulebook_source, parse_rulebook

    if subjects is None:
        subjects = parse_rulebook(default_rulebook_source()).training.subjects
    today = timezone.localdate()
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            organisation_id=user.organisation_id,
            user=user,
            subject=subject,
            completed_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=365 * years),
            recorded_at=timezone.now(),
        )
        for subject in subjects
    )


def make_cast(organisation: Organisation | None = None) -> Cast:
    """The personas of a case; everyone who decides is currently trained in every subject."""
    organisation = organisation or make_organisation()
    return Cast(
        organisation=organisation,
        complainant=make_person(organisation, "Ada Complainant"),
        respondent=make_person(organisation, "Rex Respondent"),
        coordinator=make_staff(organisation, "coordinator", "coordinator"),
        officer=make_staff(organisation, "officer", "officer"),
        investigator=make_staff(organisation, "investigator", "investigator"),
        decision_maker=make_staff(organisation, "decider", "decision_maker"),
        panellists=[make_staff(organisation, f"panel{i}", "panellist") for i in range(3)],
        reviewer=make_staff(organisation, "reviewer", "reviewer"),
        appeal_panellists=[make_staff(organisation, f"appeal{i}", "panellist") for i in range(3)],
        oversight=make_staff(organisation, "oversight", "oversight"),
        outsider=make_staff(organisation, "outsider", "officer", "investigator"),
    )


def file_case(
    cast: Cast, *, categories: tuple[str, ...] = ("bullying",), anonymous: bool = False
) -> Case:
    complaint = services.file_complaint(
        cast.organisation,
        categories=list(categories),
        summary="Repeated abusive messages in the branch group chat.",
        respondent=cast.respondent,
        complainant=None if anonymous else cast.complainant,
        anonymous=anonymous,
    )
    case = complaint.case
    services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    return case


REASONS = "Reasons recorded in full for the file."


def walk_to(case: Case, stage: str, cast: Cast) -> Case:
    """Drive a case through the default rulebook's main path until it reaches `stage`."""
    steps = {
        "triage": _to_investigation,
        "investigation": _to_charging,
        "charging": _to_hearing,
        "hearing": _to_decision,
        "decision": _to_review,
        "review": _to_appeal_window,
        "appeal_window": _to_appeal,
    }
    while case.stage != stage:
        before = case.stage
        steps[before](case, cast)
        case.refresh_from_db()
        assert case.stage != before, f"stuck at {before}"
    return case


def _to_investigation(case: Case, cast: Cast) -> None:
    services.record_decision(
        case, kind="triage", outcome="investigation", reasons=REASONS, actor=cast.officer
    )
    services.record_decision(
        case, kind="interim_measures", outcome="not_needed", reasons=REASONS, actor=cast.officer
    )
    if case.complaints.filter(anonymous=True).exists():
        services.record_decision(
            case,
            kind="corroboration",
            outcome="can_be_corroborated",
            reasons=REASONS,
            actor=cast.officer,
        )
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    services.transition_case(case, to="investigation", actor=cast.officer, reason="")


def _to_charging(case: Case, cast: Cast) -> None:
    services.serve_notice(case, kind="investigation", actor=cast.investigator)
    services.record_response(case, text="I deny the allegations.", actor=cast.investigator)
    services.record_decision(
        case,
        kind="investigation_report",
        outcome="completed",
        reasons=REASONS,
        actor=cast.investigator,
    )
    services.assign(case, user=cast.decision_maker, role="decision_maker", actor=cast.coordinator)
    services.transition_case(case, to="charging", actor=cast.investigator)


def _to_hearing(case: Case, cast: Cast) -> None:
    for allegation in case.allegations.all():
        services.record_charge(allegation, charged=True, actor=cast.decision_maker)
    services.record_decision(
        case, kind="charging", outcome="charges", reasons=REASONS, actor=cast.decision_maker
    )
    services.transition_case(case, to="hearing", actor=cast.decision_maker)


def _to_decision(case: Case, cast: Cast) -> None:
    for panellist in cast.panellists:
        services.assign(case, user=panellist, role="panellist", actor=cast.coordinator)
    services.record_decision(
        case, kind="hearing_request", outcome="not_requested", reasons=REASONS, actor=cast.officer
    )
    services.transition_case(case, to="decision", actor=cast.panellist)


def _to_review(case: Case, cast: Cast) -> None:
    for allegation in case.allegations.filter(charged=True):
        services.record_finding(
            allegation,
            finding=Allegation.Finding.UPHELD,
            reasons=REASONS,
            sanction="warning",
            sanction_reasons=REASONS,
            conduct="harassment_of_a_person",
            actor=cast.panellist,
        )
    services.assign(case, user=cast.reviewer, role="reviewer", actor=cast.coordinator)
    target = "review" if _needs_review(case) else "appeal_window"
    services.transition_case(case, to=target, actor=cast.panellist)


def _needs_review(case: Case) -> bool:
    from redress.rulebook.selectors import parsed

    rulebook = parsed(case.rulebook)
    return bool(
        set(case.allegations.values_list("category", flat=True))
        & set(rulebook.independent_review_categories)
    )


def _to_appeal_window(case: Case, cast: Cast) -> None:
    if case.stage == "review":
        services.record_decision(
            case, kind="review", outcome="verified", reasons=REASONS, actor=cast.reviewer
        )
        services.transition_case(case, to="appeal_window", actor=cast.reviewer)


def _to_appeal(case: Case, cast: Cast) -> None:
    services.record_decision(
        case, kind="appeal_lodged", outcome="by_respondent", reasons=REASONS, actor=cast.officer
    )
    for panellist in cast.appeal_panellists:
        services.assign(case, user=panellist, role="appeal_panellist", actor=cast.coordinator)
    services.transition_case(case, to="appeal", actor=cast.officer)


def later(days: int) -> timedelta:
    return timedelta(days=days)


def now() -> timezone.datetime:
    return timezone.now()
