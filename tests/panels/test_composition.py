"""The solver alone, on hand-made pools: it meets every rule when it can, and otherwise names the
rule that fails and by how much."""

from __future__ import annotations

from datetime import date

from redress.panels.composition import HearingToStaff, Member, staff_round
from redress.rulebook.schema import GenderBalance, Panels

RULES = Panels(
    size=3,
    appeal_size=3,
    chair_subject="chairing",
    gender_balance=GenderBalance(min_women=1, max_same_gender=2),
    ethnic_minority_member_categories=("anti_black_racism",),
    max_open_cases=2,
)
MONDAY = date(2031, 3, 3)


def member(n: int, gender: str, *, minority: bool = False, chair: bool = False, load: int = 0,
           days: tuple[date, ...] | None = None) -> Member:  # fmt: skip
    return Member(
        user_id=n,
        username=f"m{n}",
        gender=gender,
        minority=minority,
        can_chair=chair,
        load=load,
        available=frozenset(days) if days is not None else None,
    )


def hearing(case_id: int = 1, **kwargs: object) -> HearingToStaff:
    return HearingToStaff(case_id=case_id, reference=f"RD-{case_id}", size=3, **kwargs)  # type: ignore[arg-type]


def test_a_panel_meets_every_rule_when_the_pool_allows() -> None:
    pool = [
        member(1, "man", chair=True),
        member(2, "man"),
        member(3, "man"),
        member(4, "woman", minority=True),
        member(5, "woman"),
    ]
    result = staff_round([hearing(needs_minority=True)], pool, RULES, workers=1)

    staffing = result.staffings[1]
    assert result.feasible
    assert len(staffing.members) == 3 and 4 in staffing.members
    assert staffing.chair == 1
    assert sum(1 for m in staffing.members if pool[m - 1].gender == "man") <= 2


def test_too_few_who_can_sit_names_the_size_and_the_shortfall() -> None:
    pool = [member(1, "woman", chair=True), member(2, "man"), member(3, "man")]
    result = staff_round(
        [hearing(excluded=frozenset({3}), excluded_reasons=("1 conflicted",))],
        pool,
        RULES,
        workers=1,
    )

    [shortfall] = result.staffings[1].shortfalls
    assert shortfall.startswith("panel size: the panel needs 3 members and only 2 can sit")
    assert "1 conflicted" in shortfall and shortfall.endswith("short by 1")


def test_no_woman_in_the_pool_names_the_gender_balance() -> None:
    pool = [member(1, "man", chair=True), member(2, "man"), member(3, "non_binary")]
    result = staff_round([hearing()], pool, RULES, workers=1)

    assert result.staffings[1].shortfalls == [
        "gender balance: the panel needs at least 1 woman and can have only 0; short by 1"
    ]


def test_three_of_one_gender_is_over_the_limit_by_one() -> None:
    pool = [member(1, "woman", chair=True), member(2, "woman"), member(3, "woman")]
    result = staff_round([hearing()], pool, RULES, workers=1)

    [shortfall] = result.staffings[1].shortfalls
    assert shortfall.startswith("gender balance: no more than 2 members may share a gender")
    assert shortfall.endswith("over by 1")


def test_no_minority_member_where_the_rulebook_asks_for_one() -> None:
    pool = [member(1, "woman", chair=True), member(2, "man"), member(3, "man")]
    result = staff_round([hearing(needs_minority=True)], pool, RULES, workers=1)

    [shortfall] = result.staffings[1].shortfalls
    assert shortfall.startswith("ethnic-minority member")
    assert staff_round([hearing()], pool, RULES, workers=1).feasible


def test_nobody_trained_to_chair() -> None:
    pool = [member(1, "woman"), member(2, "man"), member(3, "man")]
    result = staff_round([hearing()], pool, RULES, workers=1)

    assert result.staffings[1].shortfalls == [
        "chair: nobody who can sit is trained to chair; short by 1"
    ]


def test_availability_on_the_hearing_date_and_once_a_day() -> None:
    other_day = date(2031, 3, 4)
    pool = [
        member(1, "woman", chair=True, days=(MONDAY,)),
        member(2, "man", days=(MONDAY,)),
        member(3, "man", days=(other_day,)),
        member(4, "woman", days=(MONDAY,)),
    ]
    one = staff_round([hearing(hearing_on=MONDAY)], pool, RULES, workers=1)
    assert one.feasible and 3 not in one.staffings[1].members

    two = staff_round(
        [hearing(1, hearing_on=MONDAY), hearing(2, hearing_on=MONDAY)], pool, RULES, workers=1
    )
    assert not two.feasible  # four members free that day cannot sit on two panels of three
    seated = two.staffings[1].members + two.staffings[2].members
    assert len(seated) == len(set(seated))


def test_workload_is_spread_and_capped() -> None:
    pool = [
        member(1, "woman", chair=True, load=2),
        member(2, "woman", chair=True),
        member(3, "man"),
        member(4, "man", load=1),
        member(5, "man"),
    ]
    result = staff_round([hearing()], pool, RULES, workers=1)

    assert result.feasible
    assert sorted(result.staffings[1].members) == [2, 3, 5]


def test_the_busiest_member_over_the_cap_is_named() -> None:
    pool = [member(1, "woman", chair=True, load=2), member(2, "man"), member(3, "man")]
    result = staff_round([hearing()], pool, RULES, workers=1)

    assert result.staffings[1].shortfalls == [
        "workload: m1 would sit on more than 2 open cases; over by 1"
    ]


def test_many_hearings_in_one_round_each_meet_the_rules() -> None:
    pool = [
        member(n, ("woman", "man", "non_binary")[n % 3], minority=n % 4 == 0, chair=n % 2 == 0)
        for n in range(1, 200)
    ]
    hearings = [hearing(c, needs_minority=c % 2 == 0) for c in range(1, 41)]
    result = staff_round(hearings, pool, RULES, workers=1)

    assert result.feasible
    seats = [m for s in result.staffings.values() for m in s.members]
    assert len(seats) == 120 and max(seats.count(m) for m in set(seats)) <= 2
