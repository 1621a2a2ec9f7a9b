"""Live cases reach a release through the analytics fact table, which follows every complaint
and transition: the statistics derive no milestone of their own."""

from __future__ import annotations

from datetime import date

import time_machine

from redress.cases import services
from redress.transparency.services import publish_release
from tests.factories import make_cast, make_person

from .conftest import table


def test_complaints_filed_through_the_services_are_counted(db: None) -> None:
    cast = make_cast()
    with time_machine.travel("2026-08-04 10:00Z", tick=False):
        for n in range(12):
            services.file_complaint(
                cast.organisation,
                categories=["islamophobia"],
                summary="Abuse in the branch meeting.",
                respondent=make_person(cast.organisation, f"Respondent {n}"),
                complainant=cast.complainant,
                anonymous=False,
            )

    release = publish_release(
        organisation=cast.organisation, period="2026Q3", today=date(2026, 10, 1)
    )

    assert table(release, "received_by_category")["Islamophobia"] == [12, 12]
    assert table(release, "open_cases")["Under 3 months"] == [12, "n/a"]
