"""Deriving the fact table's rows from live cases.

The milestones, read from what the cases app records:
- received: the earliest complaint in the case;
- triaged: the first triage decision that still counts (not set aside);
- investigation started: the first time the case entered the investigation stage (its stage
  clock is opened then);
- decided: the decision notice, first served and not set aside; a case closed before any
  decision notice (no further action, informal resolution, no case to answer) was decided when
  it closed;
- closed: when the case reached the rulebook's final stage.
The sanction is the most severe one given for an upheld allegation, severity being the order of
the case's rulebook. The respondent's unit is its name; the complainant group is the ethnic
group the first named complainant declared for equality monitoring, blank if none.

`refresh_case_facts` rebuilds rows in batches with a fixed number of queries per batch, so the
nightly `redress analytics refresh` over every case stays cheap; the hooks refresh one case
inside the transaction that changed it, so the table never lags behind a transition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from redress.analytics.models import CaseFact, Source
from redress.cases.facts import local_date
from redress.cases.models import (
    Allegation,
    Case,
    Complaint,
    Deadline,
    Decision,
    InterimSuspension,
    Notice,
)
from redress.people.equality import profiles_of
from redress.people.models import Organisation
from redress.rulebook.selectors import parsed

BATCH = 2000
INVESTIGATION_CLOCK = "stage:investigation"


@dataclass(frozen=True)
class RefreshResult:
    refreshed: int


def complainant_ref(organisation_id: int, person_id: int) -> str:
    """A stable pseudonym for a complainant: the same person gives the same reference in one
    organisation, and the reference does not lead back to them without the server's key."""
    key = f"{organisation_id}:{person_id}"
    return salted_hmac("redress.analytics.complainant", key).hexdigest()[:16]


