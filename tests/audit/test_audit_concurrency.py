"""Writers in parallel, each on its own connection, never fork a chain."""

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
    start = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        try:
            start.wait()
            for number in range(EVENTS_EACH):
                # Half the events in a caller's transaction, half on their own.
                if number % 2:
                    with transaction.atomic():
                        record_event(
                            organisation=organisation.pk,
                            actor=None,
                            action="case.viewed",
                            data={"writer": writer, "number": number},
                        )
                else:
                    record_event(
                        organisation=organisation.pk,
                        actor=None,
                        action="case.viewed",
                        data={"writer": writer, "number": number},
                    )
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
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EVENTS_EACH + 1))
    result = verify_audit_log()
    assert result.ok, result.failure
    assert result.events_checked == WRITERS * EVENTS_EACH
