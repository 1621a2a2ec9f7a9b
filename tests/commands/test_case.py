"""`redress case assign` and `redress case show`."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from redress.audit.models import AuditEvent
from redress.cases.models import Assignment, Case
from redress.people.models import User
from tests.commands.conftest import redress
from tests.factories import Cast, file_case, make_cast


@pytest.fixture
def case(cast: Cast) -> Case:
    """A case at triage with the cast's officer on its team."""
    return file_case(cast)


def team_of(case: Case) -> set[tuple[str, str]]:
    return set(
        Assignment.objects.filter(case=case, ended_at__isnull=True).values_list(
            "user__username", "role"
        )
    )


def test_assign_puts_a_member_of_staff_on_the_team(cast: Cast, case: Case) -> None:
    investigator = cast.investigator.username
    out = redress("case", "assign", str(case.pk), investigator, "--role", "investigator")

    assert out == f"{investigator} is now investigator on {case.reference}.\n"
    assert (investigator, "investigator") in team_of(case)
    event = AuditEvent.objects.get(action="case.assigned", data__role="investigator")
    assert (event.actor_id, event.actor_label, event.case_id) == (None, "system", case.pk)


def test_assign_makes_a_case_officer_by_default_and_takes_a_reference(cast: Cast) -> None:
    case = file_case(cast)
    Assignment.objects.filter(case=case).delete()
    second_officer = cast.outsider

    redress("case", "assign", case.reference.lower(), second_officer.username)

    assert team_of(case) == {(second_officer.username, "officer")}


def test_nobody_plays_two_parts_in_one_case(cast: Cast, case: Case) -> None:
    # The outsider holds both staff roles, so only separation of duties stands in the way.
    redress("case", "assign", str(case.pk), cast.outsider.username, "--role", "investigator")
    before = team_of(case)

    with pytest.raises(CommandError) as refused:
        redress("case", "assign", str(case.pk), cast.outsider.username, "--role", "officer")

    assert str(refused.value) == (
        f"{case.reference}: {cast.outsider.username} has been investigator on this case "
        "and cannot also be case officer"
    )
    assert team_of(case) == before


def test_a_past_part_still_counts(cast: Cast, case: Case) -> None:
    redress("case", "assign", str(case.pk), cast.outsider.username, "--role", "investigator")
    Assignment.objects.filter(user=cast.outsider).update(ended_at=case.opened_at)
    with pytest.raises(CommandError, match="has been investigator on this case"):
        redress("case", "assign", str(case.pk), cast.outsider.username, "--role", "officer")


def test_a_party_is_never_on_the_team(cast: Cast, case: Case) -> None:
    User.objects.filter(pk=cast.outsider.pk).update(person=cast.respondent)
    with pytest.raises(CommandError, match=f"{cast.outsider.username} is a party to this case"):
        redress("case", "assign", str(case.pk), cast.outsider.username, "--role", "investigator")
    assert not Assignment.objects.filter(user=cast.outsider).exists()


@pytest.mark.parametrize(
    ("who", "role", "message"),
    [
        ("investigator", "officer", "does not hold the role case officer"),
        ("officer", "officer", "is already on this case as officer"),
        ("oversight", "reviewer", "does not hold the role independent reviewer"),
    ],
)
def test_assign_refuses_whom_the_rules_refuse(cast: Cast, case: Case, who, role, message):
    before = team_of(case)
    user = getattr(cast, who)
    with pytest.raises(CommandError, match=message):
        redress("case", "assign", str(case.pk), user.username, "--role", role)
    assert team_of(case) == before


def test_staff_of_another_organisation_are_refused(cast: Cast, case: Case) -> None:
    stranger = make_cast().officer
    with pytest.raises(CommandError, match="not active staff of this organisation"):
        redress("case", "assign", str(case.pk), stranger.username)
    with pytest.raises(CommandError, match=f"no case '{case.reference}'"):
        redress("case", "assign", case.reference, stranger.username)
    assert not Assignment.objects.filter(user=stranger).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("999999", "{officer}"), "no case '999999'"),
        (("9" * 30, "{officer}"), "no case '9{30}'"),
        (("RD-999999", "{officer}"), "no case 'RD-999999'"),
        (("{case}", "nobody"), "no user has the username 'nobody'"),
        (("{case}", "{officer}", "--role", "boss"), "argument --role: invalid choice: 'boss'"),
        (("{case}",), "the following arguments are required: USERNAME"),
    ],
)
def test_bad_input_is_refused_with_a_reason(cast: Cast, case: Case, args, message) -> None:
    filled = [a.format(case=case.pk, officer=cast.outsider.username) for a in args]
    with pytest.raises(CommandError, match=message):
        redress("case", "assign", *filled)
    assert not Assignment.objects.filter(user=cast.outsider).exists()


def test_show_prints_where_the_case_stands_and_records_the_read(cast: Cast, case: Case) -> None:
    out = redress("case", "show", case.reference)

    lines = out.splitlines()
    assert lines[0] == f"{case.reference} (id {case.pk}), rulebook version 1"
    assert lines[1] == "Stage: Triage [triage], open"
    assert f"  Case officer: {cast.officer.username}" in lines
    assert "Transitions Redress may take now:" in lines
    viewed = AuditEvent.objects.get(action="case.viewed", case_id=case.pk)
    assert (viewed.actor_id, viewed.data) == (None, {"via": "console"})
