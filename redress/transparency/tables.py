"""The tables of a quarterly release, as count specs, before disclosure control.

Everything here is pure: it reads `CaseRow`s (one per case, from the analytics fact table,
which is where a case's milestones are derived) and the rulebook's vocabulary, and says what
each cell counts. Which rows a table has never depends on the data (a row that appeared only
when its count was not zero would give that away), except the units: a unit appears on its own
only when it has at least the threshold's worth of complaints, and is otherwise merged into its
parent unit.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from redress.lib.workdays import WorkingCalendar
from redress.transparency.cells import Among, CountSpec, Excluding
from redress.transparency.disclosure import Rule

_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
NO_UNIT = ""
WITHIN, BEYOND, UNTIMED = "within", "beyond", "untimed"
AGE_BANDS = (
    ("under_3_months", "Under 3 months", 0, 91),
    ("3_to_6_months", "3 to 6 months", 91, 183),
    ("6_to_12_months", "6 to 12 months", 183, 365),
    ("a_year_or_more", "A year or more", 365, None),
)


class BadPeriod(ValueError):
    """Not a quarter written as 2026Q3."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _PERIOD.match(text.strip())
        if not match:
            raise BadPeriod(f"{text!r} is not a quarter: write it as 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        following = self.next()
        return following.first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def year_to_date(self) -> list[Quarter]:
        return [Quarter(self.year, n) for n in range(1, self.number + 1)]

    def since(self, first: Quarter) -> list[Quarter]:
        """Every quarter from `first` to this one."""
        found, quarter = [], first
        while quarter <= self:
            found.append(quarter)
            quarter = quarter.next()
        return found


def quarter_of(day: date | None) -> str:
    return str(Quarter.of(day)) if day is not None else ""


@dataclass(frozen=True)
class CaseRow:
    """What a release needs of one case: its line of the analytics fact table."""

    category: str
    unit: str
    received_on: date
    triaged_on: date | None = None
    investigation_started_on: date | None = None
    decided_on: date | None = None
    closed_on: date | None = None
    outcome: str = ""
    sanction: str = ""
    suspension_started_on: date | None = None
    suspension_ended_on: date | None = None


@dataclass(frozen=True)
class Interval:
    """A stretch of a case's life the release times, with the rulebook's target for it."""

    code: str
    label: str
    starts: Callable[[CaseRow], date | None]
    ends: Callable[[CaseRow], date | None]
    target_working_days: int | None


@dataclass(frozen=True)
class Vocabulary:
    """The fixed rows: the rulebook's categories, outcomes and sanctions, and the intervals."""

    categories: Sequence[tuple[str, str]]
    outcomes: Sequence[tuple[str, str]]
    sanctions: Sequence[tuple[str, str]]
    intervals: Sequence[Interval]


def default_intervals(
    triage_target: int | None, investigation_to_decision_target: int | None
) -> list[Interval]:
    return [
        Interval(
            "receipt_to_triage",
            "From receipt to the triage decision",
            lambda r: r.received_on,
            lambda r: r.triaged_on,
            triage_target,
        ),
        Interval(
            "investigation_to_decision",
            "From the start of an investigation to the decision",
            lambda r: r.investigation_started_on,
            lambda r: r.decided_on,
            investigation_to_decision_target,
        ),
        Interval(
            "receipt_to_closure",
            "From receipt to closure",
            lambda r: r.received_on,
            lambda r: r.closed_on,
            None,
        ),
    ]


# --- the layout of a release -------------------------------------------------------------------


@dataclass(frozen=True)
class CountCell:
    key: str
    label: str
    spec: CountSpec
    margin: bool = False
    headline: bool = False


@dataclass(frozen=True)
class Statistic:
    """A figure that is not a count (a median, a share): shown only when the counts it rests
    on are published, since a median of three cases says something about each of them."""

    value: float | None
    rests_on: tuple[str, ...]
    kind: str  # "median" or "share"


Slot = CountCell | Statistic | None


@dataclass
class TableRow:
    label: str
    slots: list[Slot]
    total: bool = False


@dataclass
class Table:
    code: str
    title: str
    note: str
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)


