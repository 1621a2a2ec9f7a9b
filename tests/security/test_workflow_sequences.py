"""No sequence of actions reaches a state the rulebook forbids.

Hypothesis drives a real case through the real services with any sequence of actions, by any
member of staff or by nobody: decisions, notices, team changes, the respondent's answer,
allegations and their charges and findings, hearings, days passing, and transitions to any stage
at all. Most are refused; whatever happens, after every step:

- the case is at a stage the rulebook has, and closed exactly when that stage is final, with an
  outcome;
- every change of stage is on the audit trail as a transition the rulebook lists, each starting
  where the last one ended and the last ending where the case is: no stage is ever reached any
  other way;
- nobody outside the case's team, and not oversight, ever moved it;
- a refused action left the stage as it was, and a closed case never moves again.

tests/rulebook/test_workflow.py checks the pure engine on any facts at all; this checks that the
services, which are the only way state changes, never get around it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Allegation, Case
from redress.people.models import User
from redress.rulebook.selectors import parsed
from redress.rulebook.workflow import TransitionRefused
from tests import factories
from tests.factories import REASONS, Cast, file_case, make_cast

pytestmark = pytest.mark.django_db

REFUSED = (TransitionRefused, services.CaseError, ValueError)
# The main path's steps, stage by stage (the ones tests/factories.py's walk_to takes).
MAIN_PATH = {
    "triage": factories._to_investigation,
    "investigation": factories._to_charging,
    "charging": factories._to_hearing,
    "hearing": factories._to_decision,
    "decision": factories._to_review,
    "review": factories._to_appeal_window,
    "appeal_window": factories._to_appeal,
    "appeal": lambda case, cast: close_on_appeal(case, cast),
}


def close_on_appeal(case: Case, cast: Cast) -> None:
    services.record_decision(
        case,
        kind="appeal_outcome",
        outcome="dismissed",
        reasons=REASONS,
        actor=cast.appeal_panellist,
    )
    services.transition_case(case, to="closed", actor=cast.appeal_panellist)


TEAM_ROLES = {
    "investigator": "investigator",
    "decision_maker": "decision_maker",
    "panellist": "panellists",
    "reviewer": "reviewer",
    "appeal_panellist": "appeal_panellists",
}


def people(cast: Cast) -> dict[str, User | None]:
    return {
        "coordinator": cast.coordinator,
        "officer": cast.officer,
        "investigator": cast.investigator,
        "decision_maker": cast.decision_maker,
        "panellist": cast.panellist,
        "reviewer": cast.reviewer,
        "appeal_panellist": cast.appeal_panellist,
        "oversight": cast.oversight,
        "outsider": cast.outsider,
        "nobody": None,
    }


def make_machine(cast: Cast) -> type[RuleBasedStateMachine]:
    staff = people(cast)
    anyone = st.sampled_from(sorted(staff))
    stages = sorted(parsed_stages(cast))

    class CaseMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.clock = time_machine.travel(timezone.now(), tick=False)
            self.when = self.clock.start()
            self.case = file_case(cast, anonymous=False)
            self.rulebook = parsed(self.case.rulebook)
            self.first_stage = self.case.stage

        def teardown(self) -> None:
            self.clock.stop()

        def attempt(self, action: Any) -> None:
            """Do the action; if a service refuses it, the stage is as it was."""
            before = Case.objects.get(pk=self.case.pk).stage
            try:
                action()
            except REFUSED:
                assert Case.objects.get(pk=self.case.pk).stage == before

        def someone(self, data: st.DataObject, roles: tuple[str, ...]) -> str:
            """Mostly someone the rulebook names for the step, so that cases get somewhere;
            otherwise anyone at all."""
            named = sorted(r if r in staff else "nobody" for r in roles)
            return data.draw(st.sampled_from(named) if data.draw(st.booleans()) else anyone)

        @rule(data=st.data())
        def move(self, data: st.DataObject) -> None:
            before = Case.objects.get(pk=self.case.pk)
            onward = [t for t in self.rulebook.transitions if t.from_stage == before.stage]
            if onward and data.draw(st.integers(0, 3)):
                transition = data.draw(st.sampled_from(onward))
                to, who = transition.to, self.someone(data, transition.by)
            else:
                to, who = data.draw(st.sampled_from(stages)), data.draw(anyone)
            self.attempt(
                lambda: services.transition_case(self.case, to=to, actor=staff[who], reason="")
            )
            if before.closed_at is not None:
                assert Case.objects.get(pk=self.case.pk).stage == before.stage, (
                    "a closed case moved"
                )

        @rule(data=st.data())
        def decide(self, data: st.DataObject) -> None:
            stage = Case.objects.get(pk=self.case.pk).stage
            kinds = sorted(self.rulebook.decisions)
            here = [k for k in kinds if stage in self.rulebook.decisions[k].stages]
            kind = data.draw(st.sampled_from(here if here and data.draw(st.booleans()) else kinds))
            outcome = data.draw(st.sampled_from(sorted(self.rulebook.decisions[kind].outcomes)))
            actor = staff[self.someone(data, self.rulebook.decisions[kind].by)]
            if actor is not None:
                self.attempt(
                    lambda: services.record_decision(
                        self.case, kind=kind, outcome=outcome, reasons=REASONS, actor=actor
                    )
                )

        @rule(data=st.data(), who=anyone)
        def serve(self, data: st.DataObject, who: str) -> None:
            kind = data.draw(st.sampled_from(sorted(self.rulebook.notices)))
            actor = staff[who]
            if actor is not None:
                self.attempt(lambda: services.serve_notice(self.case, kind=kind, actor=actor))

        @rule(role=st.sampled_from(sorted(TEAM_ROLES)))
        def staff_the_case(self, role: str) -> None:
            member = getattr(cast, TEAM_ROLES[role])
            user = member[0] if isinstance(member, list) else member
            self.attempt(
                lambda: services.assign(self.case, user=user, role=role, actor=cast.coordinator)
            )

        @rule(who=anyone)
        def respondent_answers(self, who: str) -> None:
            actor = staff[who]
            if actor is not None:
                self.attempt(
                    lambda: services.record_response(self.case, text="I deny it.", actor=actor)
                )

        @rule(charged=st.booleans(), upheld=st.booleans(), who=anyone)
        def judge_allegations(self, charged: bool, upheld: bool, who: str) -> None:
            actor = staff[who]
            if actor is None:
                return
            for allegation in Allegation.objects.filter(case=self.case):
                self.attempt(
                    lambda a=allegation: services.record_charge(a, charged=charged, actor=actor)
                )
                finding = Allegation.Finding.UPHELD if upheld else Allegation.Finding.NOT_UPHELD
                self.attempt(
                    lambda a=allegation, f=finding: services.record_finding(
                        a,
                        finding=f,
                        reasons=REASONS,
                        sanction="warning" if upheld else "",
                        sanction_reasons=REASONS if upheld else "",
                        actor=actor,
                    )
                )

        @rule(who=anyone, category=st.sampled_from(["sexism", "racism"]))
        def allege(self, who: str, category: str) -> None:
            actor = staff[who]
            if actor is not None:
                self.attempt(
                    lambda: services.add_allegation(
                        self.case,
                        category=category,
                        particulars="Further conduct reported.",
                        conduct_on=date.today(),
                        actor=actor,
                    )
                )

        @rule(who=anyone, held=st.booleans())
        def hearing(self, who: str, held: bool) -> None:
            actor = staff[who]
            if actor is None:
                return
            starts = timezone.now() + timedelta(days=15)
            self.attempt(
                lambda: services.schedule_hearing(
                    self.case, starts_at=starts, place="Room 1", actor=actor
                )
            )
            for hearing in self.case.hearings.filter(held_at__isnull=True) if held else []:
                self.attempt(
                    lambda h=hearing: services.record_hearing_held(h, record="Held.", actor=actor)
                )

        @rule()
        def take_the_main_path_one_stage_on(self) -> None:
            """What a well-run case does next (tests/factories.py's walk), so that sequences
            reach the later stages and mix their own actions in there."""
            step = MAIN_PATH.get(Case.objects.get(pk=self.case.pk).stage)
            if step is not None:
                self.attempt(lambda: step(self.case, cast))

        @rule(days=st.integers(min_value=1, max_value=40))
        def days_pass(self, days: int) -> None:
            self.when.shift(timedelta(days=days))

        @invariant()
        def at_a_stage_the_rulebook_allows(self) -> None:
            case = Case.objects.get(pk=self.case.pk)
            event(f"stage {case.stage}")
            assert case.stage in self.rulebook.stages
            final = self.rulebook.is_final(case.stage)
            assert (case.closed_at is not None) is final
            assert bool(case.outcome) is final

        @invariant()
        def every_stage_was_reached_by_a_transition_the_rulebook_lists(self) -> None:
            case = Case.objects.get(pk=self.case.pk)
            edges = {(t.from_stage, t.to) for t in self.rulebook.transitions}
            moves = AuditEvent.objects.filter(case_id=case.pk, action="case.transitioned").order_by(
                "seq"
            )
            stage = None
            for move in moves:
                step = (move.data["from"], move.data["to"])
                assert step in edges, f"{step} is not a transition of the rulebook"
                assert stage is None or move.data["from"] == stage, "a stage changed unrecorded"
                assert move.actor_id not in {cast.outsider.pk, cast.oversight.pk}
                stage = move.data["to"]
            assert case.stage == (stage or self.first_stage)

    return CaseMachine


def parsed_stages(cast: Cast) -> list[str]:
    return list(parsed(cast.organisation.rulebooks.order_by("-number").first()).stages)


def test_no_sequence_of_actions_reaches_a_state_the_rulebook_forbids() -> None:
    cast = make_cast()
    run_state_machine_as_test(
        make_machine(cast),
        settings=settings(
            max_examples=12,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
