"""The database itself refuses to change or remove audit events (PostgreSQL trigger), except to
seal an event that is not yet sealed."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from redress.audit.models import AuditEvent
from redress.audit.services import record_event
from redress.people.models import Organisation

from .helpers import make_events


@pytest.fixture
def event(organisation: Organisation) -> AuditEvent:
    return make_events(organisation, 2)[0]


@pytest.fixture
def unsealed(organisation: Organisation) -> AuditEvent:
    return record_event(organisation=organisation, actor=None, action="case.viewed")


def test_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="case.closed")

    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_resealing_a_sealed_event_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(seq=99, hash="a" * 64)

    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash


def test_sealing_an_unsealed_event_is_allowed(unsealed: AuditEvent) -> None:
    AuditEvent.objects.filter(pk=unsealed.pk).update(seq=1, prev_hash="0" * 64, hash="a" * 64)

    assert AuditEvent.objects.get(pk=unsealed.pk).seq == 1


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 1, "prev_hash": "0" * 64, "hash": "a" * 64, "action": "case.closed"},
        {"seq": 1, "prev_hash": "0" * 64, "hash": "a" * 64, "data": {"forged": True}},
        {"seq": 1, "prev_hash": "0" * 64, "hash": "a" * 64, "occurred_at": "2020-01-01T00:00Z"},
        {"seq": 1, "hash": "a" * 64},
        {"action": "case.closed"},
    ],
)
def test_changing_an_unsealed_event_other_than_by_sealing_it_is_refused(
    unsealed: AuditEvent, change: dict[str, object]
) -> None:
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=unsealed.pk).update(**change)

    stored = AuditEvent.objects.get(pk=unsealed.pk)
    assert (stored.hash, stored.action, stored.data) == (None, "case.viewed", {})


def test_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.count() == 2


def test_deleting_an_unsealed_event_is_refused(unsealed: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=unsealed.pk).delete()

    assert AuditEvent.objects.filter(pk=unsealed.pk).exists()


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