@dataclass
class Draft:
    """A release before disclosure control: its tables, every distinct count in them, and
    the records each measure counts."""

    quarter: Quarter
    tables: list[Table]
    counts: dict[str, CountCell]
    records: dict[str, list[dict[str, str]]]


class _Layout:
    """Collects count cells, one per distinct spec, so one figure shown twice is one cell."""

    def __init__(self, quarter: Quarter) -> None:
        self.quarter = quarter
        self.by_spec: dict[CountSpec, CountCell] = {}

    def count(
        self, key: str, label: str, spec: CountSpec, *, margin: bool = False, headline: bool = False
    ) -> CountCell:
        existing = self.by_spec.get(spec)
        if existing is not None:
            return existing
        cell = CountCell(f"{self.quarter}/{key}", f"{self.quarter} {label}", spec, margin, headline)
        self.by_spec[spec] = cell
        return cell


def among(*values: str) -> Among:
    return Among(frozenset(values))


# --- merging small units upward ------------------------------------------------------------------


def merge_small_units(
    parents: Mapping[str, str | None], counts: Mapping[str, int], rule: Rule
) -> list[tuple[str, frozenset[str]]]:
    """Groups of units to publish: a unit with fewer than the threshold's worth (itself and
    whatever was merged into it) is merged into its parent; a unit at the top of the tree stays
    whatever its count, and disclosure control deals with it."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for unit, parent in parents.items():
        children[parent if parent in parents else None].append(unit)
    groups: list[tuple[str, frozenset[str]]] = []

    def visit(unit: str, is_top: bool) -> set[str]:
        pending = {unit}
        for child in sorted(children[unit]):
            pending |= visit(child, is_top=False)
        if is_top or sum(counts.get(u, 0) for u in pending) >= rule.threshold:
            groups.append((unit, frozenset(pending)))
            return set()
        return pending

    for top in sorted(children[None]):
        visit(top, is_top=True)
    return sorted(groups, key=lambda g: g[0])


# --- the records each measure counts -------------------------------------------------------------


def records_of(
    rows: Iterable[CaseRow],
    *,
    vocabulary: Vocabulary,
    calendar: WorkingCalendar,
    snapshots: Iterable[Quarter],
) -> dict[str, list[dict[str, str]]]:
    """Each measure's records with their dimension values, for counting into atoms."""
    rows = list(rows)
    snapshots = sorted(set(snapshots))
    index = WorkingDayIndex.covering(calendar, rows)
    records: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        records["received"].append(
            {"quarter": quarter_of(row.received_on), "category": row.category, "unit": row.unit}
        )
        if row.closed_on is not None:
            records["closed"].append(
                {
                    "quarter": quarter_of(row.closed_on),
                    "outcome": row.outcome,
                    "sanction": row.sanction,
                }
            )
        for interval in vocabulary.intervals:
            timed = _timed(row, interval, index)
            if timed is not None:
                end, days = timed
                records[f"interval:{interval.code}"].append(
                    {"quarter": quarter_of(end), "timeliness": _timeliness(days, interval)}
                )
        for quarter in snapshots:
            age = _open_age(row, quarter)
            if age is not None:
                records["open"].append({"snapshot": str(quarter), "band": _band(age)})
        if row.suspension_started_on is not None:
            records["suspension"].append(
                {
                    "began": quarter_of(row.suspension_started_on),
                    "ended": quarter_of(row.suspension_ended_on),
                }
            )
    return dict(records)


