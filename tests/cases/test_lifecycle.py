"""A complaint runs from receipt to closure along every path of the default rulebook."""

import pytest
import time_machine
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Allegation, Deadline, Notice
from redress.rulebook.workflow import TransitionRefused
from tests.factories import REASONS, file_case, walk_to


def test_filing_acknowledges_the_complainant_and_moves_to_triage(cast):
    case = file_case(cast)
    assert case.stage == "triage"
    assert case.reference == f"RD-{case.pk:06d}"
    assert Notice.objects.filter(case=case, kind="acknowledgement", party="complainant").exists()
    open_kinds = set(Deadline.objects.filter(case=case, met_at=None).values_list("kind", flat=True))
    assert open_kinds == {"stage:triage", "feedback"}
    actions = list(AuditEvent.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert actions[:3] == ["complaint.received", "notice.served", "case.transitioned"]


def test_anonymous_complaint_has_no_complainant_clocks(cast):
    case = file_case(cast, anonymous=True)
    assert case.stage == "triage"
    kinds = set(Deadline.objects.filter(case=case, met_at=None).values_list("kind", flat=True))
    assert kinds == {"stage:triage"}
    assert not Notice.objects.filter(case=case).exists()


def test_main_path_to_closure_after_the_appeal_window(cast):
    case = file_case(cast, categories=("bullying",))
    walk_to(case, "appeal_window", cast)
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="closed", actor=cast.officer)
    assert "may appeal until" in refused.value.reasons[0]
    with time_machine.travel(timezone.now() + timezone.timedelta(days=30)):
        services.transition_case(case, to="closed", actor=cast.officer)
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("closed", "upheld")
    assert case.closed_at is not None
    assert not Deadline.objects.filter(case=case, met_at=None).exists()


def test_protected_characteristic_case_goes_through_independent_review(cast):
    case = file_case(cast, categories=("islamophobia",))
    walk_to(case, "decision", cast)
    for allegation in case.allegations.all():
        services.record_finding(
            allegation, finding="not_upheld", reasons=REASONS, actor=cast.panellist
        )
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="appeal_window", actor=cast.panellist)
    assert refused.value.reasons == (
        "the case concerns a protected characteristic and must go to independent review first",
    )
    services.assign(case, user=cast.reviewer, role="reviewer", actor=cast.coordinator)
    services.transition_case(case, to="review", actor=cast.panellist)
    services.record_decision(
        case, kind="review", outcome="vetoed", reasons=REASONS, actor=cast.reviewer
    )
    services.transition_case(case, to="hearing", actor=cast.reviewer)
    assert case.stage == "hearing"


def test_no_case_to_answer_closes_with_reasons(cast):
    case = file_case(cast)
    walk_to(case, "charging", cast)
    for allegation in case.allegations.all():
        services.record_charge(allegation, charged=False, actor=cast.decision_maker)
    services.record_decision(
        case,
        kind="charging",
        outcome="no_case_to_answer",
        reasons=REASONS,
        actor=cast.decision_maker,
    )
    services.transition_case(case, to="closed", actor=cast.decision_maker)
    assert (case.stage, case.outcome) == ("closed", "no_case_to_answer")
    assert Notice.objects.filter(case=case, kind="charging_decision").count() == 2


def test_appeal_quashes_the_decision(cast):
    case = file_case(cast)
    walk_to(case, "appeal", cast)
    services.record_decision(
        case, kind="appeal_outcome", outcome="quashed", reasons=REASONS, actor=cast.appeal_panellist
    )
    services.transition_case(case, to="closed", actor=cast.appeal_panellist)
    assert case.outcome == "quashed_on_appeal"


def test_triage_no_further_action_needs_every_recorded_decision(cast):
    case = file_case(cast, anonymous=True)
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="closed", actor=cast.officer)
    assert set(refused.value.reasons) == {
        "no triage assessment of “No further action” has been recorded",
        "no decision on interim measures has been recorded",
        "the complaint is anonymous and nobody has recorded whether it can be corroborated",
    }
    services.record_decision(
        case, kind="triage", outcome="no_further_action", reasons=REASONS, actor=cast.officer
    )
    services.record_decision(
        case, kind="interim_measures", outcome="not_needed", reasons=REASONS, actor=cast.officer
    )
    services.record_decision(
        case,
        kind="corroboration",
        outcome="cannot_be_corroborated",
        reasons=REASONS,
        actor=cast.officer,
    )
    services.transition_case(case, to="closed", actor=cast.officer)
    assert (case.stage, case.outcome) == ("closed", "no_further_action")


def test_informal_resolution_needs_both_parties_consent(cast):
    case = file_case(cast)
    for kind, outcome in [
        ("triage", "informal_resolution"),
        ("interim_measures", "not_needed"),
        ("complainant_consent", "consents"),
    ]:
        services.record_decision(
            case, kind=kind, outcome=outcome, reasons=REASONS, actor=cast.officer
        )
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="informal_resolution", actor=cast.officer)
    assert refused.value.reasons == (
        "no respondent's consent to informal resolution of “Consents” has been recorded",
    )
    services.record_decision(
        case, kind="respondent_consent", outcome="consents", reasons=REASONS, actor=cast.officer
    )
    services.transition_case(case, to="informal_resolution", actor=cast.officer)
    services.record_decision(
        case, kind="informal_resolution", outcome="resolved", reasons=REASONS, actor=cast.officer
    )
    services.transition_case(case, to="closed", actor=cast.officer)
    assert case.outcome == "informal_resolution"


def test_charging_refuses_old_conduct_without_an_exception(cast):
    case = file_case(cast)
    old = services.add_allegation(
        case,
        category="other",
        particulars="A post from 2015.",
        conduct_on=timezone.localdate().replace(year=2015),
        actor=cast.officer,
    )
    walk_to(case, "charging", cast)
    for allegation in case.allegations.all():
        services.record_charge(allegation, charged=True, actor=cast.decision_maker)
    services.record_decision(
        case, kind="charging", outcome="charges", reasons=REASONS, actor=cast.decision_maker
    )
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(case, to="hearing", actor=cast.decision_maker)
    assert "more than 5 years ago" in refused.value.reasons[0]
    services.record_charge(
        old,
        charged=True,
        actor=cast.decision_maker,
        time_limit_exception="A pattern continuing to this year.",
    )
    services.transition_case(case, to="hearing", actor=cast.decision_maker)
    assert case.stage == "hearing"


def test_refused_transition_changes_nothing(cast):
    case = file_case(cast)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionRefused):
        services.transition_case(case, to="investigation", actor=cast.officer)
    case.refresh_from_db()
    assert case.stage == "triage"
    assert AuditEvent.objects.count() == before


def test_findings_record_the_definition_applied(cast):
    case = file_case(cast, categories=("antisemitism",))
    walk_to(case, "review", cast)
    allegation = Allegation.objects.get(case=case)
    assert allegation.definition_applied.startswith("The organisation's adopted definition")
    assert "(version 1)" in allegation.definition_applied
