"""A case sent back (an appeal that orders a rehearing, a reviewer's veto) is decided afresh:
nothing from the earlier round at that stage or later counts for the rulebook's guards."""

import pytest
import time_machine
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.facts import gather_facts
from redress.cases.models import Allegation, Assignment, Decision, Hearing, Notice
from redress.rulebook.workflow import TransitionRefused
from tests.factories import REASONS, file_case, make_staff, walk_to


def _rehear_on_appeal(case, cast):
    walk_to(case, "appeal", cast)
    services.record_decision(
        case, kind="appeal_outcome", outcome="reheard", reasons=REASONS, actor=cast.appeal_panellist
    )
    services.transition_case(case, to="hearing", actor=cast.appeal_panellist)
    case.refresh_from_db()
    assert case.stage == "hearing"


def _new_panel(case, cast):
    panel = [make_staff(cast.organisation, f"new-panellist-{n}", "panellist") for n in range(3)]
    for member in panel:
        services.assign(case, user=member, role="panellist", actor=cast.coordinator)
    return panel


def test_a_rehearing_sets_aside_the_earlier_hearing_appeal_and_findings(cast):
    case = file_case(cast, categories=("bullying",))
    _rehear_on_appeal(case, cast)

    facts = gather_facts(case)
    assert "appeal_lodged" not in facts.decisions
    assert "appeal_outcome" not in facts.decisions
    assert "hearing_request" not in facts.decisions  # recorded at the hearing stage last time
    assert facts.decisions["charging"] == "charges"  # the charges still stand
    assert all(a.finding == "" and a.sanction == "" for a in case.allegations.all())
    assert Decision.objects.filter(case=case, set_aside_at__isnull=False).count() >= 2
    assert AuditEvent.objects.filter(case_id=case.pk, action="case.round_set_aside").exists()


def test_the_audit_log_keeps_the_findings_a_rehearing_set_aside(cast):
    case = file_case(cast, categories=("bullying",))
    _rehear_on_appeal(case, cast)
    event = AuditEvent.objects.get(case_id=case.pk, action="case.round_set_aside")
    assert event.data["back_to"] == "hearing"
    assert [f["finding"] for f in event.data["findings"]] == ["upheld"]


def test_the_first_panel_is_stood_down_and_cannot_decide_the_rehearing(cast):
    case = file_case(cast, categories=("bullying",))
    _rehear_on_appeal(case, cast)
    assert not Assignment.objects.filter(
        case=case, role="panellist", ended_at__isnull=True
    ).exists()
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="decision", actor=cast.panellist)
    assert any("not on this case" in reason for reason in refused.value.reasons)


def test_the_rehearing_must_be_heard_again_before_a_decision(cast):
    case = file_case(cast, categories=("bullying",))
    _rehear_on_appeal(case, cast)
    panel = _new_panel(case, cast)
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="decision", actor=panel[0])
    assert refused.value.reasons  # no hearing request, no hearing notice in this round
    services.record_decision(
        case, kind="hearing_request", outcome="not_requested", reasons=REASONS, actor=cast.officer
    )
    services.transition_case(case, to="decision", actor=panel[0])
    case.refresh_from_db()
    assert case.stage == "decision"


def test_after_a_rehearing_the_appeal_window_closes_by_passing(cast):
    case = file_case(cast, categories=("bullying",))
    _rehear_on_appeal(case, cast)
    panel = _new_panel(case, cast)
    services.record_decision(
        case, kind="hearing_request", outcome="not_requested", reasons=REASONS, actor=cast.officer
    )
    services.transition_case(case, to="decision", actor=panel[0])
    for allegation in case.allegations.filter(charged=True):
        services.record_finding(
            allegation, finding=Allegation.Finding.NOT_UPHELD, reasons=REASONS, actor=panel[0]
        )
    services.transition_case(case, to="appeal_window", actor=panel[0])
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="appeal", actor=cast.officer)
    assert any("appeal" in reason for reason in refused.value.reasons)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=30)):
        services.transition_case(case, to="closed", actor=cast.officer)
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("closed", "not_upheld")


def test_a_veto_needs_a_new_review_decision_next_time(cast):
    case = file_case(cast, categories=("islamophobia",))
    walk_to(case, "review", cast)
    services.record_decision(
        case, kind="review", outcome="vetoed", reasons=REASONS, actor=cast.reviewer
    )
    services.transition_case(case, to="hearing", actor=cast.reviewer)
    facts = gather_facts(case)
    assert "review" not in facts.decisions
    assert not facts.hearing_held
    assert Notice.objects.filter(case=case, kind="decision", set_aside_at__isnull=False).exists()
    assert not Hearing.objects.filter(case=case, set_aside_at__isnull=True, held_at__isnull=False)
