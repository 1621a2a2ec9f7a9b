"""The diversity audit: the make-up of staff, case handlers and panel members against the
membership, from voluntary equality data, as the source texts demand.

Counts come only from declared profiles (read through `redress.people.equality`), never shown
per person. A count below `SUPPRESS_BELOW` is shown as "fewer than 5" and its share withheld,
and so is the smallest other count of the same population and characteristic when exactly one
is suppressed, so that no suppressed count can be worked out from the total.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, QuerySet

from redress.people.equality import profiles_of
from redress.people.models import EqualityProfile, Organisation, Person, StaffRole

SUPPRESS_BELOW = 5
CHARACTERISTICS: dict[str, type[models.TextChoices]] = {
    "gender": EqualityProfile.Gender,
    "ethnic_group": EqualityProfile.EthnicGroup,
    "disability": EqualityProfile.Disability,
}
HANDLER_ROLES = (StaffRole.OFFICER, StaffRole.INVESTIGATOR, StaffRole.DECISION_MAKER)


@dataclass(frozen=True)
class Cell:
    population: str
    characteristic: str
    value: str
    label: str
    count: int | None  # None: suppressed
    share: float | None
    declared: int


def populations(organisation: Organisation) -> dict[str, QuerySet[Person]]:
    people = Person.objects.filter(organisation=organisation)
    return {
        "membership": people.filter(kind=Person.Kind.MEMBER),
        "staff": people.filter(user__role_grants__isnull=False).distinct(),
        "case handlers": people.filter(user__role_grants__role__in=HANDLER_ROLES).distinct(),
        "panel members": people.filter(user__role_grants__role=StaffRole.PANELLIST).distinct(),
    }


def diversity_audit(organisation: Organisation) -> list[Cell]:
    cells: list[Cell] = []
    profiles = profiles_of(organisation)
    for population, people in populations(organisation).items():
        declared = profiles.filter(person__in=people.values("pk"))
        for characteristic, choices in CHARACTERISTICS.items():
            counts = dict(
                declared.exclude(**{characteristic: ""})
                .values_list(characteristic)
                .annotate(n=Count("pk"))
                .values_list(characteristic, "n")
            )
            cells += _suppressed(population, characteristic, list(choices.choices), counts)
    return cells


def _suppressed(
    population: str,
    characteristic: str,
    choices: list[tuple[str, str]],
    counts: dict[str, int],
) -> list[Cell]:
    total = sum(counts.values())
    hidden = {v for v, n in counts.items() if 0 < n < SUPPRESS_BELOW}
    if len(hidden) == 1:
        shown = sorted((n, v) for v, n in counts.items() if v not in hidden and n > 0)
        if shown:
            hidden.add(shown[0][1])
    return [
        Cell(
            population=population,
            characteristic=characteristic,
            value=value,
            label=str(label),
            count=None if value in hidden else counts.get(value, 0),
            share=None if value in hidden or not total else counts.get(value, 0) / total,
            declared=total,
        )
        for value, label in choices
    ]


def audit_csv(cells: list[Cell]) -> str:
    """The audit as CSV, suppressed cells written as "<5"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["population", "characteristic", "value", "count", "share", "declared"])
    for cell in cells:
        writer.writerow(
            [
                cell.population,
                cell.characteristic,
                cell.value,
                "<5" if cell.count is None else cell.count,
                "" if cell.share is None else f"{cell.share:.3f}",
                cell.declared,
            ]
        )
    return out.getvalue()
