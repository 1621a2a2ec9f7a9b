"""Proposing a panel for a case from the pool, recording it, and appointing it (as proposed,
or overridden with reasons), through the services and `redress panel`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases.models import Assignment, Case
from redress.panels import proposals
from redress.panels.models import PanelProposal, TrainingRecord
from redress.panels.services import PanelError, declare_interest
from redress.panels.votes import record_motion
from redress.people.models import User
from tests.commands.conftest import redress
from tests.factories import Cast, file_case, make_staff, walk_to

from .helpers import balanced_pool, pool_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def charged(cast: Cast) -> Case:
    """A case of anti-Black racism at charging: its panel is the next to appoint."""
    return walk_to(file_case(cast, categories=("anti_black_racism",)), "charging", cast)


@pytest.fixture
def pool(cast: Cast) -> list[User]:
    # The cast's own panellists hold no chair training and declare nothing: drop them from the
    # pool so the tests see only the members built here.
    for user in [*cast.panellists, *cast.appeal_panellists]:
        user.role_grants.all().delete()
    return balanced_pool(cast.organisation)


def appoint_by_vote(case: Case, cast: Cast) -> None:
    committee = [make_staff(cast.organisation, f"committee{i}", "coordinator") for i in range(3)]
    record_motion(
        case=case,
        kind="panel_appointment",
        text="That the proposed panel be appointed.",
        votes={committee[0]: "for", committee[1]: "for", committee[2]: "against"},
        dissents={committee[2]: "I would rather the panel had a lawyer on it."},
        actor=cast.coordinator,
    )


def test_the_proposal_meets_every_rule_and_is_recorded(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    proposal = proposals.propose_panel(charged, actor=cast.coordinator)

    assert proposal.feasible and proposal.shortfalls == []
    members = {u.pk: u for u in pool}
    chosen = [members[pk] for pk in proposal.members]
    assert len(chosen) == 3
    assert proposal.chair in proposal.members
    assert any(u.username.startswith("grace") for u in chosen)  # the only Black member: a
    # minority member is asked for on anti-Black racism
    event = AuditEvent.objects.get(action="panel.proposed", case_id=charged.pk)
    assert event.data["members"] == proposal.members and event.data["feasible"] is True


def test_accepting_needs_the_committee_vote_then_appoints_the_panel_with_its_chair(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    proposal = proposals.propose_panel(charged, actor=cast.coordinator)
    with pytest.raises(PanelError, match="committee has not voted"):
        proposals.accept_proposal(proposal, actor=cast.coordinator)
    appoint_by_vote(charged, cast)

    proposals.accept_proposal(proposal, actor=cast.coordinator)

    panel = Assignment.objects.filter(case=charged, role="panellist", ended_at__isnull=True)
    assert sorted(panel.values_list("user_id", flat=True)) == proposal.members
    assert panel.get(chair=True).user_id == proposal.chair
    proposal.refresh_from_db()
    assert proposal.status == "accepted"


def test_an_override_needs_reasons_and_still_refuses_the_conflicted(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    proposal = proposals.propose_panel(charged, actor=cast.coordinator)
    appoint_by_vote(charged, cast)
    declare_interest(pool[1], kind="personal", description="Friends.", person=cast.respondent)
    with pytest.raises(PanelError, match="reasons"):
        proposals.override_proposal(
            proposal, members=pool[:3], chair=pool[0], reasons="", actor=cast.coordinator
        )
    with pytest.raises(Exception, match="declared an interest"):
        proposals.override_proposal(
            proposal,
            members=pool[:3],
            chair=pool[0],
            reasons="The chair asked for members with hearing experience.",
            actor=cast.coordinator,
        )
    assert not Assignment.objects.filter(case=charged, role="panellist").exists()

    proposals.override_proposal(
        proposal,
        members=[pool[0], pool[2], pool[3]],
        chair=pool[0],
        reasons="The chair asked for members with hearing experience.",
        actor=cast.coordinator,
    )
    proposal.refresh_from_db()
    assert proposal.status == "overridden"
    event = AuditEvent.objects.get(action="panel.overridden", case_id=charged.pk)
    assert event.data["reasons"] == "The chair asked for members with hearing experience."


def test_a_pool_that_cannot_meet_the_rules_names_the_rule_that_fails(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    # Grace (Black) and Priya (Asian) are the pool's minority members: untrained in the
    # category, neither can sit.
    TrainingRecord.objects.filter(user__in=[pool[0], pool[2]], subject="anti_black_racism").delete()

    proposal = proposals.propose_panel(charged, actor=cast.coordinator)

    assert not proposal.feasible
    assert any(s.startswith("ethnic-minority member") for s in proposal.shortfalls), (
        proposal.shortfalls
    )
    with pytest.raises(PanelError, match="overriding it"):
        proposals.accept_proposal(proposal, actor=cast.coordinator)


def test_the_hearing_date_limits_the_pool_to_those_available(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    far = timezone.localdate() + timedelta(days=200)
    only = pool_member(cast.organisation, "Ada Farday", gender="woman", chair=True,
                       ethnic_group="black", available=[far])  # fmt: skip

    proposal = proposals.propose_panel(charged, actor=cast.coordinator, hearing_on=far)

    assert proposal.members == [] or proposal.members == [only.pk]
    [shortfall] = proposal.shortfalls
    assert "only 1 can sit on" in shortfall and "short by 2" in shortfall


def test_an_appeal_panel_is_proposed_from_those_not_on_the_first(cast: Cast) -> None:
    for user in cast.appeal_panellists:
        user.role_grants.all().delete()
    case = walk_to(file_case(cast), "appeal_window", cast)
    pool = balanced_pool(cast.organisation)

    proposal = proposals.propose_panel(case, actor=cast.coordinator)

    assert proposal.kind == "appeal" and proposal.feasible
    first = {u.pk for u in cast.panellists}
    assert not first & set(proposal.members)
    assert set(proposal.members) <= {u.pk for u in pool}


def test_only_coordinators_propose(cast: Cast, charged: Case, pool: list[User]) -> None:
    with pytest.raises(PanelError, match="only a complaints coordinator"):
        proposals.propose_panel(charged, actor=cast.officer)


def test_a_case_that_has_its_panel_is_refused(cast: Cast) -> None:
    case = walk_to(file_case(cast), "decision", cast)
    with pytest.raises(PanelError, match="already has"):
        proposals.propose_panel(case, actor=cast.coordinator)
    assert not PanelProposal.objects.filter(case=case).exists()


# --- The console ---------------------------------------------------------------------------------


def test_the_command_proposes_and_prints_the_panel(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    out = redress("panel", "propose", "--case", charged.reference)

    proposal = PanelProposal.objects.get(case=charged)
    assert out.startswith(f"Proposal {proposal.pk}: panel for {charged.reference}\n")
    assert "(chair)" in out and "Meets every rule." in out


def test_the_command_names_the_failing_rule_and_exits_non_zero(
    cast: Cast, charged: Case, pool: list[User]
) -> None:
    for user in pool:
        if user.username.startswith(("grace", "priya")):
            user.role_grants.all().delete()  # no women left in the pool
    with pytest.raises(CommandError, match="gender balance: the panel needs at least 1 woman"):
        redress("panel", "propose", "--case", str(charged.pk))


def test_the_command_refuses_bad_input_in_one_line(cast: Cast, charged: Case) -> None:
    with pytest.raises(CommandError, match="--on takes a date"):
        redress("panel", "propose", "--case", str(charged.pk), "--on", "tomorrow")
    with pytest.raises(CommandError, match="no case"):
        redress("panel", "propose", "--case", "999999")
    with pytest.raises(CommandError, match="no training subject"):
        redress("panel", "train", cast.panellist.username, "astrology")
