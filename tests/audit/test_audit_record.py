"""Appending to the audit log: the chain it builds, and the data it refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from redress.audit.chain import GENESIS_HASH, event_hash
from redress.audit.models import AuditEvent, AuditHead
from redress.audit.selectors import events_for_case
from redress.audit.services import AuditDataError, content_of, record_event
from redress.audit.verify import verify_audit_log
from redress.people.models import Organisation, User

from .helpers import make_events, make_organisation, sealed


def test_appending_builds_a_chain_that_hashes_up_to_the_head(
    organisation: Organisation, officer: User
) -> None:
    written = make_events(organisation, 5, actor=officer)

    stored = list(AuditEvent.objects.filter(organisation=organisation).order_by("seq"))
    assert [event.seq for event in stored] == [1, 2, 3, 4, 5]
    assert [event.pk for event in stored] == [event.pk for event in written]
    previous = GENESIS_HASH
    for event in stored:
        assert event.prev_hash == previous
        assert event.hash == event_hash(previous, content_of(event))
        previous = event.hash
    head = AuditHead.objects.get(organisation=organisation)
    assert (head.seq, head.hash) == (5, stored[-1].hash)
    assert stored[0].actor_id == officer.pk
    assert stored[0].actor_label == "officer"


def test_the_returned_event_is_the_stored_one_unsealed(
    organisation: Organisation, officer: User
) -> None:
    event = record_event(
        organisation=organisation.pk, actor=officer, action="user.created", target=officer
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (None, None, None)
    assert (event.seq, event.prev_hash, event.hash) == (None, None, None)
    assert stored.occurred_at == event.occurred_at
    assert (stored.object_type, stored.object_id) == ("people.user", str(officer.pk))
    [event] = sealed([event])
    assert (event.seq, event.prev_hash) == (1, GENESIS_HASH)
    assert event.hash == event_hash(GENESIS_HASH, content_of(event))


def test_each_organisation_has_its_own_chain(organisation: Organisation) -> None:
    other = make_organisation("unison")

    make_events(organisation, 2)
    [event] = sealed([record_event(organisation=other, actor=None, action="organisation.created")])

    assert (event.seq, event.prev_hash, event.actor_label) == (1, GENESIS_HASH, "system")


def test_an_organisation_without_a_chain_is_refused(db: None) -> None:
    organisation = Organisation.objects.create(name="No chain", slug="no-chain")

    with pytest.raises(AuditHead.DoesNotExist, match="no audit chain"):
        record_event(organisation=organisation, actor=None, action="case.viewed")


def test_data_survives_the_jsonb_round_trip_so_the_chain_verifies(
    organisation: Organisation,
) -> None:
    data = {
        "zeta": 1,
        "alpha": {"nested": {"deeper": [1, "two", None, True, False]}, "b": [], "a": {}},
        "names": ["Zoë Müller", "محمد", "שרה", "李雷", "emoji 🙂", 'quote " and \\ and \n'],
        "decided_on": date(2026, 3, 1),
        "served_at": datetime(2026, 3, 1, 9, 30, 15, 120, tzinfo=UTC),
        "allegation_ids": (3, 1, 2),
        "categories": {"racism", "antisemitism", "islamophobia"},
        "reference": UUID("12345678-1234-5678-1234-567812345678"),
        "big": 2**62,
        "negative": -(2**63),
        "long key " * 20: "x" * 5000,
        7: "integer keys become text",
    }

    event = record_event(organisation=organisation, actor=None, action="case.opened", data=data)
    sealed([event])

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == event.data
    assert stored.data["decided_on"] == "2026-03-01"
    assert stored.data["served_at"] == "2026-03-01T09:30:15.000120+00:00"
    assert stored.data["categories"] == ["antisemitism", "islamophobia", "racism"]
    assert stored.data["7"] == "integer keys become text"
    result = verify_audit_log()
    assert result.ok, result.failure
    assert result.events_checked == 1


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"score": 0.5}, "float"),
        ({"fine": Decimal("10.00")}, "Decimal"),
        ({"who": object()}, "object"),
        ({"list": [1, {"deep": 1.0}]}, "float"),
        ({"text": "nul \x00 byte"}, "NUL"),
        ({"text": "lone \ud800 surrogate"}, "valid Unicode"),
        ({"count": 2**64}, "64 bits"),
        ({1: "one", "1": "uno"}, "twice"),
        ({(1, 2): "tuple key"}, "keys must be strings"),
    ],
)
def test_data_that_would_not_round_trip_is_refused(
    organisation: Organisation, data: dict[Any, Any], complaint: str
) -> None:
    with pytest.raises(AuditDataError, match=complaint):
        record_event(organisation=organisation, actor=None, action="case.viewed", data=data)

    assert not AuditEvent.objects.filter(organisation=organisation).exists()
    assert AuditHead.objects.get(organisation=organisation).seq == 0


def test_a_case_timeline_lists_its_events_in_order_sealed_or_not(
    organisation: Organisation,
) -> None:
    make_events(organisation, 9)
    pending = record_event(organisation=organisation, actor=None, action="late", case_id=1001)

    timeline = list(events_for_case(1001))

    assert [event.seq for event in timeline] == [1, 4, 7, None]
    assert timeline[-1].pk == pending.pk
    assert {event.case_id for event in timeline} == {1001}
