"""Writers in parallel, each on its own connection, never fork a chain, and their own commits
seal every event they write."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from redress.audit.models import AuditEvent
from redress.audit.services import record_event
from redress.audit.verify import verify_audit_log

from .helpers import make_organisation

WRITERS = 4
EVENTS_EACH = 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_continuous_chain() -> None:
    organisation = make_organisation()
    failures: list[BaseException] = []
    written: list[int] = []
    start = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        try:
            start.wait()
            for number in range(EVENTS_EACH):
                # Half the events in a caller's transaction (two to one), half on their own.
                if number % 2:
                    with transaction.atomic():
                        for part in range(2):
                            event = record_event(
                                organisation=organisation.pk,
                                actor=None,
                                action="case.viewed",
                                data={"writer": writer, "number": number, "part": part},
                            )
                            written.append(event.pk)
                else:
                    event = record_event(
                        organisation=organisation.pk,
                        actor=None,
                        action="case.viewed",
                        data={"writer": writer, "number": number},
                    )
                    written.append(event.pk)
        except BaseException as error:  # reported to the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    total = WRITERS * EVENTS_EACH * 3 // 2
    # No sealing here: the writers' own commits sealed everything.
    assert not AuditEvent.objects.filter(hash__isnull=True).exists()
    chain = list(AuditEvent.objects.order_by("seq").values_list("seq", "id"))
    assert [seq for seq, _ in chain] == list(range(1, total + 1))
    assert sorted(event_id for _, event_id in chain) == sorted(written)
    result = verify_audit_log()
    assert result.ok, result.failure
    assert result.events_checked == total
