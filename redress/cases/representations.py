"""Representations: communications about a case from outside the process.

A senior official, an elected representative or the press office who contacts anyone about a
case has that contact recorded against the case. Nothing is ever edited or deleted (there is no
service for either, and on PostgreSQL a trigger refuses both). Oversight sees every
representation; the case's team sees its case's; the parties see them unless the rulebook's
`representations.disclosed_to_parties` is false.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.models import Case, Party, Representation
from redress.cases.selectors import visible_cases
from redress.people.models import Person, StaffRole, User
from redress.rulebook.selectors import parsed

# Staff who are not on a case's team may still be the ones telephoned: a coordinator or an
# administrator records what they received. Oversight reads everything and changes nothing.
RECORDERS_OFF_TEAM = (StaffRole.COORDINATOR, StaffRole.ADMIN)
MAX_NAME = 200


class RepresentationRefused(ValueError):
    """A representation that cannot be recorded, with a reason a person can act on."""


# --- Writes ------------------------------------------------------------------------------------


def record_representation(
    case: Case,
    *,
    made_by_name: str,
    position: str,
    channel: str,
    summary: str,
    actor: User | None,
    made_by_role: str = "",
    made_by_person: Person | None = None,
    content: str = "",
    received_at: datetime | None = None,
) -> Representation:
    """Record a communication about `case` from outside the process, as received.

    `actor` is the member of staff recording it (None for the operator at the console). The
    record is audited and can never be changed or removed afterwards.
    """
    now = timezone.now()
    received_at = received_at or now
    _check(case, made_by_name, position, channel, summary, made_by_person, received_at, now)
    if actor is not None and not may_record(actor, case):
        raise RepresentationRefused("only the case's team, a coordinator or an administrator")
    with transaction.atomic():
        representation = Representation.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            made_by_name=made_by_name.strip(),
            made_by_role=made_by_role.strip(),
            made_by_person=made_by_person,
            position=position,
            received_at=received_at,
            channel=channel,
            summary=summary.strip(),
            content=content.strip(),
            recorded_by=actor,
            recorded_at=now,
        )
        # The maker's name and words stay in the record itself, not in the audit data.
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="representation.recorded",
            target=representation,
            case_id=case.pk,
            data={"position": position, "channel": channel, "received_at": received_at},
        )
    return representation


def _check(
    case: Case,
    made_by_name: str,
    position: str,
    channel: str,
    summary: str,
    made_by_person: Person | None,
    received_at: datetime,
    now: datetime,
) -> None:
    if not made_by_name.strip():
        raise RepresentationRefused("say who made the representation, as they gave their name")
    if len(made_by_name.strip()) > MAX_NAME:
        raise RepresentationRefused(f"the name is longer than {MAX_NAME} characters")
    if position not in Representation.Position.values:
        raise RepresentationRefused(f"unknown position {position!r}")
    if channel not in Representation.Medium.values:
        raise RepresentationRefused(f"unknown channel {channel!r}")
    if not summary.strip():
        raise RepresentationRefused("summarise what was said or asked")
    if made_by_person is not None and made_by_person.organisation_id != case.organisation_id:
        raise RepresentationRefused("that person is not on this organisation's register")
    if received_at > now:
        raise RepresentationRefused("a representation cannot be received in the future")


def may_record(user: User, case: Case) -> bool:
    """Whether `user` may record a representation on `case` (not whether they may read it)."""
    if not user.is_active or user.organisation_id != case.organisation_id:
        return False
    if any(user.has_role(role) for role in RECORDERS_OFF_TEAM):
        return True
    return case.assignments.filter(user=user, ended_at__isnull=True).exists()


# --- Reads -------------------------------------------------------------------------------------


def representations_on_case(user: User, case: Case) -> QuerySet[Representation]:
    """A case's representations, oldest first, for the case's team and oversight; nothing for
    anyone else."""
    if not visible_cases(user).filter(pk=case.pk).exists():
        return Representation.objects.none()
    return (
        Representation.objects.filter(case=case)
        .select_related("recorded_by")
        .order_by("received_at", "pk")
    )


def recent_representations(user: User) -> QuerySet[Representation]:
    """For oversight: every representation in the organisation, most recently recorded first."""
    if user.organisation_id is None or not user.has_role(StaffRole.OVERSIGHT):
        return Representation.objects.none()
    return (
        Representation.objects.filter(organisation_id=user.organisation_id)
        .select_related("case", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


@dataclass(frozen=True)
class RepresentationForParty:
    """What a party is shown of a representation: who, in what capacity, when, how, and what."""

    made_by_name: str
    made_by_role: str
    position: str
    received_at: datetime
    channel: str
    summary: str
    content: str


def representations_for_party(case: Case, *, party: str) -> list[RepresentationForParty]:
    """What the complainant or the respondent of `case` is shown of its representations: all of
    them, unless the case's rulebook says they are not disclosed to the parties. The caller (the
    party portal) has already established that the reader is that party."""
    if party not in Party.values:
        raise ValueError(f"unknown party {party!r}")
    if not parsed(case.rulebook).representations.disclosed_to_parties:
        return []
    return [
        RepresentationForParty(
            made_by_name=r.made_by_name,
            made_by_role=r.made_by_role,
            position=r.get_position_display(),
            received_at=r.received_at,
            channel=r.get_channel_display(),
            summary=r.summary,
            content=r.content,
        )
        for r in Representation.objects.filter(case=case).order_by("received_at", "pk")
    ]
