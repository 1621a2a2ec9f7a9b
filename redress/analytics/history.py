"""Importing an organisation's earlier cases from a CSV file into the fact table.

Organisations arrive with years of cases in spreadsheets; importing them lets the fairness
report work from the first day. The whole file is checked before anything is written: one bad
row and nothing is imported, and every problem is reported with its line number. A good file is
written in one transaction, in batches, and recorded in the audit log (as a count, never rows).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from redress.analytics.models import IMPORTABLE_OUTCOMES, CaseFact, Source
from redress.audit.services import record_event
from redress.cases.models import Category
from redress.people.models import EthnicGroup, Organisation

COLUMNS = (
    "case_ref",
    "category",
    "received_on",
    "triaged_on",
    "investigation_started_on",
    "decided_on",
    "closed_on",
    "outcome",
    "sanction",
    "complainant_group",
    "respondent_unit",
    "complainant_ref",
)
# Each milestone may not come before the one named beside it.
ORDER = (
    ("triaged_on", "received_on"),
    ("investigation_started_on", "triaged_on"),
    ("investigation_started_on", "received_on"),
    ("decided_on", "received_on"),
    ("closed_on", "decided_on"),
    ("closed_on", "received_on"),
)
SANCTIONS = ("reminder_of_conduct", "warning", "suspension", "expulsion")
BATCH_SIZE = 5_000
MAX_PROBLEMS_KEPT = 20
# Field lengths of the fact table, checked here so a long value is a line-numbered problem
# rather than a database error.
MAX_LENGTHS = {"case_ref": 30, "respondent_unit": 200, "complainant_ref": 64}
MILESTONES = ("received_on", "triaged_on", "investigation_started_on", "decided_on", "closed_on")


class HistoryImportError(ValueError):
    """The file cannot be imported. `problems` holds the first few, `total` counts them all."""

    def __init__(self, problems: list[str], total: int) -> None:
        self.problems = problems
        self.total = total
        more = f" (and {total - 1} more problems)" if total > 1 else ""
        super().__init__(problems[0] + more)


@dataclass(frozen=True)
class HistoryImport:
    rows: int
    open_cases: int


def import_history(
    *, organisation: Organisation, data: bytes, encoding: str = "utf-8-sig"
) -> HistoryImport:
    """Check the whole file, then import every row as an imported case fact, or raise
    HistoryImportError and import nothing. The file is read twice (checked, then written in
    batches), so a file of a million cases never becomes a million objects at once."""
    references, problems, total = _checked(data, encoding)
    if total:
        raise HistoryImportError(problems, total)
    if not references:
        raise HistoryImportError(["the file has no cases"], 1)
    with transaction.atomic():
        clashes = sorted(references & _taken_references(organisation))
        if clashes:
            raise HistoryImportError(
                [f"case_ref {ref!r} is already in Redress" for ref in clashes[:MAX_PROBLEMS_KEPT]],
                len(clashes),
            )
        still_open = _write(organisation, _rows(data, encoding))
        record_event(
            organisation=organisation,
            actor=None,
            action="analytics.history_imported",
            data={"rows": len(references)},
        )
    return HistoryImport(rows=len(references), open_cases=still_open)


def _taken_references(organisation: Organisation) -> set[str]:
    return set(
        CaseFact.objects.filter(organisation=organisation).values_list("reference", flat=True)
    )


def _checked(data: bytes, encoding: str) -> tuple[set[str], list[str], int]:
    problems: list[str] = []
    total = 0
    seen: dict[str, int] = {}
    today = timezone.localdate()
    try:
        for line, row in _rows(data, encoding):
            row_problems = _row_problems(row, today)
            ref = row["case_ref"]
            if ref and ref in seen:
                row_problems.append(f"case_ref {ref!r} is also on line {seen[ref]}")
            seen.setdefault(ref, line)
            if row_problems:
                total += len(row_problems)
                if len(problems) < MAX_PROBLEMS_KEPT:
                    problems.extend(f"line {line}: {p}" for p in row_problems)
    except (UnicodeDecodeError, csv.Error) as error:
        raise HistoryImportError([f"the file cannot be read as CSV: {error}"], 1) from None
    return set(seen), problems[:MAX_PROBLEMS_KEPT], total


def _write(organisation: Organisation, rows: Iterator[tuple[int, dict[str, str]]]) -> int:
    """Write the checked rows; return how many are still open. On PostgreSQL with COPY, since
    `bulk_create` spends most of a large import building its SQL."""
    now = timezone.now()
    still_open = 0
    facts = (_fact(organisation, row, now) for _, row in rows)
    if connection.vendor == "postgresql":
        columns = [f.column for f in CaseFact._meta.concrete_fields if f.column != "id"]
        names = [f.attname for f in CaseFact._meta.concrete_fields if f.column != "id"]
        sql = f"COPY {CaseFact._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for fact in facts:
                still_open += fact.closed_on is None
                copy.write_row([getattr(fact, name) for name in names])
        return still_open
    batch: list[CaseFact] = []
    for fact in facts:
        still_open += fact.closed_on is None
        batch.append(fact)
        if len(batch) == BATCH_SIZE:
            CaseFact.objects.bulk_create(batch)
            batch = []
    CaseFact.objects.bulk_create(batch)
    return still_open


def _rows(data: bytes, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        said = []
        if missing:
            said.append("missing " + ", ".join(missing))
        if unknown:
            said.append("unknown " + ", ".join(unknown))
        raise HistoryImportError([f"line 1: the header has {'; '.join(said)}"], 1)
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num
        if len(values) != len(header):
            yield line, {"case_ref": "", "_width": str(len(values))}
            continue
        yield line, {name: value.strip() for name, value in zip(header, values, strict=True)}


def _row_problems(row: dict[str, str], today: date) -> list[str]:
    if "_width" in row:
        return [f"has {row['_width']} fields, the header {len(COLUMNS)}"]
    problems = []
    if not row["case_ref"]:
        problems.append("case_ref is blank")
    for name, limit in MAX_LENGTHS.items():
        if limit is not None and len(row[name]) > limit:
            problems.append(f"{name} is longer than {limit} characters")
    if row["category"] not in Category.values:
        problems.append(f"category {row['category']!r} is not one of {', '.join(Category.values)}")
    dates: dict[str, date | None] = {}
    for name in (
        "received_on",
        "triaged_on",
        "investigation_started_on",
        "decided_on",
        "closed_on",
    ):
        dates[name] = None
        if not row[name]:
            if name == "received_on":
                problems.append("received_on is blank")
            continue
        try:
            dates[name] = date.fromisoformat(row[name])
        except ValueError:
            problems.append(f"{name} {row[name]!r} is not a date like 2024-03-31")
            continue
        if dates[name] > today:  # type: ignore[operator]
            problems.append(f"{name} is in the future")
    for later, earlier in ORDER:
        a, b = dates[later], dates[earlier]
        if a is not None and b is not None and a < b:
            problems.append(f"{later} is before {earlier}")
    problems.extend(_outcome_problems(row, closed=dates["closed_on"] is not None))
    group = row["complainant_group"]
    if group and group not in EthnicGroup.values:
        problems.append(
            f"complainant_group {group!r} is not blank or one of {', '.join(EthnicGroup.values)}"
        )
    return problems


def _outcome_problems(row: dict[str, str], *, closed: bool) -> list[str]:
    outcome, sanction = row["outcome"], row["sanction"]
    problems = []
    if outcome and outcome not in IMPORTABLE_OUTCOMES:
        problems.append(f"outcome {outcome!r} is not one of {', '.join(IMPORTABLE_OUTCOMES)}")
    if closed and not outcome:
        problems.append("a closed case needs its outcome")
    if outcome and not closed:
        problems.append("an outcome needs closed_on")
    if sanction and sanction not in SANCTIONS:
        problems.append(f"sanction {sanction!r} is not blank or one of {', '.join(SANCTIONS)}")
    if sanction and outcome != "upheld":
        problems.append("a sanction needs the outcome upheld")
    return problems


def _fact(organisation: Organisation, row: dict[str, str], now: datetime) -> CaseFact:
    def day(name: str) -> date | None:
        return date.fromisoformat(row[name]) if row[name] else None

    received = day("received_on")
    assert received is not None  # checked above
    return CaseFact(
        organisation=organisation,
        source=Source.IMPORTED,
        reference=row["case_ref"],
        category=row["category"],
        respondent_unit=row["respondent_unit"],
        complainant_group=row["complainant_group"],
        complainant_ref=row["complainant_ref"],
        received_on=received,
        triaged_on=day("triaged_on"),
        investigation_started_on=day("investigation_started_on"),
        decided_on=day("decided_on"),
        closed_on=day("closed_on"),
        outcome=row["outcome"],
        sanction=row["sanction"],
        refreshed_at=now,
    )
