"""Helpers for the audit tests: organisations with started chains, events written through the
real service, and tampering "by hand" with the append-only trigger switched off, as someone with
the database password could."""

from __future__ import annotations

from typing import Any

from django.db import connection

from redress.audit.models import AuditEvent
from redress.audit.services import record_event, seal_pending, start_chain
from redress.people.models import Organisation, User


def make_organisation(slug: str = "labour") -> Organisation:
    organisation = Organisation.objects.create(name=slug.title(), slug=slug)
    start_chain(organisation)
    return organisation


def make_officer(organisation: Organisation, username: str = "officer") -> User:
    return User.objects.create_user(username=username, organisation=organisation)


def make_events(
    organisation: Organisation, count: int, actor: User | None = None, *, seal: bool = True
) -> list[AuditEvent]:
    """`count` events through `record_event`, sealed as their commit would seal them (a test's
    transaction never commits), unless `seal=False`."""
    events = [
        record_event(
            organisation=organisation,
            actor=actor,
            action="case.viewed" if number % 2 else "case.transitioned",
            case_id=1000 + number % 3,
            data={"number": number, "note": f"event {number}"},
        )
        for number in range(1, count + 1)
    ]
    return sealed(events) if seal else events


def sealed(events: list[AuditEvent]) -> list[AuditEvent]:
    """Seal the pending events of the organisations of `events`, as the commit of the
    transaction that wrote them would; the events as stored now, in the same order."""
    for organisation_id in sorted({event.organisation_id for event in events}):
        seal_pending(organisation_id)
    stored = AuditEvent.objects.in_bulk([event.pk for event in events])
    return [stored[event.pk] for event in events]


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Run SQL against the audit log with its append-only trigger switched off."""
    with connection.cursor() as cursor:
        # ALTER TABLE waits for the deferred foreign key checks of this transaction's inserts.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
