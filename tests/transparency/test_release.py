"""Publishing a quarter's statistics: withheld small counts, checks against earlier releases,
refusals that name the cell, the audit head, and immutability."""

from __future__ import annotations

import csv
import io
from datetime import date

import orjson
import pytest
from django.db import transaction
from django.db.utils import DatabaseError

from redress.audit.models import AuditEvent
from redress.audit.selectors import chain_head
from redress.audit.services import record_event, seal_pending
from redress.people.models import Organisation, Unit
from redress.transparency.models import Release
from redress.transparency.services import ReleaseRefused, publish_release

from .conftest import add_facts, publish, table


def test_small_counts_and_what_would_give_them_away_are_withheld(
    organisation: Organisation,
) -> None:
    add_facts(organisation, 30, received_on=date(2026, 7, 6), category="bullying")
    add_facts(organisation, 4, received_on=date(2026, 8, 3), category="antisemitism")
    add_facts(organisation, 25, received_on=date(2026, 9, 1), category="sexism")

    release = publish(organisation, "2026Q3")

    received = table(release, "received_by_category")
    assert received["Antisemitism"] == [None, None]
    # One more category withheld beside it (the smaller), so the total does not give 4 away.
    assert received["Sexism and misogyny"] == [None, None]
    assert received["Bullying and harassment"] == [30, 30]
    assert received["Islamophobia"] == [0, 0]
    assert received["All complaints"] == [59, 59]
    small = {c["label"] for c in release.cells if c["small"]}
    assert "2026Q3 received: Antisemitism" in small


def test_the_downloads_are_the_release_as_published(organisation: Organisation) -> None:
    add_facts(
        organisation,
        12,
        received_on=date(2026, 7, 6),
        closed_on=date(2026, 9, 1),
        outcome="upheld",
        sanction="warning",
        triaged_on=date(2026, 7, 8),
    )
    add_facts(organisation, 3, received_on=date(2026, 7, 6))

    release = publish(organisation, "2026Q3")

    assert orjson.loads(release.json_text) == release.content
    rows = list(csv.DictReader(io.StringIO(release.csv_text)))
    assert {
        "table": "release",
        "row": "audit log head hash",
        "column": "",
        "value": release.audit_head_hash,
    } in rows
    outcomes = [r for r in rows if r["table"] == "Cases closed in the quarter, by outcome"]
    assert {"row": "Upheld", "value": "12"} in [
        {"row": r["row"], "value": r["value"]} for r in outcomes
    ]
    times = table(release, "times")["From receipt to the triage decision"]
    # 12 cases, median 2 working days, target 10, all 12 within, none beyond, 100 %.
    assert times == [12, 2.0, 10, 12, 0, 100]
    # No investigation ended in the quarter: nothing to take a median of, rather than withheld.
    investigations = table(release, "times")["From the start of an investigation to the decision"]
    assert investigations == [0, "n/a", 85, 0, 0, "n/a"]


def test_the_release_prints_the_audit_head_as_it_stood(organisation: Organisation) -> None:
    record_event(organisation=organisation, actor=None, action="case.viewed")
    add_facts(organisation, 20, received_on=date(2026, 7, 6))
    seal_pending(organisation.pk)
    head = chain_head(organisation.pk)

    release = publish(organisation, "2026Q3")

    assert head is not None and head[0] >= 2
    assert (release.audit_seq, release.audit_head_hash) == head
    assert release.content["audit_head"] == {"seq": head[0], "hash": head[1]}
    event = AuditEvent.objects.get(
        organisation=organisation, action="transparency.release_published"
    )
    assert event.data["audit_head_hash"] == head[1]


def test_a_published_release_cannot_be_changed_or_removed(organisation: Organisation) -> None:
    add_facts(organisation, 20, received_on=date(2026, 7, 6))
    release = publish(organisation, "2026Q3")

    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(csv_text="forged")
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        Release.objects.filter(pk=release.pk).delete()

    assert Release.objects.get(pk=release.pk).csv_text == release.csv_text


