"""The clocks on a case: the target of the stage it is at, and the rulebook's other clocks
(acknowledgement, feedback, notice of investigation, the respondent's response window).

Called only from services, inside their transactions.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from redress.cases.facts import calendar_of
from redress.cases.models import Case, Deadline
from redress.lib.workdays import WorkingCalendar
from redress.rulebook.schema import Clock, Rulebook
from redress.rulebook.workflow import due_date

STAGE_PREFIX = "stage:"


def open_stage_deadline(case: Case, rulebook: Rulebook) -> Deadline | None:
    stage = rulebook.stages[case.stage]
    if stage.target is None:
        return None
    start = timezone.localtime(case.stage_entered_at).date()
    return open_clock(
        case,
        kind=STAGE_PREFIX + case.stage,
        label=f"{stage.label} target",
        due_on=due_date(stage.target, start, calendar_of(case.organisation)),
    )


def close_stage_deadline(case: Case) -> None:
    Deadline.objects.filter(case=case, kind__startswith=STAGE_PREFIX, met_at__isnull=True).update(
        met_at=timezone.now()
    )


def start_receipt_clocks(
    case: Case, rulebook: Rulebook, *, received_on: date, complainant_contactable: bool
) -> None:
    for name, clock in rulebook.clocks.items():
        if clock.starts_on != "receipt":
            continue
        if not complainant_contactable and _owed_to_complainant(rulebook, clock):
            continue  # nobody to acknowledge or update: the clock would only ever be overdue
        _start(case, name, clock, received_on)


def _owed_to_complainant(rulebook: Rulebook, clock: Clock) -> bool:
    notice = rulebook.notices.get(clock.stopped_by_notice or "")
    return notice is not None and notice.party == "complainant"


def start_stage_clocks(case: Case, rulebook: Rulebook, *, stage: str, on: date) -> None:
    for name, clock in rulebook.clocks.items():
        if clock.starts_on == f"stage:{stage}":
            _start(case, name, clock, on)


def notice_served(case: Case, rulebook: Rulebook, *, kind: str, on: date) -> None:
    """A notice stops the clocks waiting for it and starts those that run from it."""
    for name, clock in rulebook.clocks.items():
        if clock.stopped_by_notice == kind:
            meet(case, name)
        if clock.starts_on == f"notice:{kind}" and not _is_open(case, name):
            _start(case, name, clock, on)


def meet(case: Case, kind: str) -> None:
    Deadline.objects.filter(case=case, kind=kind, met_at__isnull=True).update(met_at=timezone.now())


def stop_all(case: Case) -> None:
    Deadline.objects.filter(case=case, met_at__isnull=True).update(met_at=timezone.now())


def extend(case: Case, kind: str, working_days: int, calendar: WorkingCalendar) -> date:
    deadline = Deadline.objects.filter(case=case, kind=kind, met_at__isnull=True).first()
    if deadline is None:
        raise LookupError(f"no {kind} clock is running on this case")
    deadline.due_on = calendar.add_working_days(deadline.due_on, working_days)
    deadline.save(update_fields=["due_on"])
    return deadline.due_on


def _is_open(case: Case, kind: str) -> bool:
    return Deadline.objects.filter(case=case, kind=kind, met_at__isnull=True).exists()


def _start(case: Case, name: str, clock: Clock, start: date) -> Deadline:
    return open_clock(
        case,
        kind=name,
        label=clock.label,
        due_on=due_date(clock.target, start, calendar_of(case.organisation)),
    )


def open_clock(case: Case, *, kind: str, label: str, due_on: date) -> Deadline:
    meet(case, kind)  # one open clock of a kind: a restarted clock replaces the old one
    return Deadline.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=kind,
        label=label,
        due_on=due_on,
        created_at=timezone.now(),
    )