class WorkingDayIndex:
    """Working days between two dates by subtracting running counts, made once per release:
    counting day by day for every case and interval would take most of a release's time."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.first = first
        self.running = [0]
        for offset in range(1, (last - first).days + 1):
            working = calendar.is_working_day(first + timedelta(days=offset))
            self.running.append(self.running[-1] + working)

    @classmethod
    def covering(cls, calendar: WorkingCalendar, rows: Iterable[CaseRow]) -> WorkingDayIndex:
        days = [d for row in rows for d in _dates(row)]
        return cls(calendar, min(days, default=date.today()), max(days, default=date.today()))

    def working_days_between(self, start: date, end: date) -> int:
        """As `WorkingCalendar.working_days_between`, for dates the index covers."""
        return self.running[(end - self.first).days] - self.running[(start - self.first).days]


def _dates(row: CaseRow) -> list[date]:
    found = [row.received_on]
    for day in (row.triaged_on, row.investigation_started_on, row.decided_on, row.closed_on):
        if day is not None:
            found.append(day)
    return found


Days = WorkingCalendar | WorkingDayIndex


def _timed(row: CaseRow, interval: Interval, calendar: Days) -> tuple[date, int] | None:
    start, end = interval.starts(row), interval.ends(row)
    if start is None or end is None or end < start:
        return None
    return end, calendar.working_days_between(start, end)


def _timeliness(days: int, interval: Interval) -> str:
    if interval.target_working_days is None:
        return UNTIMED
    return WITHIN if days <= interval.target_working_days else BEYOND


def _open_age(row: CaseRow, quarter: Quarter) -> int | None:
    end = quarter.last_day
    if row.received_on > end or (row.closed_on is not None and row.closed_on <= end):
        return None
    return (end - row.received_on).days


def _band(age: int) -> str:
    for code, _label, low, high in AGE_BANDS:
        if age >= low and (high is None or age < high):
            return code
    raise AssertionError("the bands cover every age")


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


# --- the tables ---------------------------------------------------------------------------------


def draft_release(
    rows: Sequence[CaseRow],
    *,
    quarter: Quarter,
    vocabulary: Vocabulary,
    calendar: WorkingCalendar,
    unit_parents: Mapping[str, str | None],
    earlier_snapshots: Iterable[Quarter] = (),
    rule: Rule | None = None,
) -> Draft:
    """The release's tables for `quarter`, every count in them as a spec, and the records."""
    rule = rule or Rule()
    layout = _Layout(quarter)
    first = min((Quarter.of(r.received_on) for r in rows), default=quarter)
    tables = [
        _received_by_category(layout, vocabulary),
        _received_by_unit(layout, rows, unit_parents, rule),
        _outcomes(layout, vocabulary),
        _sanctions(layout, vocabulary),
        _times(layout, rows, vocabulary, WorkingDayIndex.covering(calendar, rows)),
        _open_cases(layout, rows),
        _suspensions(layout, rows, first),
    ]
    records = records_of(
        rows,
        vocabulary=vocabulary,
        calendar=calendar,
        snapshots=[quarter, *earlier_snapshots],
    )
    counts = {cell.key: cell for cell in layout.by_spec.values()}
    return Draft(quarter=quarter, tables=tables, counts=counts, records=records)


def _received_by_category(layout: _Layout, vocabulary: Vocabulary) -> Table:
    q = layout.quarter
    this, ytd = among(str(q)), Among(frozenset(str(p) for p in q.year_to_date()))
    table = Table(
        "received_by_category",
        "Complaints received, by category",
        "Every complaint received, including those closed at triage. A case that joins several "
        "complaints about one person counts once, under the category of its first allegation.",
        ["In the quarter", f"{q.year} to date"],
    )
    codes = [code for code, _ in vocabulary.categories]
    for code, label in vocabulary.categories:
        table.rows.append(
            TableRow(
                label,
                [
                    layout.count(
                        f"received/{code}",
                        f"received: {label}",
                        CountSpec.of("received", quarter=this, category=among(code)),
                    ),
                    layout.count(
                        f"received-ytd/{code}",
                        f"received in {q.year} to date: {label}",
                        CountSpec.of("received", quarter=ytd, category=among(code)),
                    ),
                ],
            )
        )
    other = Excluding(frozenset(codes))
    table.rows.append(
        TableRow(
            "Other or not recorded",
            [
                layout.count(
                    "received/other",
                    "received: other or not recorded",
                    CountSpec.of("received", quarter=this, category=other),
                ),
                layout.count(
                    "received-ytd/other",
                    f"received in {q.year} to date: other",
                    CountSpec.of("received", quarter=ytd, category=other),
                ),
            ],
        )
    )
    table.rows.append(
        TableRow(
            "All complaints",
            [
                layout.count(
                    "received/all",
                    "received: all complaints",
                    CountSpec.of("received", quarter=this),
                    margin=True,
                    headline=True,
                ),
                layout.count(
                    "received-ytd/all",
                    f"received in {q.year} to date: all",
                    CountSpec.of("received", quarter=ytd),
                    margin=True,
                    headline=True,
                ),
            ],
            total=True,
        )
    )
    return table