@pytest.mark.parametrize(
    ("period", "today", "reason"),
    [
        ("2026Q4", date(2026, 11, 25), "2026Q4 has not ended yet"),
        ("2026-Q3", date(2026, 11, 25), "write it as 2026Q3"),
    ],
)
def test_a_quarter_that_cannot_be_published_is_refused(
    organisation: Organisation, period: str, today: date, reason: str
) -> None:
    with pytest.raises(ReleaseRefused, match=reason):
        publish_release(organisation=organisation, period=period, today=today)

    assert not Release.objects.exists()


def test_a_quarter_is_published_once(organisation: Organisation) -> None:
    add_facts(organisation, 20, received_on=date(2026, 7, 6))
    publish(organisation, "2026Q3")

    with pytest.raises(ReleaseRefused, match="2026Q3 has already been published"):
        publish(organisation, "2026Q3")


def test_a_quarter_given_away_by_the_year_to_date_is_refused_naming_the_cell(
    organisation: Organisation,
) -> None:
    add_facts(organisation, 12, received_on=date(2026, 2, 2))
    add_facts(organisation, 15, received_on=date(2026, 5, 5))
    publish(organisation, "2026Q2")
    add_facts(organisation, 5, received_on=date(2026, 8, 3))
    events = AuditEvent.objects.count()

    # 2026 to date is a headline figure (32): less Q2's 27 for 2026 to date, it gives the
    # quarter's 5 complaints away, all of them of bullying.
    refused = r"^2026Q3 is refused: 2026Q3 received: Bullying and harassment could be worked out"
    with pytest.raises(ReleaseRefused, match=refused):
        publish(organisation, "2026Q3")

    assert list(Release.objects.values_list("period", flat=True)) == ["2026Q2"]
    assert AuditEvent.objects.count() == events


def test_a_later_release_withholds_what_would_difference_an_earlier_one(
    organisation: Organisation,
) -> None:
    add_facts(organisation, 15, received_on=date(2026, 2, 2), category="antisemitism")
    add_facts(organisation, 40, received_on=date(2026, 2, 2), category="bullying")
    q1 = publish(organisation, "2026Q1")
    add_facts(organisation, 3, received_on=date(2026, 5, 5), category="antisemitism")
    add_facts(organisation, 40, received_on=date(2026, 5, 5), category="bullying")

    q2 = publish(organisation, "2026Q2")

    assert table(q1, "received_by_category")["Antisemitism"] == [15, 15]
    # 18 for 2026 to date would give Q2's 3 away against Q1's 15.
    assert table(q2, "received_by_category")["Antisemitism"] == [None, None]


def test_small_units_are_published_merged_into_the_unit_above(
    organisation: Organisation,
) -> None:
    north = Unit.objects.create(organisation=organisation, name="North", kind="region")
    for name in ("Leeds", "York"):
        Unit.objects.create(organisation=organisation, name=name, kind="branch", parent=north)
    add_facts(organisation, 14, received_on=date(2026, 7, 6), respondent_unit="Leeds")
    add_facts(organisation, 3, received_on=date(2026, 7, 6), respondent_unit="York")
    add_facts(organisation, 11, received_on=date(2026, 7, 6), respondent_unit="North")

    release = publish(organisation, "2026Q3")

    units = table(release, "received_by_unit")
    assert units == {
        "Leeds": [14],
        "North, with 1 unit within it": [14],
        "No unit recorded": [0],
        "All complaints": [28],
    }


def test_a_median_of_a_few_is_withheld_with_its_count(organisation: Organisation) -> None:
    add_facts(organisation, 20, received_on=date(2026, 7, 6))
    add_facts(
        organisation,
        3,
        received_on=date(2026, 1, 6),
        suspension_started_on=date(2026, 2, 2),
        suspension_ended_on=date(2026, 8, 3),
    )

    release = publish(organisation, "2026Q3")

    assert table(release, "suspensions")["Ended in the quarter"] == [None, None]
