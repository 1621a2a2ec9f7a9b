"""Verifying the chains: an intact log passes; every kind of tampering names the first bad event."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from redress.audit import selectors
from redress.audit.chain import GENESIS_HASH
from redress.audit.models import AuditEvent, AuditHead
from redress.audit.services import record_event, seal_pending
from redress.audit.verify import verify_audit_log
from redress.people.models import Organisation

from .helpers import make_events, make_organisation, sealed, tamper


@pytest.fixture
def events(organisation: Organisation) -> list[AuditEvent]:
    return make_events(organisation, 30)


def test_an_intact_log_verifies_with_its_head_hashes(events: list[AuditEvent]) -> None:
    other = make_organisation("unison")
    make_events(other, 3)

    result = verify_audit_log()

    assert result.ok
    assert result.events_checked == 33
    assert result.head_hashes == {
        "labour": events[-1].hash,
        "unison": AuditHead.objects.get(organisation=other).hash,
    }


def test_an_empty_chain_verifies_at_the_genesis_hash(organisation: Organisation) -> None:
    result = verify_audit_log(organisation="labour")

    assert result.ok
    assert result.head_hashes == {"labour": GENESIS_HASH}


def test_one_organisation_can_be_verified_alone(events: list[AuditEvent]) -> None:
    other = make_organisation("unison")
    make_events(other, 3)

    result = verify_audit_log(organisation="unison")

    assert [(chain.organisation, chain.events) for chain in result.chains] == [("unison", 3)]


def test_an_unknown_organisation_is_refused(db: None) -> None:
    with pytest.raises(Organisation.DoesNotExist):
        verify_audit_log(organisation="nobody")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("data", '{"number": 17, "note": "nothing to see"}'),
        ("action", "case.closed"),
        ("actor_label", "leader"),
        ("occurred_at", "2020-01-01T00:00:00Z"),
        ("case_id", None),
    ],
)
def test_an_event_changed_by_hand_is_named(
    events: list[AuditEvent], column: str, value: str | None
) -> None:
    changed = events[16]
    tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, changed.pk])  # noqa: S608 - column names come from the parametrize list above

    result = verify_audit_log()

    assert result.failure is not None
    assert (result.failure.organisation, result.failure.seq) == ("labour", 17)
    assert result.failure.event_id == changed.pk
    assert result.failure.reason == (
        f"event #17 (id {changed.pk}) does not match its hash: it was changed after it was written"
    )
    assert result.events_checked == 16


def test_the_command_fails_on_one_line_naming_the_changed_event(events: list[AuditEvent]) -> None:
    changed = events[16]
    tamper("UPDATE audit_auditevent SET data = '{}' WHERE id = %s", [changed.pk])

    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=StringIO())

    message = str(failure.value)
    assert "\n" not in message
    assert message == (
        f"the audit log of labour does not verify: event #17 (id {changed.pk}) does not match "
        "its hash: it was changed after it was written"
    )


def test_the_command_prints_each_chain_and_a_summary(events: list[AuditEvent]) -> None:
    out = StringIO()

    call_command("audit", "verify", "--organisation", "labour", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"labour: 30 events, head {events[-1].hash}"
    assert lines[1].startswith("verified 30 events in 1 organisation in ")
    assert lines[1].endswith("the audit log is intact")


def test_the_command_refuses_an_unknown_organisation(db: None) -> None:
    with pytest.raises(CommandError, match="no organisation with the slug 'nobody'"):
        call_command("audit", "verify", "--organisation", "nobody")


def test_a_deleted_event_leaves_a_gap_that_is_named(events: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[9].pk])

    failure = verify_audit_log().failure

    assert failure is not None
    assert (failure.seq, failure.event_id) == (11, events[10].pk)
    assert "event #10 is missing" in failure.reason


def test_events_cut_off_the_end_are_caught_by_the_head(events: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE seq > 28")

    failure = verify_audit_log().failure

    assert failure is not None
    assert (failure.seq, failure.event_id) == (28, events[27].pk)
    assert "ends at event #30 but the last event is event #28" in failure.reason


def test_a_forged_head_hash_is_caught(events: list[AuditEvent], organisation: Organisation) -> None:
    AuditHead.objects.filter(organisation=organisation).update(hash="f" * 64)

    failure = verify_audit_log().failure

    assert failure is not None
    assert failure.reason == (
        f"the head's hash is not the hash of event #30 (id {events[-1].pk}), the last event: "
        "the head was changed"
    )


def test_a_head_moved_back_is_caught(events: list[AuditEvent], organisation: Organisation) -> None:
    AuditHead.objects.filter(organisation=organisation).update(seq=29, hash=events[28].hash)

    failure = verify_audit_log().failure

    assert failure is not None
    assert "ends at event #29 but event #30" in failure.reason


def test_an_event_rewritten_with_a_fresh_hash_breaks_the_next_link(
    events: list[AuditEvent],
) -> None:
    tamper(
        "UPDATE audit_auditevent SET action = 'case.closed', hash = %s WHERE id = %s",
        ["a" * 64, events[4].pk],
    )

    failure = verify_audit_log().failure

    assert failure is not None
    assert failure.seq == 5  # its own hash no longer matches what it says
    tamper("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", ["a" * 64, events[5].pk])
    tamper("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [events[4].hash, events[4].pk])

    failure = verify_audit_log().failure

    assert failure is not None
    assert (failure.seq, failure.event_id) == (5, events[4].pk)


def test_a_failure_in_a_later_organisation_names_that_organisation(
    events: list[AuditEvent],
) -> None:
    other = make_organisation("unison")
    changed = make_events(other, 3)[1]
    tamper("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", [changed.pk])

    result = verify_audit_log()

    assert result.failure is not None
    assert (result.failure.organisation, result.failure.seq) == ("unison", 2)
    assert result.head_hashes["labour"] == events[-1].hash


def test_events_appended_while_verifying_are_walked_to_the_head(
    events: list[AuditEvent], organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_head = selectors.chain_head
    appended: list[AuditEvent] = []

    def head_with_a_late_append(organisation_id: int) -> tuple[int, str] | None:
        if not appended:
            late = record_event(organisation=organisation, actor=None, action="late")
            appended.extend(sealed([late]))
        return read_head(organisation_id)

    monkeypatch.setattr(selectors, "chain_head", head_with_a_late_append)

    result = verify_audit_log()

    assert result.ok, result.failure
    assert result.head_hashes == {"labour": appended[0].hash}
    assert result.events_checked == 31


def test_the_command_seals_pending_events_before_it_verifies(events: list[AuditEvent]) -> None:
    make_events(events[0].organisation, 2, seal=False)
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("labour: 32 events, head ")
    assert lines[1].startswith("verified 32 events in 1 organisation in ")
    assert not AuditEvent.objects.filter(hash__isnull=True).exists()


def test_without_sealing_pending_events_are_counted_not_failed(events: list[AuditEvent]) -> None:
    make_events(events[0].organisation, 2, seal=False)
    out = StringIO()

    call_command("audit", "verify", "--no-seal", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"labour: 30 events, head {events[-1].hash}, 2 not yet sealed"
    assert lines[1].endswith(
        "the audit log is intact (2 committed events not yet sealed are not in it)"
    )
    assert verify_audit_log().unsealed == 2


def test_a_changed_event_is_named_though_pending_events_are_sealed_first(
    events: list[AuditEvent],
) -> None:
    make_events(events[0].organisation, 2, seal=False)
    tamper("UPDATE audit_auditevent SET action = 'case.closed' WHERE id = %s", [events[4].pk])

    with pytest.raises(CommandError, match=rf"event #5 \(id {events[4].pk}\) does not match"):
        call_command("audit", "verify", stdout=StringIO())


def test_an_event_unsealed_by_hand_leaves_a_gap_once_it_is_sealed_again(
    events: list[AuditEvent], organisation: Organisation
) -> None:
    tamper(
        "UPDATE audit_auditevent SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = %s",
        [events[9].pk],
    )
    assert seal_pending(organisation.pk) == 1

    failure = verify_audit_log().failure

    assert failure is not None
    assert (failure.seq, failure.event_id) == (11, events[10].pk)
    assert "event #10 is missing" in failure.reason


def test_the_seal_command_says_how_many_it_sealed(events: list[AuditEvent]) -> None:
    other = make_organisation("unison")
    make_events(events[0].organisation, 2, seal=False)
    make_events(other, 1, seal=False)
    out = StringIO()

    call_command("audit", "seal", stdout=out)

    assert out.getvalue() == "sealed 3 pending events\n"
    assert not AuditEvent.objects.filter(hash__isnull=True).exists()
    assert verify_audit_log().ok


def test_the_seal_command_refuses_an_unknown_organisation(db: None) -> None:
    with pytest.raises(CommandError, match="no organisation with the slug 'nobody'"):
        call_command("audit", "seal", "--organisation", "nobody")


def test_the_portable_path_for_sqlite_agrees_with_postgresql(
    events: list[AuditEvent], organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite (the demo) appends, seals and reads through the ORM: check that path here."""
    with monkeypatch.context() as patched:
        patched.setattr(connection, "vendor", "sqlite")
        portable = record_event(
            organisation=organisation, actor=None, action="case.viewed", data={"é": ["ü", 1]}
        )
        assert seal_pending(organisation.pk) == 1
        portable_rows = [
            row
            for batch in selectors._chain_rows_portably(organisation.pk, 0, connection.alias)
            for row in batch
        ]

    fast_rows = [row for batch in selectors.chain_rows(organisation.pk) for row in batch]
    assert len(fast_rows) == 31
    assert fast_rows[-1][0] == portable.pk
    assert [row[:9] for row in portable_rows] == [row[:9] for row in fast_rows]
    assert [row[10:] for row in portable_rows] == [row[10:] for row in fast_rows]
    assert verify_audit_log().ok
