"""Committee votes: the result follows the rulebook's quorum and majority rules, and each
member's vote and dissent is on the record."""

from __future__ import annotations

import pytest

from redress.audit.models import AuditEvent
from redress.panels.models import MemberVote
from redress.panels.services import PanelError
from redress.panels.votes import record_motion, tally
from redress.rulebook.schema import Committee
from tests.factories import Cast, file_case, make_staff

RULES = Committee(decides=("charging",), quorum_share=0.5, majority_share=0.5)


@pytest.mark.parametrize(
    ("votes", "result"),
    [
        (["for", "for", "against"], "carried"),
        (["for", "against"], "defeated"),  # a tie fails
        (["for", "against", "against", "abstain"], "defeated"),
        (["for", "abstain", "abstain"], "carried"),  # abstentions are not votes cast
        (["for", "absent", "absent", "absent"], "inquorate"),  # 1 of 4 present; quorum 2
        (["for", "for", "absent", "absent"], "carried"),  # 2 of 4 is quorate at a half
        (["for", "recused", "recused", "absent"], "carried"),  # recused do not count: 1 of 2
        (["recused", "recused"], "inquorate"),
        (["absent", "absent", "absent"], "inquorate"),
    ],
)
def test_the_result_follows_quorum_and_majority(votes: list[str], result: str) -> None:
    assert tally(RULES, votes).result == result


def test_abstentions_count_against_when_the_rulebook_says_so() -> None:
    strict = Committee(quorum_share=0.5, majority_share=0.5, abstentions_count=True)
    assert tally(strict, ["for", "abstain", "abstain"]).result == "defeated"
    assert tally(RULES, ["for", "abstain", "abstain"]).result == "carried"


def test_a_two_thirds_majority() -> None:
    two_thirds = Committee(quorum_share=0.5, majority_share=0.66)
    assert tally(two_thirds, ["for", "for", "against"]).result == "carried"
    assert tally(two_thirds, ["for", "for", "against", "against"]).result == "defeated"


@pytest.mark.django_db
def test_each_vote_and_dissent_is_recorded_with_the_result(cast: Cast) -> None:
    case = file_case(cast)
    members = [make_staff(cast.organisation, f"ncc{i}", "coordinator") for i in range(4)]
    motion = record_motion(
        case=case,
        kind="charging",
        text="That the respondent be charged.",
        votes={members[0]: "for", members[1]: "against", members[2]: "for", members[3]: "recused"},
        dissents={members[1]: "The evidence is thin."},
        actor=cast.coordinator,
    )

    assert motion.result == "carried"
    assert "2 for, 1 against" in motion.explanation
    assert MemberVote.objects.get(motion=motion, member=members[1]).dissent == (
        "The evidence is thin."
    )
    event = AuditEvent.objects.get(action="committee.voted", case_id=case.pk)
    assert event.data["votes"][str(members[3].pk)] == "recused"


@pytest.mark.django_db
def test_bad_votes_are_refused_and_change_nothing(cast: Cast) -> None:
    case = file_case(cast)
    member = make_staff(cast.organisation, "ncc", "coordinator")
    with pytest.raises(PanelError, match="gives a committee the decision on"):
        record_motion(
            case=case, kind="triage", text="x", votes={member: "for"}, actor=cast.coordinator
        )
    with pytest.raises(PanelError, match="a vote is one of"):
        record_motion(
            case=case,
            kind="charging",
            text="That.",
            votes={member: "maybe"},
            actor=cast.coordinator,
        )
    with pytest.raises(PanelError, match="only a complaints coordinator"):
        record_motion(
            case=case, kind="charging", text="That.", votes={member: "for"}, actor=cast.officer
        )
    with pytest.raises(PanelError, match="write the motion"):
        record_motion(
            case=case, kind="charging", text=" ", votes={member: "for"}, actor=cast.coordinator
        )
    assert not MemberVote.objects.exists()
