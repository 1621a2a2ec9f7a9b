"""The workflow engine over the default rulebook, with no database.

`TABLE` holds, for every transition of the default rulebook, a case where it is allowed and, for
every guard on it, at least one way to break that guard with the exact words the engine gives.
The tests are generated from the rulebook itself, so a transition or guard added to the rulebook
without a row here fails a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redress.lib.workdays import WorkingCalendar
from redress.rulebook.loader import default_rulebook_source, parse_rulebook
from redress.rulebook.schema import Guard, Rulebook, Target, Transition
from redress.rulebook.workflow import (
    CASE_ROLES,
    ROLE_LABELS,
    SYSTEM_ROLE,
    Actor,
    AllegationFacts,
    CaseFacts,
    TransitionRefused,
    actor_refusals,
    appeal_window_closes_on,
    check,
    closing_outcome,
    due_date,
    evaluate,
    refusals,
)

RULEBOOK: Rulebook = parse_rulebook(default_rulebook_source())
TODAY = date(2026, 6, 1)  # a Monday with no bank holiday near it
ENGLAND = WorkingCalendar()


def transition_id(transition: Transition) -> str:
    return f"{transition.from_stage}->{transition.to}"


def guard_id(guard: Guard) -> str:
    """A guard as the rulebook writes it, so a changed argument no longer matches the table."""
    if not guard.args:
        return guard.name
    if set(guard.args) == {"value"}:
        return f"{guard.name}: {guard.args['value']}"
    parts = []
    for key, value in sorted(guard.args.items()):
        shown = "|".join(value) if isinstance(value, list) else value
        parts.append(f"{key}={shown}")
    return f"{guard.name}: {', '.join(parts)}"


# --- Building facts ---------------------------------------------------------------------------

Change = Callable[[CaseFacts], CaseFacts]


def facts(stage: str, **changes: object) -> CaseFacts:
    base = CaseFacts(stage=stage, today=TODAY, received_on=TODAY - timedelta(days=30))
    return replace(base, **changes)  # type: ignore[arg-type]


def with_decisions(**decisions: str) -> Change:
    return lambda f: replace(f, decisions={**f.decisions, **decisions})


def without_decision(kind: str) -> Change:
    return lambda f: replace(f, decisions={k: v for k, v in f.decisions.items() if k != kind})


def without_notice(kind: str) -> Change:
    return lambda f: replace(
        f, notices_served={k: v for k, v in f.notices_served.items() if k != kind}
    )


def without_role(role: str) -> Change:
    return lambda f: replace(f, team_roles=f.team_roles - {role})


def with_allegation(index: int, **changes: object) -> Change:
    def change(f: CaseFacts) -> CaseFacts:
        allegations = list(f.allegations)
        allegations[index] = replace(allegations[index], **changes)  # type: ignore[arg-type]
        return replace(f, allegations=tuple(allegations))

    return change


def with_facts(**changes: object) -> Change:
    return lambda f: replace(f, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Refusal:
    """One way to break a guard, and the exact words the engine must give for it."""

    change: Change
    reason: str


@dataclass(frozen=True)
class Row:
    """A transition: facts under which it is allowed, and how each of its guards refuses."""

    allowed: CaseFacts
    refusals: dict[str, list[Refusal]] = field(default_factory=dict)


# --- The transition table ---------------------------------------------------------------------

TRIAGE_TEAM = frozenset({"officer"})
UPHELD = AllegationFacts(
    category="bullying",
    charged=True,
    finding="upheld",
    has_finding_reasons=True,
    sanction="warning",
    has_sanction_reasons=True,
)
NOT_UPHELD = AllegationFacts(
    category="bullying", charged=True, finding="not_upheld", has_finding_reasons=True
)
DECISION_SERVED = date(2026, 5, 11)  # the appeal window closed on 26 May

INTERIM_MEASURES = {
    "decided: kind=interim_measures": [
        Refusal(
            without_decision("interim_measures"),
            "no decision on interim measures has been recorded",
        )
    ]
}
CORROBORATION = {
    "corroboration_assessed_if_anonymous": [
        Refusal(
            without_decision("corroboration"),
            "the complaint is anonymous and nobody has recorded whether it can be corroborated",
        )
    ]
}
TRIAGED = {"interim_measures": "not_needed", "corroboration": "can_be_corroborated"}


def triage(outcome: str, **decisions: str) -> CaseFacts:
    return facts(
        "triage",
        anonymous=True,
        decisions={"triage": outcome, **TRIAGED, **decisions},
        team_roles=TRIAGE_TEAM | {"investigator"},
    )


def decided(stage: str, kind: str, outcome: str, **changes: object) -> CaseFacts:
    return facts(stage, decisions={kind: outcome}, **changes)


TABLE: dict[str, Row] = {
    "received->triage": Row(
        facts("received", notices_served={"acknowledgement": TODAY}),
        {
            "acknowledged_if_contactable": [
                Refusal(
                    without_notice("acknowledgement"),
                    "the complainant has not been sent an acknowledgement",
                )
            ]
        },
    ),
    "triage->closed": Row(
        triage("no_further_action"),
        {
            "decided: kind=triage, outcome=no_further_action": [
                Refusal(
                    without_decision("triage"),
                    "no triage assessment of “No further action” has been recorded",
                ),
                Refusal(
                    with_decisions(triage="investigation"),
                    "the triage assessment recorded is “Investigation”, not “No further action”",
                ),
            ],
            **INTERIM_MEASURES,
            **CORROBORATION,
        },
    ),
    "triage->informal_resolution": Row(
        triage(
            "informal_resolution", complainant_consent="consents", respondent_consent="consents"
        ),
        {
            "decided: kind=triage, outcome=informal_resolution": [
                Refusal(
                    with_decisions(triage="no_further_action"),
                    "the triage assessment recorded is “No further action”, "
                    "not “Informal resolution”",
                )
            ],
            **INTERIM_MEASURES,
            **CORROBORATION,
            "decided: kind=complainant_consent, outcome=consents": [
                Refusal(
                    with_decisions(complainant_consent="declines"),
                    "the complainant's consent to informal resolution recorded is “Declines”, "
                    "not “Consents”",
                )
            ],
            "decided: kind=respondent_consent, outcome=consents": [
                Refusal(
                    without_decision("respondent_consent"),
                    "no respondent's consent to informal resolution of “Consents” "
                    "has been recorded",
                )
            ],
        },
    ),
    "triage->investigation": Row(
        triage("investigation"),
        {
            "decided: kind=triage, outcome=investigation": [
                Refusal(
                    with_decisions(triage="informal_resolution"),
                    "the triage assessment recorded is “Informal resolution”, not “Investigation”",
                )
            ],
            **INTERIM_MEASURES,
            **CORROBORATION,
            "team_includes: investigator": [
                Refusal(
                    without_role("investigator"),
                    "nobody has been assigned as investigator on this case",
                )
            ],
        },
    ),
    "informal_resolution->closed": Row(
        decided("informal_resolution", "informal_resolution", "resolved"),
        {
            "decided: kind=informal_resolution, outcome=resolved": [
                Refusal(
                    with_decisions(informal_resolution="not_resolved"),
                    "the result of informal resolution recorded is “Not resolved”, not “Resolved”",
                ),
                Refusal(
                    without_decision("informal_resolution"),
                    "no result of informal resolution of “Resolved” has been recorded",
                ),
            ]
        },
    ),
    "informal_resolution->investigation": Row(
        decided(
            "informal_resolution",
            "informal_resolution",
            "not_resolved",
            team_roles=frozenset({"officer", "investigator"}),
        ),
        {
            "decided: kind=informal_resolution, outcome=not_resolved": [
                Refusal(
                    with_decisions(informal_resolution="resolved"),
                    "the result of informal resolution recorded is “Resolved”, not “Not resolved”",
                )
            ],
            "team_includes: investigator": [
                Refusal(
                    without_role("investigator"),
                    "nobody has been assigned as investigator on this case",
                )
            ],
        },
    ),
    "investigation->charging": Row(
        facts(
            "investigation",
            # Received four months ago: feedback was due after three, and has been given.
            received_on=date(2026, 2, 1),
            notices_served={"investigation": date(2026, 5, 4), "feedback": date(2026, 4, 20)},
            response_due_on=date(2026, 5, 29),
            decisions={"investigation_report": "completed"},
            team_roles=frozenset({"officer", "investigator", "decision_maker"}),
        ),
        {
            "notice_served: investigation": [
                Refusal(
                    without_notice("investigation"),
                    "the notice of investigation has not been served on the respondent",
                )
            ],
            "response_window_closed_or_response_received": [
                Refusal(
                    with_facts(response_due_on=TODAY),  # the last day to answer is today
                    "the respondent has until 1 June 2026 to answer and has not answered yet",
                ),
                Refusal(
                    with_facts(response_due_on=None),
                    "the respondent has not been served the allegations, so cannot yet answer them",
                ),
            ],
            "decided: kind=investigation_report, outcome=completed": [
                Refusal(
                    without_decision("investigation_report"),
                    "no investigation report of “Report completed” has been recorded",
                )
            ],
            "feedback_given_if_due": [
                Refusal(
                    without_notice("feedback"),
                    "the complainant was owed feedback by 1 May 2026 and has not been given it",
                )
            ],
            "team_includes: decision_maker": [
                Refusal(
                    without_role("decision_maker"),
                    "nobody has been assigned as decision-maker on this case",
                )
            ],
        },
    ),
    "charging->closed": Row(
        decided(
            "charging",
            "charging",
            "no_case_to_answer",
            allegations=(
                AllegationFacts(category="bullying", charged=False),
                AllegationFacts(category="other", charged=False),
            ),
        ),
        {
            "decided: kind=charging, outcome=no_case_to_answer": [
                Refusal(
                    with_decisions(charging="charges"),
                    "the charging decision recorded is “Charges”, not “No case to answer”",
                )
            ],
            "charge_decided_for_every_allegation": [
                Refusal(
                    with_allegation(1, charged=None),
                    "1 allegation still without a decision to charge or not",
                )
            ],
            "no_allegation_charged": [
                Refusal(
                    with_allegation(0, charged=True),
                    "1 allegation charged, so there is a case to answer",
                )
            ],
        },
    ),
    "charging->hearing": Row(
        decided(
            "charging",
            "charging",
            "charges",
            allegations=(
                AllegationFacts(
                    category="other",
                    charged=True,
                    conduct_on=date(2019, 1, 10),
                    has_time_limit_exception=True,
                ),
                AllegationFacts(category="bullying", charged=True, conduct_on=date(2025, 11, 1)),
            ),
        ),
        {
            "decided: kind=charging, outcome=charges": [
                Refusal(
                    without_decision("charging"),
                    "no charging decision of “Charges” has been recorded",
                )
            ],
            "charge_decided_for_every_allegation": [
                Refusal(
                    with_allegation(1, charged=None),
                    "1 allegation still without a decision to charge or not",
                )
            ],
            "at_least_one_charge": [
                Refusal(
                    lambda f: with_allegation(1, charged=False)(
                        with_allegation(0, charged=False)(f)
                    ),
                    "no allegation has been charged",
                )
            ],
            "no_time_barred_charge_without_exception": [
                Refusal(
                    with_allegation(0, has_time_limit_exception=False),
                    "1 charge concerns conduct more than 5 years ago without recorded reasons "
                    "for an exception",
                ),
                Refusal(
                    lambda f: with_allegation(1, conduct_on=date(2020, 1, 1))(
                        with_allegation(0, has_time_limit_exception=False)(f)
                    ),
                    "2 charges concern conduct more than 5 years ago without recorded reasons "
                    "for an exception",
                ),
            ],
        },
    ),
    "hearing->decision": Row(
        facts(
            "hearing",
            # Served Monday 11 May; the hearing on Tuesday 26 May is 10 working days later
            # (the spring bank holiday on 25 May does not count).
            notices_served={"hearing": date(2026, 5, 11)},
            hearing_starts_on=date(2026, 5, 26),
            hearing_held=True,
            decisions={"hearing_request": "requested"},
        ),
        {
            "hearing_notice_given": [
                Refusal(
                    without_notice("hearing"),
                    "the notice of hearing has not been served on the parties",
                ),
                Refusal(
                    with_facts(hearing_starts_on=date(2026, 5, 25)),  # a bank holiday
                    "the notice of hearing gave 9 working days; the rulebook requires 10",
                ),
                Refusal(
                    with_facts(hearing_starts_on=date(2026, 5, 8)),
                    "the notice of hearing was served after the hearing date",
                ),
            ],
            "hearing_held_or_papers_only": [
                Refusal(
                    with_facts(hearing_held=False),
                    "the hearing has not been held, and the respondent has not waived it",
                )
            ],
        },
    ),
    "decision->review": Row(
        facts(
            "decision",
            allegations=(
                replace(UPHELD, category="antisemitism"),
                NOT_UPHELD,
                AllegationFacts(category="other", charged=False),  # not charged: no finding
            ),
        ),
        {
            "finding_for_every_charge": [
                Refusal(
                    with_allegation(1, has_finding_reasons=False),
                    "1 charge without a finding and its reasons",
                ),
                Refusal(
                    with_allegation(1, finding=""),
                    "1 charge without a finding and its reasons",
                ),
            ],
            "sanction_for_every_upheld_charge": [
                Refusal(
                    with_allegation(0, has_sanction_reasons=False),
                    "1 upheld charge without a sanction and its reasons",
                ),
                Refusal(
                    with_allegation(0, sanction=""),
                    "1 upheld charge without a sanction and its reasons",
                ),
            ],
            "independent_review_required": [
                Refusal(
                    with_allegation(0, category="bullying"),
                    "no allegation is in a category that goes to independent review",
                )
            ],
        },
    ),
    "decision->appeal_window": Row(
        facts("decision", allegations=(UPHELD, NOT_UPHELD)),
        {
            "finding_for_every_charge": [
                Refusal(
                    lambda f: with_allegation(1, finding="")(
                        with_allegation(0, has_finding_reasons=False)(f)
                    ),
                    "2 charges without a finding and its reasons",
                )
            ],
            "sanction_for_every_upheld_charge": [
                Refusal(
                    with_allegation(0, sanction="", has_sanction_reasons=False),
                    "1 upheld charge without a sanction and its reasons",
                )
            ],
            "independent_review_not_required": [
                Refusal(
                    with_allegation(1, category="islamophobia"),
                    "the case concerns a protected characteristic and must go to independent "
                    "review first",
                )
            ],
        },
    ),
    "review->appeal_window": Row(
        decided("review", "review", "verified"),
        {
            "decided: kind=review, outcome=verified": [
                Refusal(
                    with_decisions(review="vetoed"),
                    "the independent review recorded is “Vetoed, to a new panel”, not “Verified”",
                )
            ]
        },
    ),
    "review->hearing": Row(
        decided("review", "review", "vetoed"),
        {
            "decided: kind=review, outcome=vetoed": [
                Refusal(
                    without_decision("review"),
                    "no independent review of “Vetoed, to a new panel” has been recorded",
                )
            ]
        },
    ),
    "appeal_window->appeal": Row(
        decided(
            "appeal_window",
            "appeal_lodged",
            "by_complainant",
            team_roles=frozenset({"officer", "appeal_panellist"}),
        ),
        {
            "decided: kind=appeal_lodged": [
                Refusal(without_decision("appeal_lodged"), "no appeal lodged has been recorded")
            ],
            "team_includes: appeal_panellist": [
                Refusal(
                    without_role("appeal_panellist"),
                    "nobody has been assigned as a member of the appeal panel on this case",
                )
            ],
        },
    ),
    "appeal_window->closed": Row(
        facts("appeal_window", notices_served={"decision": DECISION_SERVED}),
        {
            "appeal_window_passed": [
                Refusal(
                    with_decisions(appeal_lodged="by_respondent"),
                    "an appeal has been lodged",
                ),
                Refusal(
                    without_notice("decision"),
                    "the decision has not been served on the parties, so the appeal window is "
                    "not open",
                ),
                Refusal(
                    # Served Friday 15 May: ten working days (without 25 May) end on 1 June,
                    # and the parties may still appeal on that last day.
                    with_facts(notices_served={"decision": date(2026, 5, 15)}),
                    "the parties may appeal until 1 June 2026",
                ),
            ]
        },
    ),
    "appeal->closed": Row(
        decided("appeal", "appeal_outcome", "varied"),
        {
            "decided: kind=appeal_outcome, outcome=dismissed|varied|quashed": [
                Refusal(
                    with_decisions(appeal_outcome="reheard"),
                    "the appeal outcome recorded is “To be reheard”, "
                    "not “Dismissed”, “Varied” or “Quashed”",
                ),
                Refusal(
                    without_decision("appeal_outcome"),
                    "no appeal outcome of “Dismissed”, “Varied” or “Quashed” has been recorded",
                ),
            ]
        },
    ),
    "appeal->hearing": Row(
        decided("appeal", "appeal_outcome", "reheard"),
        {
            "decided: kind=appeal_outcome, outcome=reheard": [
                Refusal(
                    with_decisions(appeal_outcome="quashed"),
                    "the appeal outcome recorded is “Quashed”, not “To be reheard”",
                )
            ]
        },
    ),
}

TRANSITIONS = {transition_id(t): t for t in RULEBOOK.transitions}


def actor_for(transition: Transition) -> Actor:
    """Someone the transition names: the first person role, or Redress if only it may."""
    people = [role for role in transition.by if role != SYSTEM_ROLE]
    return Actor(case_role=people[0]) if people else Actor.system()


def refusal_cases() -> list[object]:
    cases = []
    for transition in RULEBOOK.transitions:
        row = TABLE.get(transition_id(transition))
        for guard in transition.guards:
            ways = row.refusals.get(guard_id(guard), []) if row else []
            for number, refusal in enumerate(ways or [None]):
                cases.append(
                    pytest.param(
                        transition,
                        guard,
                        refusal,
                        id=f"{transition_id(transition)}|{guard_id(guard)}|{number}",
                    )
                )
    return cases


# --- The table covers the rulebook ------------------------------------------------------------


def test_the_table_has_a_row_for_every_transition_of_the_default_rulebook():
    assert set(TABLE) == set(TRANSITIONS)


@pytest.mark.parametrize("transition", RULEBOOK.transitions, ids=transition_id)
def test_the_table_breaks_every_guard_of_every_transition(transition):
    row = TABLE[transition_id(transition)]
    assert set(row.refusals) == {guard_id(g) for g in transition.guards}
    assert all(row.refusals.values())


@pytest.mark.parametrize("transition", RULEBOOK.transitions, ids=transition_id)
def test_every_transition_is_allowed_when_its_guards_hold(transition):
    row = TABLE[transition_id(transition)]
    assert row.allowed.stage == transition.from_stage
    actor = actor_for(transition)
    assert refusals(RULEBOOK, transition, row.allowed, actor) == []
    assert check(RULEBOOK, row.allowed, actor, transition.to) is transition


@pytest.mark.parametrize(("transition", "guard", "refusal"), refusal_cases())
def test_each_guard_refuses_with_its_reason_in_plain_words(transition, guard, refusal):
    assert refusal is not None, f"no way to break {guard_id(guard)} in TABLE"
    broken = refusal.change(TABLE[transition_id(transition)].allowed)
    with pytest.raises(TransitionRefused) as refused:
        check(RULEBOOK, broken, actor_for(transition), transition.to)
    assert refused.value.reasons == (refusal.reason,)
    assert str(refused.value) == refusal.reason


# --- Who may act ------------------------------------------------------------------------------


def other_roles(transition: Transition) -> list[str]:
    return [role for role in CASE_ROLES if role not in transition.by]


@pytest.mark.parametrize("transition", RULEBOOK.transitions, ids=transition_id)
def test_every_transition_refuses_every_role_it_does_not_name(transition):
    allowed = TABLE[transition_id(transition)].allowed
    for role in transition.by:
        actor = Actor.system() if role == SYSTEM_ROLE else Actor(case_role=role)
        assert refusals(RULEBOOK, transition, allowed, actor) == []
    for role in other_roles(transition):
        reasons = refusals(RULEBOOK, transition, allowed, Actor(case_role=role))
        assert len(reasons) == 1
        assert reasons[0].startswith("only ")
        assert reasons[0].endswith(" may take this step, and you are " + ROLE_LABELS[role])


@pytest.mark.parametrize(
    ("step", "actor", "reason"),
    [
        (
            "charging->hearing",
            Actor(case_role="investigator"),
            "only the decision-maker may take this step, and you are the investigator",
        ),
        (
            "investigation->charging",
            Actor(case_role="decision_maker"),
            "only the investigator may take this step, and you are the decision-maker",
        ),
        (
            "appeal->closed",
            Actor(case_role="panellist"),
            "only a member of the appeal panel may take this step, "
            "and you are a member of the panel",
        ),
        (
            "received->triage",
            Actor(),
            "you are not on this case's team; only the case officer may take this step",
        ),
        (
            "triage->investigation",
            Actor(is_oversight=True),
            "oversight reads every case and changes none; only the case officer may take this step",
        ),
        ("triage->closed", Actor.system(), "this step needs a person, not Redress"),
    ],
)
def test_an_actor_the_step_does_not_name_is_refused_in_plain_words(step, actor, reason):
    transition = TRANSITIONS[step]
    with pytest.raises(TransitionRefused) as refused:
        check(RULEBOOK, TABLE[step].allowed, actor, transition.to)
    assert refused.value.reasons == (reason,)


def test_only_redress_itself_when_no_person_is_named():
    assert actor_refusals(("system",), Actor(case_role="officer")) == [
        "only Redress takes this step, and you are the case officer"
    ]


def test_redress_itself_moves_received_complaints_and_closes_passed_appeal_windows():
    system_steps = {
        transition_id(t)
        for t in RULEBOOK.transitions
        if not refusals(RULEBOOK, t, TABLE[transition_id(t)].allowed, Actor.system())
    }
    assert system_steps == {"received->triage", "appeal_window->closed"}


def test_a_wrong_actor_and_broken_guards_are_all_reported_together():
    step = "triage->investigation"
    broken = without_role("investigator")(without_decision("interim_measures")(TABLE[step].allowed))
    with pytest.raises(TransitionRefused) as refused:
        check(RULEBOOK, broken, Actor(case_role="investigator"), "investigation")
    assert refused.value.reasons == (
        "only the case officer may take this step, and you are the investigator",
        "no decision on interim measures has been recorded",
        "nobody has been assigned as investigator on this case",
    )


# --- Guards' conditions, beyond the table -----------------------------------------------------


def test_an_uncontactable_complainant_needs_no_acknowledgement():
    case = facts("received", complainant_contactable=False)
    assert check(RULEBOOK, case, Actor.system(), "triage").to == "triage"


def test_a_named_complaint_needs_no_corroboration_assessment():
    case = replace(triage("investigation"), anonymous=False)
    case = without_decision("corroboration")(case)
    assert check(RULEBOOK, case, Actor(case_role="officer"), "investigation").to == "investigation"


def test_a_response_received_ends_the_response_window_early():
    case = with_facts(response_due_on=TODAY + timedelta(days=10), response_received=True)(
        TABLE["investigation->charging"].allowed
    )
    assert check(RULEBOOK, case, Actor(case_role="investigator"), "charging").to == "charging"


def test_feedback_is_not_owed_before_three_months_nor_to_an_uncontactable_complainant():
    allowed = without_notice("feedback")(TABLE["investigation->charging"].allowed)
    investigator = Actor(case_role="investigator")
    on_the_due_day = replace(allowed, received_on=date(2026, 3, 1))  # due 1 June: today
    assert check(RULEBOOK, on_the_due_day, investigator, "charging")
    uncontactable = replace(allowed, complainant_contactable=False)
    assert check(RULEBOOK, uncontactable, investigator, "charging")


def test_conduct_exactly_at_the_time_limit_may_be_charged():
    case = with_allegation(0, conduct_on=date(2021, 6, 1), has_time_limit_exception=False)(
        TABLE["charging->hearing"].allowed
    )
    assert check(RULEBOOK, case, Actor(case_role="decision_maker"), "hearing")
    a_day_older = with_allegation(0, conduct_on=date(2021, 5, 31))(case)
    with pytest.raises(TransitionRefused, match="more than 5 years ago"):
        check(RULEBOOK, a_day_older, Actor(case_role="decision_maker"), "hearing")


def test_the_time_limit_ignores_old_conduct_that_is_not_charged():
    case = with_allegation(0, charged=False, has_time_limit_exception=False)(
        TABLE["charging->hearing"].allowed
    )
    assert check(RULEBOOK, case, Actor(case_role="decision_maker"), "hearing")


def test_a_decision_on_the_papers_needs_neither_hearing_notice_nor_hearing():
    case = facts("hearing", decisions={"hearing_request": "not_requested"})
    assert check(RULEBOOK, case, Actor(case_role="panellist"), "decision").to == "decision"


def test_not_upheld_charges_need_no_sanction():
    case = facts("decision", allegations=(NOT_UPHELD,))
    assert check(RULEBOOK, case, Actor(case_role="panellist"), "appeal_window")


def test_the_appeal_window_runs_from_the_review_outcome_when_there_is_one():
    case = facts(
        "appeal_window",
        notices_served={"decision": DECISION_SERVED, "review_outcome": date(2026, 5, 26)},
    )
    assert appeal_window_closes_on(RULEBOOK, case) == date(2026, 6, 9)
    with pytest.raises(TransitionRefused) as refused:
        check(RULEBOOK, case, Actor.system(), "closed")
    assert refused.value.reasons == ("the parties may appeal until 9 June 2026",)


def test_the_appeal_window_is_not_open_before_the_decision_is_served():
    assert appeal_window_closes_on(RULEBOOK, facts("appeal_window")) is None


# --- evaluate() and check() agree -------------------------------------------------------------


def every_table_case() -> list[object]:
    cases = [pytest.param(row.allowed, id=f"{step}|allowed") for step, row in TABLE.items()]
    for step, row in TABLE.items():
        for guard, ways in row.refusals.items():
            for number, refusal in enumerate(ways):
                broken = refusal.change(row.allowed)
                cases.append(pytest.param(broken, id=f"{step}|{guard}|{number}"))
    return cases


@pytest.mark.parametrize("case", every_table_case())
@pytest.mark.parametrize("role", [*CASE_ROLES, None], ids=str)
def test_evaluate_lists_every_step_from_the_stage_as_check_decides_it(case, role):
    actor = Actor(case_role=role)
    options = evaluate(RULEBOOK, case, actor)
    assert [o.transition for o in options] == list(RULEBOOK.transitions_from(case.stage))
    for option in options:
        try:
            check(RULEBOOK, case, actor, option.to)
        except TransitionRefused as refused:
            assert not option.allowed
            assert option.reasons == refused.reasons
        else:
            assert option.allowed
            assert option.reasons == ()


def test_evaluate_offers_the_triage_outcome_that_was_decided_and_refuses_the_others():
    options = evaluate(RULEBOOK, triage("investigation"), Actor(case_role="officer"))
    assert {o.to: o.allowed for o in options} == {
        "closed": False,
        "informal_resolution": False,
        "investigation": True,
    }


def test_check_names_a_step_the_rulebook_does_not_have():
    with pytest.raises(TransitionRefused) as refused:
        check(RULEBOOK, facts("triage"), Actor(case_role="officer"), "hearing")
    assert refused.value.reasons == ("the rulebook has no step from Triage to Hearing",)


def test_check_names_a_stage_that_does_not_exist():
    with pytest.raises(TransitionRefused) as refused:
        check(RULEBOOK, facts("triage"), Actor(case_role="officer"), "limbo")
    assert refused.value.reasons == ("there is no stage called “limbo”",)


def test_a_closed_case_has_no_steps():
    assert evaluate(RULEBOOK, facts("closed"), Actor(case_role="officer")) == []


# --- Outcomes and dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "case", "outcome"),
    [
        ("triage->closed", triage("no_further_action"), "no_further_action"),
        ("informal_resolution->closed", facts("informal_resolution"), "informal_resolution"),
        ("charging->closed", facts("charging"), "no_case_to_answer"),
        ("appeal_window->closed", facts("appeal_window", allegations=(UPHELD,)), "upheld"),
        (
            "appeal_window->closed",
            facts("appeal_window", allegations=(NOT_UPHELD,)),
            "not_upheld",
        ),
        (
            "appeal_window->closed",  # a finding on an allegation never charged counts for nothing
            facts("appeal_window", allegations=(replace(UPHELD, charged=False), NOT_UPHELD)),
            "not_upheld",
        ),
        (
            "appeal->closed",
            facts("appeal", decisions={"appeal_outcome": "quashed"}, allegations=(UPHELD,)),
            "quashed_on_appeal",
        ),
        (
            "appeal->closed",
            facts("appeal", decisions={"appeal_outcome": "dismissed"}, allegations=(UPHELD,)),
            "upheld",
        ),
        (
            "appeal->closed",
            facts("appeal", decisions={"appeal_outcome": "varied"}, allegations=(NOT_UPHELD,)),
            "not_upheld",
        ),
    ],
)
def test_closing_outcome_follows_the_transition_the_findings_or_the_appeal(step, case, outcome):
    assert closing_outcome(TRANSITIONS[step], case) == outcome


def test_every_step_to_a_final_stage_has_a_closing_outcome():
    for transition in RULEBOOK.transitions:
        if RULEBOOK.is_final(transition.to):
            row = TABLE[transition_id(transition)]
            assert closing_outcome(transition, row.allowed)


@pytest.mark.parametrize(
    ("target", "start", "due"),
    [
        (Target(working_days=10), date(2026, 3, 30), date(2026, 4, 15)),  # over Easter
        (Target(working_days=0), date(2026, 3, 30), date(2026, 3, 30)),
        (Target(calendar_days=7), date(2026, 12, 24), date(2026, 12, 31)),  # holidays count
        (Target(calendar_months=3), date(2026, 11, 30), date(2027, 2, 28)),
        (Target(calendar_months=3), date(2026, 3, 1), date(2026, 6, 1)),
    ],
)
def test_due_date_counts_working_days_calendar_days_or_months(target, start, due):
    assert due_date(target, start, ENGLAND) == due


def test_due_date_skips_the_organisations_closure_days():
    calendar = WorkingCalendar(closures=frozenset({date(2026, 6, 2)}))
    assert due_date(Target(working_days=1), date(2026, 6, 1), calendar) == date(2026, 6, 3)


def test_the_appeal_window_is_counted_on_the_organisations_calendar():
    scottish = facts(
        "appeal_window",
        notices_served={"decision": date(2026, 11, 23)},
        calendar=WorkingCalendar(region="scotland"),
    )
    # Ten working days from Monday 23 November, without St Andrew's Day on the 30th.
    assert appeal_window_closes_on(RULEBOOK, scottish) == date(2026, 12, 8)
    english = replace(scottish, calendar=ENGLAND)
    assert appeal_window_closes_on(RULEBOOK, english) == date(2026, 12, 7)


# --- Any facts at all -------------------------------------------------------------------------

REGIONS = ("england-and-wales", "scotland", "northern-ireland")
DAYS = st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def any_decisions(draw: st.DrawFn) -> dict[str, str]:
    kinds = draw(st.sets(st.sampled_from(sorted(RULEBOOK.decisions))))
    return {
        kind: draw(st.sampled_from(sorted(RULEBOOK.decisions[kind].outcomes))) for kind in kinds
    }


ALLEGATIONS = st.builds(
    AllegationFacts,
    category=st.sampled_from(sorted(RULEBOOK.categories)),
    conduct_on=st.none() | DAYS,
    charged=st.none() | st.booleans(),
    has_time_limit_exception=st.booleans(),
    finding=st.sampled_from(["", "upheld", "not_upheld"]),
    has_finding_reasons=st.booleans(),
    sanction=st.sampled_from(["", *(s.code for s in RULEBOOK.sanctions)]),
    has_sanction_reasons=st.booleans(),
)

ANY_FACTS = st.builds(
    CaseFacts,
    stage=st.sampled_from(sorted(RULEBOOK.stages)),
    today=DAYS,
    received_on=DAYS,
    anonymous=st.booleans(),
    complainant_contactable=st.booleans(),
    decisions=any_decisions(),
    notices_served=st.dictionaries(st.sampled_from(sorted(RULEBOOK.notices)), DAYS),
    team_roles=st.frozensets(st.sampled_from(CASE_ROLES)),
    allegations=st.lists(ALLEGATIONS, max_size=4).map(tuple),
    response_received=st.booleans(),
    response_due_on=st.none() | DAYS,
    hearing_starts_on=st.none() | DAYS,
    hearing_held=st.booleans(),
    calendar=st.sampled_from([WorkingCalendar(region=r) for r in REGIONS]),
)

ANY_ACTOR = st.builds(
    Actor,
    case_role=st.none() | st.sampled_from(CASE_ROLES),
    is_system=st.booleans(),
    is_oversight=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(case=ANY_FACTS, actor=ANY_ACTOR)
def test_any_facts_every_step_is_allowed_or_refused_with_reasons_never_both(case, actor):
    for transition in RULEBOOK.transitions:
        on_stage = replace(case, stage=transition.from_stage)
        reasons = refusals(RULEBOOK, transition, on_stage, actor)
        assert all(isinstance(r, str) and r.strip() for r in reasons)
    for option in evaluate(RULEBOOK, case, actor):
        assert option.allowed is (option.reasons == ())
        assert all(reason.strip() for reason in option.reasons)
        if option.allowed:
            assert check(RULEBOOK, case, actor, option.to) is option.transition
        else:
            with pytest.raises(TransitionRefused) as refused:
                check(RULEBOOK, case, actor, option.to)
            assert refused.value.reasons == option.reasons