def _received_by_unit(
    layout: _Layout, rows: Sequence[CaseRow], parents: Mapping[str, str | None], rule: Rule
) -> Table:
    q = layout.quarter
    in_quarter = [r for r in rows if Quarter.of(r.received_on) == q]
    counts: dict[str, int] = defaultdict(int)
    for row in in_quarter:
        counts[row.unit] += 1
    tree = dict(parents)
    tree.update({r.unit: None for r in in_quarter if r.unit not in tree and r.unit != NO_UNIT})
    table = Table(
        "received_by_unit",
        "Complaints received in the quarter, by the respondent's unit",
        f"A unit with fewer than {rule.threshold} complaints in the quarter is counted with the "
        "unit above it.",
        ["In the quarter"],
    )
    for name, members in merge_small_units(tree, counts, rule):
        merged = len(members) - 1
        label = (
            name
            if not merged
            else f"{name}, with {merged} unit{'s' if merged > 1 else ''} within it"
        )
        spec = CountSpec.of("received", quarter=among(str(q)), unit=Among(members))
        table.rows.append(
            TableRow(label, [layout.count(f"unit/{name}", f"received: {label}", spec)])
        )
    spec = CountSpec.of("received", quarter=among(str(q)), unit=among(NO_UNIT))
    table.rows.append(
        TableRow("No unit recorded", [layout.count("unit/none", "received: no unit", spec)])
    )
    table.rows.append(
        TableRow(
            "All complaints",
            [
                layout.count(
                    "received/all",
                    "received: all complaints",
                    CountSpec.of("received", quarter=among(str(q))),
                    margin=True,
                )
            ],
            total=True,
        )
    )
    return table


def _outcomes(layout: _Layout, vocabulary: Vocabulary) -> Table:
    q = among(str(layout.quarter))
    table = Table(
        "outcomes",
        "Cases closed in the quarter, by outcome",
        "",
        ["Cases"],
    )
    codes = [code for code, _ in vocabulary.outcomes]
    for code, label in vocabulary.outcomes:
        spec = CountSpec.of("closed", quarter=q, outcome=among(code))
        table.rows.append(
            TableRow(label, [layout.count(f"outcome/{code}", f"closed: {label}", spec)])
        )
    spec = CountSpec.of("closed", quarter=q, outcome=Excluding(frozenset(codes)))
    table.rows.append(
        TableRow("Other", [layout.count("outcome/other", "closed: other outcome", spec)])
    )
    spec = CountSpec.of("closed", quarter=q)
    table.rows.append(
        TableRow(
            "All cases closed",
            [layout.count("closed/all", "closed: all", spec, margin=True, headline=True)],
            total=True,
        )
    )
    return table


def _sanctions(layout: _Layout, vocabulary: Vocabulary) -> Table:
    q = among(str(layout.quarter))
    table = Table(
        "sanctions",
        "Sanctions in cases closed in the quarter",
        "The most severe sanction in each case.",
        ["Cases"],
    )
    codes = [code for code, _ in vocabulary.sanctions]
    for code, label in vocabulary.sanctions:
        spec = CountSpec.of("closed", quarter=q, sanction=among(code))
        table.rows.append(
            TableRow(label, [layout.count(f"sanction/{code}", f"sanction: {label}", spec)])
        )
    spec = CountSpec.of("closed", quarter=q, sanction=Excluding(frozenset([*codes, ""])))
    table.rows.append(TableRow("Other", [layout.count("sanction/other", "sanction: other", spec)]))
    spec = CountSpec.of("closed", quarter=q, sanction=Excluding(frozenset([""])))
    table.rows.append(
        TableRow(
            "All cases with a sanction",
            [layout.count("sanction/all", "sanction: all", spec, margin=True)],
            total=True,
        )
    )
    return table