def refresh_case_facts(
    *, organisation: Organisation | None = None, case_ids: Iterable[int] | None = None
) -> RefreshResult:
    """Rebuild the fact rows of live cases: every case of `organisation` (or of every
    organisation), or only `case_ids`. Imported rows are never touched."""
    cases = Case.objects.all()
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    refreshed = 0
    for batch in _batches(cases.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            facts = _facts_for(batch)
            CaseFact.objects.bulk_create(
                facts,
                update_conflicts=True,
                unique_fields=["case"],
                update_fields=[
                    f.name for f in CaseFact._meta.concrete_fields if _updatable(f.name)
                ],
            )
        refreshed += len(facts)
    return RefreshResult(refreshed=refreshed)


def refresh_fact_for_case(case: Case) -> None:
    """The hook after a transition: refresh this case's row in the same transaction."""
    refresh_case_facts(case_ids=[case.pk])


def refresh_fact_for_complaint(complaint: Complaint) -> None:
    """The hook after a complaint is filed: its case now has (or has a new) first complaint."""
    refresh_case_facts(case_ids=[complaint.case_id])


def _updatable(name: str) -> bool:
    return name not in {"id", "case", "organisation", "source"}


def _batches(ids: QuerySet[Case, int]) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids.iterator(chunk_size=BATCH):
        batch.append(pk)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _facts_for(case_ids: list[int]) -> list[CaseFact]:
    cases = list(
        Case.objects.filter(pk__in=case_ids).select_related(
            "respondent__unit", "rulebook", "organisation"
        )
    )
    first_complaints = _first_complaints(case_ids)
    allegations = _allegations(case_ids)
    triaged = _first_dates(
        Decision.objects.filter(case__in=case_ids, kind="triage", set_aside_at__isnull=True),
        "decided_at",
    )
    investigation = _first_dates(
        Deadline.objects.filter(case__in=case_ids, kind=INVESTIGATION_CLOCK), "created_at"
    )
    decision_notices = _first_dates(
        Notice.objects.filter(case__in=case_ids, kind="decision", set_aside_at__isnull=True),
        "served_at",
    )
    suspensions = _latest_suspensions(case_ids)
    groups = complainant_groups(
        {case.organisation_id: case.organisation for case in cases},
        (
            (c.organisation_id, c.complainant_id)
            for c in first_complaints.values()
            if c.complainant_id is not None
        ),
    )
    now = timezone.now()
    rows = []
    for case in cases:
        complaint = first_complaints.get(case.pk)
        closed_on = local_date(case.closed_at) if case.closed_at else None
        suspension = suspensions.get(case.pk)
        rows.append(
            CaseFact(
                organisation_id=case.organisation_id,
                case=case,
                source=Source.LIVE,
                reference=case.reference,
                category=_category(allegations.get(case.pk, []), complaint),
                respondent_unit=case.respondent.unit.name if case.respondent.unit else "",
                complainant_group=groups.get(complaint.complainant_id, "")
                if complaint and complaint.complainant_id
                else "",
                complainant_ref=complainant_ref(case.organisation_id, complaint.complainant_id)
                if complaint and complaint.complainant_id
                else "",
                received_on=local_date(complaint.received_at if complaint else case.opened_at),
                triaged_on=triaged.get(case.pk),
                investigation_started_on=investigation.get(case.pk),
                decided_on=decision_notices.get(case.pk) or closed_on,
                closed_on=closed_on,
                outcome=case.outcome if closed_on else "",
                sanction=_most_severe_sanction(case, allegations.get(case.pk, [])),
                suspension_started_on=_date(suspension.in_force_from) if suspension else None,
                suspension_ended_on=_date(suspension.ended_at) if suspension else None,
                suspension_review_due_on=suspension.review_due_on if suspension else None,
                refreshed_at=now,
            )
        )
    return rows


def complainant_groups(
    organisations: dict[int, Organisation], people: Iterable[tuple[int, int]]
) -> dict[int, str]:
    """The ethnic group each complainant declared, for those who declared one, by person id.
    `people` holds (organisation id, person id) pairs."""
    by_organisation: dict[int, set[int]] = {}
    for organisation_id, person_id in people:
        by_organisation.setdefault(organisation_id, set()).add(person_id)
    groups: dict[int, str] = {}
    for organisation_id, person_ids in by_organisation.items():
        declared = profiles_of(organisations[organisation_id]).filter(person_id__in=person_ids)
        groups.update(declared.exclude(ethnic_group="").values_list("person_id", "ethnic_group"))
    return groups


def _first_complaints(case_ids: list[int]) -> dict[int, Complaint]:
    first: dict[int, Complaint] = {}
    complaints = Complaint.objects.filter(case__in=case_ids).only(
        "case_id", "organisation_id", "received_at", "complainant_id", "categories"
    )
    for complaint in complaints.order_by("case_id", "received_at", "pk"):
        first.setdefault(complaint.case_id, complaint)
    return first


def _allegations(case_ids: list[int]) -> dict[int, list[Allegation]]:
    by_case: dict[int, list[Allegation]] = {}
    allegations = Allegation.objects.filter(case__in=case_ids).only(
        "case_id", "category", "finding", "sanction"
    )
    for allegation in allegations.order_by("pk"):
        by_case.setdefault(allegation.case_id, []).append(allegation)
    return by_case


def _first_dates(rows: QuerySet[Any], field: str) -> dict[int, date]:
    firsts = rows.values("case_id").annotate(first=Min(field))
    return {row["case_id"]: local_date(row["first"]) for row in firsts}


def _latest_suspensions(case_ids: list[int]) -> dict[int, InterimSuspension]:
    latest: dict[int, InterimSuspension] = {}
    suspensions = InterimSuspension.objects.filter(
        case__in=case_ids, in_force_from__isnull=False
    ).order_by("case_id", "-in_force_from")
    for suspension in suspensions:
        latest.setdefault(suspension.case_id, suspension)
    return latest


def _category(allegations: list[Allegation], complaint: Complaint | None) -> str:
    if allegations:
        return allegations[0].category
    if complaint and complaint.categories:
        return str(complaint.categories[0])
    return "other"


def _most_severe_sanction(case: Case, allegations: list[Allegation]) -> str:
    given = [a.sanction for a in allegations if a.finding == "upheld" and a.sanction]
    if not given:
        return ""
    order = [s.code for s in parsed(case.rulebook).sanctions]
    return max(given, key=lambda code: order.index(code) if code in order else -1)


def _date(moment: datetime | None) -> date | None:
    return local_date(moment) if moment else None
