"""Drafting a release's tables from fact rows, and specs turned into atoms: no database."""

from __future__ import annotations

from datetime import date

import pytest

from redress.lib.workdays import WorkingCalendar
from redress.transparency.cells import Among, CountSpec, Excluding, atoms_of, linked, overlap
from redress.transparency.disclosure import Rule
from redress.transparency.tables import (
    BadPeriod,
    CaseRow,
    Quarter,
    Vocabulary,
    WorkingDayIndex,
    default_intervals,
    draft_release,
    merge_small_units,
)

CALENDAR = WorkingCalendar.of("england-and-wales")
VOCABULARY = Vocabulary(
    categories=[("antisemitism", "Antisemitism"), ("bullying", "Bullying")],
    outcomes=[("upheld", "Upheld"), ("not_upheld", "Not upheld")],
    sanctions=[("warning", "Formal warning"), ("expulsion", "Expulsion")],
    intervals=default_intervals(10, 85),
)
Q3 = Quarter(2026, 3)


def count(draft, key: str) -> int:  # type: ignore[no-untyped-def]
    cell = draft.counts[f"2026Q3/{key}"]
    return sum(1 for r in draft.records[cell.spec.measure] if cell.spec.admits(r))


def test_a_quarter_is_read_and_written_as_2026q3() -> None:
    q = Quarter.parse("2026Q3")

    assert (q.first_day, q.last_day, str(q)) == (date(2026, 7, 1), date(2026, 9, 30), "2026Q3")
    assert [str(p) for p in q.year_to_date()] == ["2026Q1", "2026Q2", "2026Q3"]
    assert str(Quarter(2026, 4).next()) == "2027Q1"
    with pytest.raises(BadPeriod, match="write it as 2026Q3"):
        Quarter.parse("2026-09")


def test_small_units_are_merged_into_their_parent_and_large_ones_stand_alone() -> None:
    parents = {"North": None, "Leeds": "North", "York": "North", "Hull": "North", "South": None}
    counts = {"Leeds": 14, "York": 3, "Hull": 2, "South": 1}

    groups = merge_small_units(parents, counts, Rule())

    assert groups == [
        ("Leeds", frozenset({"Leeds"})),
        ("North", frozenset({"North", "York", "Hull"})),
        ("South", frozenset({"South"})),
    ]


def test_a_merged_group_still_too_small_goes_up_another_level() -> None:
    parents = {"UK": None, "North": "UK", "Leeds": "North", "South": "UK", "Kent": "South"}
    counts = {"Leeds": 4, "Kent": 30, "North": 1}

    groups = dict(merge_small_units(parents, counts, Rule()))

    assert groups == {
        "Kent": frozenset({"Kent"}),
        "UK": frozenset({"UK", "North", "Leeds", "South"}),
    }


def test_the_tables_count_what_they_say() -> None:
    rows = [
        CaseRow(
            "antisemitism",
            "Leeds",
            date(2026, 7, 1),
            triaged_on=date(2026, 7, 8),
            closed_on=date(2026, 8, 3),
            outcome="upheld",
            sanction="warning",
        ),
        CaseRow("bullying", "Leeds", date(2026, 2, 2), triaged_on=date(2026, 7, 20)),
        CaseRow("other", "", date(2026, 9, 30), suspension_started_on=date(2026, 9, 30)),
        CaseRow(
            "bullying",
            "York",
            date(2025, 6, 1),
            suspension_started_on=date(2025, 7, 1),
            suspension_ended_on=date(2026, 7, 2),
        ),
    ]

    draft = draft_release(
        rows,
        quarter=Q3,
        vocabulary=VOCABULARY,
        calendar=CALENDAR,
        unit_parents={"Leeds": None, "York": None},
    )

    assert count(draft, "received/antisemitism") == 1
    assert count(draft, "received/other") == 1
    assert count(draft, "received-ytd/bullying") == 1
    assert count(draft, "received/all") == 2
    assert count(draft, "outcome/upheld") == 1
    assert count(draft, "sanction/warning") == 1
    assert count(draft, "sanction/all") == 1
    # 5 working days (within 10) and 119 (beyond): both triage decisions ended in Q3.
    assert count(draft, "receipt_to_triage/within") == 1
    assert count(draft, "receipt_to_triage/beyond") == 1
    assert count(draft, "open/all") == 3
    assert count(draft, "open/a_year_or_more") == 1
    assert count(draft, "suspensions/began") == 1
    assert count(draft, "suspensions/ended") == 1
    assert count(draft, "suspensions/in_force") == 1


