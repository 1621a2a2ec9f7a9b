"""Sealing: events are written unsealed and chained after their transaction commits."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from redress.audit import services
from redress.audit.chain import GENESIS_HASH
from redress.audit.models import AuditEvent, AuditHead
from redress.audit.services import SEAL_BATCH, record_event, seal_pending
from redress.audit.verify import verify_audit_log
from redress.people.models import Organisation

from .helpers import make_events, make_organisation


def _view(organisation: Organisation | int, number: int = 0) -> AuditEvent:
    return record_event(
        organisation=organisation, actor=None, action="case.viewed", data={"number": number}
    )


def _seal_callbacks() -> list[object]:
    return [
        entry[1]
        for entry in connection.run_on_commit
        if isinstance(entry[1], services._SealAfterCommit)
    ]


def test_the_commit_seals_the_transactions_events(
    organisation: Organisation, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        written = [_view(organisation, number) for number in range(3)]
        assert not AuditEvent.objects.filter(hash__isnull=False).exists()

    stored = list(AuditEvent.objects.order_by("seq"))
    assert [(event.pk, event.seq) for event in stored] == [
        (e.pk, n) for n, e in enumerate(written, 1)
    ]
    assert stored[0].prev_hash == GENESIS_HASH
    assert AuditHead.objects.get(organisation=organisation).hash == stored[-1].hash
    assert verify_audit_log().events_checked == 3


def test_sealing_is_registered_once_per_transaction_and_organisation(
    organisation: Organisation, django_capture_on_commit_callbacks
) -> None:
    other = make_organisation("unison")

    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(3):
            _view(organisation, number)
            _view(other, number)

    assert callbacks == [
        services._SealAfterCommit(organisation.pk, connection.alias),
        services._SealAfterCommit(other.pk, connection.alias),
    ]


def test_sealing_is_registered_again_after_a_rolled_back_savepoint(
    organisation: Organisation,
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _view(organisation)
        assert len(_seal_callbacks()) == 1
        raise RuntimeError("rolled back, and its callback with it")
    assert _seal_callbacks() == []

    _view(organisation)

    assert len(_seal_callbacks()) == 1


def test_events_left_unsealed_are_sealed_by_the_next_writers_commit(
    organisation: Organisation,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patched:  # as if their sealer had failed
        patched.setattr(services, "_seal_after_commit", lambda *args: None)
        left = make_events(organisation, 3, seal=False)

    with django_capture_on_commit_callbacks(execute=True):
        last = _view(organisation)

    stored = AuditEvent.objects.in_bulk([*(event.pk for event in left), last.pk])
    assert [stored[event.pk].seq for event in [*left, last]] == [1, 2, 3, 4]
    assert verify_audit_log().ok


def test_a_failure_to_seal_does_not_undo_the_committed_event(
    organisation: Organisation,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise services.AuditSealError("the sealer failed")

    monkeypatch.setattr(services, "seal_pending", broken)

    with django_capture_on_commit_callbacks(execute=True):
        event = _view(organisation)

    assert AuditEvent.objects.get(pk=event.pk).hash is None
    assert f"could not seal the audit events of organisation {organisation.pk}" in caplog.text


def test_a_batch_larger_than_one_seal_is_sealed_in_turns(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SEAL_BATCH", 4)
    make_events(organisation, 10, seal=False)
    turns: list[int] = []
    seal = services._seal
    monkeypatch.setattr(
        services,
        "_seal",
        lambda organisation_id, head, rows, alias: (
            turns.append(len(rows)),
            seal(organisation_id, head, rows, alias),
        ),
    )

    assert seal_pending(organisation.pk) == 10

    assert turns == [4, 4, 2]
    assert verify_audit_log().events_checked == 10
    assert SEAL_BATCH == 5_000


def test_nothing_to_seal_seals_nothing(organisation: Organisation) -> None:
    make_events(organisation, 2)

    assert seal_pending(organisation.pk) == 0
    assert AuditHead.objects.get(organisation=organisation).seq == 2


@pytest.mark.django_db(transaction=True)
def test_a_writer_skipped_while_another_seals_is_sealed_by_that_sealer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race `seal_pending` closes: a writer commits and tries to seal while a sealer holds
    the head, so its attempt is skipped; the sealer looks again after its release."""
    organisation = make_organisation()
    with monkeypatch.context() as patched:
        patched.setattr(services, "_seal_after_commit", lambda *args: None)
        first = _view(organisation, 1)
    skipped: list[tuple[int, int | None]] = []
    failures: list[BaseException] = []

    def write_while_the_head_is_held() -> None:
        try:
            event = _view(organisation.pk, 2)  # commits, then finds the head locked
            skipped.append((event.pk, AuditEvent.objects.get(pk=event.pk).seq))
        except BaseException as error:  # reported to the test below
            failures.append(error)
        finally:
            connection.close()

    seal = services._seal

    def seal_while_another_writer_commits(
        organisation_id: int, head: tuple[int, str], rows: list, alias: str
    ) -> None:
        if not skipped and not failures:
            writer = threading.Thread(target=write_while_the_head_is_held)
            writer.start()
            writer.join()
        seal(organisation_id, head, rows, alias)

    monkeypatch.setattr(services, "_seal", seal_while_another_writer_commits)

    assert seal_pending(organisation.pk) == 2

    assert failures == []
    [(second, seq_when_its_writer_returned)] = skipped
    assert seq_when_its_writer_returned is None
    stored = AuditEvent.objects.in_bulk([first.pk, second])
    assert (stored[first.pk].seq, stored[second].seq) == (1, 2)
    assert verify_audit_log().ok