def _times(
    layout: _Layout, rows: Sequence[CaseRow], vocabulary: Vocabulary, calendar: Days
) -> Table:
    q = layout.quarter
    table = Table(
        "times",
        "Time taken, for stretches of a case that ended in the quarter",
        "In working days. The target is the rulebook's; a stretch without one shows no share.",
        [
            "Cases",
            "Median (working days)",
            "Target (working days)",
            "Within target",
            "Beyond target",
            "Share within target",
        ],
    )
    for interval in vocabulary.intervals:
        measure = f"interval:{interval.code}"
        days = [
            timed[1]
            for row in rows
            if (timed := _timed(row, interval, calendar)) is not None and Quarter.of(timed[0]) == q
        ]
        total = layout.count(
            f"{interval.code}/all",
            f"{interval.label}: cases",
            CountSpec.of(measure, quarter=among(str(q))),
            margin=True,
        )
        median = Statistic(_median(days), (total.key,), "median")
        if interval.target_working_days is None:
            table.rows.append(TableRow(interval.label, [total, median, None, None, None, None]))
            continue
        within = layout.count(
            f"{interval.code}/within",
            f"{interval.label}: within target",
            CountSpec.of(measure, quarter=among(str(q)), timeliness=among(WITHIN)),
        )
        beyond = layout.count(
            f"{interval.code}/beyond",
            f"{interval.label}: beyond target",
            CountSpec.of(measure, quarter=among(str(q)), timeliness=among(BEYOND)),
        )
        on_time = sum(1 for d in days if d <= interval.target_working_days)
        share = Statistic(on_time / len(days) if days else None, (within.key, beyond.key), "share")
        target = Statistic(float(interval.target_working_days), (), "target")
        table.rows.append(TableRow(interval.label, [total, median, target, within, beyond, share]))
    return table


def _open_cases(layout: _Layout, rows: Sequence[CaseRow]) -> Table:
    q = layout.quarter
    snapshot = among(str(q))
    table = Table(
        "open_cases",
        f"Cases open at the end of the quarter ({q.last_day:%-d %B %Y}), by age",
        "Age counts from the first complaint.",
        ["Cases", "Median age (days)"],
    )
    for code, label, _low, _high in AGE_BANDS:
        spec = CountSpec.of("open", snapshot=snapshot, band=among(code))
        table.rows.append(
            TableRow(label, [layout.count(f"open/{code}", f"open, {label}", spec), None])
        )
    ages = [age for row in rows if (age := _open_age(row, q)) is not None]
    total = layout.count(
        "open/all", "open: all", CountSpec.of("open", snapshot=snapshot), margin=True, headline=True
    )
    table.rows.append(
        TableRow(
            "All open cases", [total, Statistic(_median(ages), (total.key,), "median")], total=True
        )
    )
    return table


def _suspensions(layout: _Layout, rows: Sequence[CaseRow], first: Quarter) -> Table:
    q = layout.quarter
    up_to_now = frozenset(str(p) for p in q.since(min(first, q)))
    table = Table(
        "suspensions",
        "Administrative suspensions",
        "Suspensions while a case runs, not sanctions. Length in days, for those that ended.",
        ["Suspensions", "Median length (days)"],
    )
    began = layout.count(
        "suspensions/began", "suspensions begun", CountSpec.of("suspension", began=among(str(q)))
    )
    ended = layout.count(
        "suspensions/ended", "suspensions ended", CountSpec.of("suspension", ended=among(str(q)))
    )
    in_force = layout.count(
        "suspensions/in_force",
        "suspensions in force at the end",
        CountSpec.of("suspension", began=Among(up_to_now), ended=Excluding(up_to_now)),
    )
    lengths = [
        (r.suspension_ended_on - r.suspension_started_on).days
        for r in rows
        if r.suspension_started_on
        and r.suspension_ended_on
        and Quarter.of(r.suspension_ended_on) == q
    ]
    table.rows += [
        TableRow("Began in the quarter", [began, None]),
        TableRow(
            "Ended in the quarter", [ended, Statistic(_median(lengths), (ended.key,), "median")]
        ),
        TableRow("In force at the end of the quarter", [in_force, None]),
    ]
    return table