def test_the_rows_do_not_depend_on_which_counts_are_zero() -> None:
    empty = draft_release([], quarter=Q3, vocabulary=VOCABULARY, calendar=CALENDAR, unit_parents={})
    one = draft_release(
        [
            CaseRow(
                "bullying",
                "",
                date(2026, 7, 1),
                closed_on=date(2026, 7, 2),
                outcome="upheld",
                sanction="expulsion",
            )
        ],
        quarter=Q3,
        vocabulary=VOCABULARY,
        calendar=CALENDAR,
        unit_parents={},
    )

    labels = [[row.label for row in t.rows] for t in empty.tables]
    assert labels == [[row.label for row in t.rows] for t in one.tables]


def test_a_spec_survives_being_stored() -> None:
    spec = CountSpec.of(
        "suspension",
        began=Among(frozenset({"2026Q3"})),
        ended=Excluding(frozenset({"2026Q2", "2026Q3"})),
    )

    assert CountSpec.from_json(spec.as_json()) == spec


def test_specs_become_sums_over_shared_atoms_including_empty_ones() -> None:
    quarter = CountSpec.of(
        "received", quarter=Among(frozenset({"Q2"})), category=Among(frozenset({"a"}))
    )
    ytd = CountSpec.of(
        "received", quarter=Among(frozenset({"Q1", "Q2"})), category=Among(frozenset({"a"}))
    )
    records = {"received": [{"quarter": "Q2", "category": "a"}, {"quarter": "Q1", "category": "b"}]}

    atoms = atoms_of([quarter, ytd], records)

    assert atoms.of_spec[quarter] < atoms.of_spec[ytd]
    assert sum(atoms.values.get(a, 0) for a in atoms.of_spec[quarter]) == 1
    assert sum(atoms.values.get(a, 0) for a in atoms.of_spec[ytd]) == 1
    # Q1 in category a is empty today, but an atom all the same.
    assert len(atoms.of_spec[ytd] - atoms.of_spec[quarter]) == 1


def test_only_earlier_counts_linked_to_the_new_ones_are_checked_against_them() -> None:
    def received(*quarters: str) -> CountSpec:
        return CountSpec.of("received", quarter=Among(frozenset(quarters)))

    new = [received("2026Q3"), received("2026Q1", "2026Q2", "2026Q3")]
    earlier = [
        received("2026Q2"),  # inside this year to date
        received("2024Q1"),  # another year, linked to nothing new
        received("2025Q4", "2026Q1"),  # a window across the year's end, overlapping this year
        received("2025Q4"),  # linked to this year through that window
        CountSpec.of("closed", quarter=Among(frozenset({"2026Q3"}))),  # another measure
    ]

    assert linked(new, earlier) == [0, 2, 3]
    not_q3 = CountSpec.of("received", quarter=Excluding(frozenset({"2026Q3"})))
    assert overlap(not_q3, received("2024Q1"))
    assert not overlap(not_q3, received("2026Q3"))
    assert overlap(not_q3, CountSpec.of("received", quarter=Excluding(frozenset({"2026Q2"}))))


def test_the_working_day_index_counts_as_the_calendar_does() -> None:
    # Across Christmas and New Year, with their bank holidays.
    index = WorkingDayIndex(CALENDAR, date(2025, 12, 1), date(2026, 2, 1))

    for start, end in [
        (date(2025, 12, 1), date(2026, 2, 1)),
        (date(2025, 12, 24), date(2025, 12, 29)),
        (date(2025, 12, 31), date(2026, 1, 2)),
        (date(2026, 1, 5), date(2026, 1, 5)),
    ]:
        assert index.working_days_between(start, end) == CALENDAR.working_days_between(start, end)
