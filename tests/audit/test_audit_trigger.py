"""The database itself refuses to change or remove audit events (PostgreSQL trigger)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from redress.audit.models import AuditEvent
from redress.people.models import Organisation

from .helpers import make_events


@pytest.fixture
def event(organisation: Organisation) -> AuditEvent:
    return make_events(organisation, 2)[0]


def test_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="case.closed")

    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.count() == 2


def test_truncate_is_refused(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Fire the deferred foreign key checks of the inserts first, or PostgreSQL refuses the
        # TRUNCATE for that reason before the trigger is asked.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent CASCADE")

    assert AuditEvent.objects.count() == 2
