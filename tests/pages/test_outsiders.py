"""Every action on the case page answers someone outside the case with the 404 a case that does
not exist would get, and changes nothing; and every action is a POST."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redress.cases import services, suspensions
from redress.cases.models import Case
from tests.factories import REASONS, Cast, file_case, walk_to

from .helpers import audit_count, signed_in

pytestmark = pytest.mark.django_db


def busy_case(cast: Cast) -> tuple[Case, dict[str, int]]:
    """A case at the hearing with an allegation, a hearing and a suspension to aim at."""
    case = walk_to(file_case(cast), "hearing", cast)
    hearing = services.schedule_hearing(
        case, starts_at=timezone.now() + timedelta(days=20), place="Room 2", actor=cast.officer
    )
    suspension = suspensions.decide_suspension(
        case, ground="risk_to_people", reasons=REASONS, actor=cast.decision_maker
    )
    return case, {
        "allegation": case.allegations.get().pk,
        "hearing": hearing.pk,
        "suspension": suspension.pk,
    }


ACTIONS = [
    ("assign", None, {"member": "investigator:1"}),
    ("add_allegation", None, {"category": "sexism", "particulars": "x"}),
    ("charge", "allegation", {"charged": "yes"}),
    ("finding", "allegation", {"finding": "upheld", "reasons": REASONS, "sanction": "warning"}),
    ("response", None, {"text": "A response."}),
    ("extend_response", None, {"working_days": "5", "reasons": REASONS}),
    ("schedule_hearing", None, {"starts_at": "2099-01-01T10:00", "place": "Room 1"}),
    ("hearing_held", "hearing", {"record": "Held."}),
    ("decide_suspension", None, {"ground": "risk_to_people", "reasons": REASONS}),
    ("serve_suspension", "suspension", {}),
    ("review_suspension", "suspension", {"keep": "lift", "reasons": REASONS}),
    ("extend_suspension", "suspension", {"working_days": "5", "reasons": REASONS}),
]


@pytest.mark.parametrize(("name", "record", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_an_outsider_gets_a_404_and_nothing_changes(
    client: Client, cast: Cast, name: str, record: str | None, data: dict[str, str]
) -> None:
    case, records = busy_case(cast)
    args = [case.pk] if record is None else [case.pk, records[record]]
    before = audit_count(case)

    signed_in(client, cast.outsider)
    assert client.post(reverse(f"cases:{name}", args=args), data).status_code == 404
    assert audit_count(case) == before

    signed_in(client, cast.officer)
    assert client.get(reverse(f"cases:{name}", args=args)).status_code == 405
