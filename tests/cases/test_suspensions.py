"""Interim suspension: reasons first, in force only once served, reviewed, lapses."""

import pytest
import time_machine
from django.utils import timezone

from redress.cases import suspensions
from redress.cases.models import Deadline, InterimSuspension, Notice
from redress.cases.services import CaseError, assign
from tests.factories import REASONS, file_case


@pytest.fixture
def case(cast):
    case = file_case(cast)
    assign(case, user=cast.decision_maker, role="decision_maker", actor=cast.coordinator)
    assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    return case


def decide(case, actor):
    return suspensions.decide_suspension(
        case, ground="risk_to_people", reasons=REASONS, actor=actor
    )


def test_not_in_force_until_the_notice_is_served(cast, case):
    suspension = decide(case, cast.decision_maker)
    assert suspension.status == InterimSuspension.Status.DECIDED
    assert not Notice.objects.filter(case=case, kind="suspension").exists()
    suspension = suspensions.serve_suspension(suspension, actor=cast.decision_maker)
    assert suspension.status == InterimSuspension.Status.IN_FORCE
    notice = Notice.objects.get(case=case, kind="suspension")
    assert suspension.notice == notice
    assert "This is not a sanction" in notice.body
    assert REASONS in notice.body
    assert suspension.review_due_on < suspension.lapses_on
    assert Deadline.objects.get(case=case, kind="suspension_review", met_at=None).due_on == (
        suspension.review_due_on
    )


@pytest.mark.parametrize("who", ["investigator", "officer", "outsider", "oversight"])
def test_only_the_decision_maker_suspends(cast, case, who):
    with pytest.raises(CaseError):
        decide(case, getattr(cast, who))
    assert not InterimSuspension.objects.exists()


def test_a_suspension_needs_a_compelling_ground_and_reasons(cast, case):
    with pytest.raises(CaseError, match="compelling reason"):
        suspensions.decide_suspension(
            case, ground="publicity", reasons=REASONS, actor=cast.decision_maker
        )
    with pytest.raises(CaseError, match="reasons"):
        suspensions.decide_suspension(
            case, ground="serious_harm", reasons=" ", actor=cast.decision_maker
        )


def test_one_live_suspension_per_case(cast, case):
    decide(case, cast.decision_maker)
    with pytest.raises(CaseError, match="already"):
        decide(case, cast.decision_maker)


def test_review_keeps_it_no_later_than_its_lapse_date(cast, case):
    suspension = suspensions.serve_suspension(
        decide(case, cast.decision_maker), actor=cast.decision_maker
    )
    kept = suspensions.review_suspension(
        suspension, keep=True, reasons=REASONS, actor=cast.decision_maker
    )
    assert kept.review_due_on <= kept.lapses_on
    lifted = suspensions.review_suspension(
        kept, keep=False, reasons=REASONS, actor=cast.decision_maker
    )
    assert lifted.status == InterimSuspension.Status.LIFTED
    assert not Deadline.objects.filter(case=case, kind="suspension_review", met_at=None).exists()


def test_it_lapses_unless_the_reviewer_extends_it(cast, case):
    suspension = suspensions.serve_suspension(
        decide(case, cast.decision_maker), actor=cast.decision_maker
    )
    with pytest.raises(CaseError):
        suspensions.extend_suspension(
            suspension, working_days=10, reasons=REASONS, actor=cast.decision_maker
        )
    assign(case, user=cast.reviewer, role="reviewer", actor=cast.coordinator)
    extended = suspensions.extend_suspension(
        suspension, working_days=10, reasons=REASONS, actor=cast.reviewer
    )
    assert extended.lapses_on > suspension.lapses_on
    assert suspensions.lapse_expired_suspensions(today=extended.lapses_on) == 0
    later = extended.lapses_on + timezone.timedelta(days=1)
    with time_machine.travel(timezone.now() + (later - timezone.localdate())):
        assert suspensions.lapse_expired_suspensions() == 1
    extended.refresh_from_db()
    assert extended.status == InterimSuspension.Status.LAPSED


def test_a_suspension_not_yet_served_cannot_be_reviewed_and_says_why(cast, case):
    suspension = decide(case, cast.decision_maker)
    with pytest.raises(CaseError, match="its notice has not been served on the respondent"):
        suspensions.review_suspension(
            suspension, keep=True, reasons=REASONS, actor=cast.decision_maker
        )


def test_the_database_refuses_a_suspension_in_force_without_its_notice(cast, case):
    from django.db import IntegrityError, transaction

    suspension = decide(case, cast.decision_maker)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterimSuspension.objects.filter(pk=suspension.pk).update(
            status=InterimSuspension.Status.IN_FORCE, in_force_from=timezone.now()
        )
    suspension.refresh_from_db()
    assert suspension.status == InterimSuspension.Status.DECIDED
