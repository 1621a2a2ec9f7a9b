"""Fixtures for the public statistics: an organisation, and fact rows put straight into the
analytics fact table as imported history (the fact table is the statistics' only source)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from redress.analytics.models import CaseFact, Source
from redress.people.models import Organisation
from redress.transparency.models import Release
from redress.transparency.services import publish_release
from redress.transparency.tables import Quarter
from tests.factories import make_organisation

_references = itertools.count(1)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return make_organisation()


def add_facts(organisation: Organisation, count: int, *, received_on: date, **fields: Any) -> None:
    """`count` cases received on `received_on`, with the given milestones and results."""
    fields.setdefault("category", "bullying")
    CaseFact.objects.bulk_create(
        CaseFact(
            organisation=organisation,
            source=Source.IMPORTED,
            reference=f"H-{next(_references):06d}",
            received_on=received_on,
            refreshed_at=timezone.now(),
            **fields,
        )
        for _ in range(count)
    )


def publish(organisation: Organisation, period: str) -> Release:
    """Publish `period` on the first day after it ends."""
    return publish_release(
        organisation=organisation, period=period, today=Quarter.parse(period).next().first_day
    )


def table(release: Release, code: str) -> dict[str, list[Any]]:
    """A published table as {row label: [values]}."""
    found = next(t for t in release.content["tables"] if t["id"] == code)
    return {row["label"]: row["values"] for row in found["rows"]}
