"""What "far" means, on the rulebook's sanction scale, without a database."""

import pytest

from redress.consistency.sanctions import (
    FAR_STEPS,
    MIN_COMPARABLE,
    SIMILARITY_FLOOR,
    check_sanction,
    most_severe,
    severity,
)
from redress.rulebook.loader import default_rulebook_source, parse_rulebook

SCALE = [s.code for s in parse_rulebook(default_rulebook_source()).sanctions]


def similar(*sanctions, similarity=0.8):
    return [(s, similarity) for s in sanctions]


def test_the_default_scale_runs_mildest_first():
    assert SCALE[0] == "advice" and SCALE[-1] == "expulsion"
    assert severity("warning", SCALE) < severity("suspension", SCALE)
    assert severity("lifetime_ban", SCALE) is None


@pytest.mark.parametrize(
    ("proposed", "steps", "far"),
    [
        ("warning", 0, False),
        ("training", 1, False),  # one step is ordinary judgement
        ("reminder_of_conduct", -1, False),
        ("removal_from_office", 2, True),  # two is another kind of outcome
        ("advice", -2, True),
        ("expulsion", 4, True),
    ],
)
def test_far_is_two_steps_or_more_from_the_median(proposed, steps, far):
    check = check_sanction(
        proposed,
        scale=SCALE,
        similar=similar("reminder_of_conduct", "warning", "warning", "training"),
    )
    assert FAR_STEPS == 2
    assert check.typical == "warning"  # the lower middle of four: a sanction on the scale
    assert (check.steps, check.far) == (steps, far)
    assert check.compared_with == 4


def test_one_outlier_among_the_similar_cases_does_not_move_the_yardstick():
    check = check_sanction(
        "warning", scale=SCALE, similar=similar("warning", "warning", "warning", "expulsion")
    )
    assert not check.far and check.typical == "warning"


def test_too_few_or_too_distant_cases_raise_no_flag():
    few = check_sanction("expulsion", scale=SCALE, similar=similar("advice", "advice"))
    assert MIN_COMPARABLE == 3 and few.compared_with == 2 and not few.far
    assert "too few" in few.message
    distant = check_sanction(
        "expulsion",
        scale=SCALE,
        similar=similar("advice", "advice", "advice", similarity=SIMILARITY_FLOOR - 0.01),
    )
    assert distant.compared_with == 0 and not distant.far


def test_the_message_says_which_way_and_asks_for_reasons():
    harsher = check_sanction("expulsion", scale=SCALE, similar=similar(*["warning"] * 3))
    assert harsher.far and harsher.steps == 4
    assert harsher.message == (
        "4 steps more severe than the warning typical of 3 similar upheld cases: record why"
    )
    milder = check_sanction("advice", scale=SCALE, similar=similar(*["suspension"] * 5))
    assert "5 steps less severe than the suspension" in milder.message


def test_sanctions_from_another_rulebook_are_left_out():
    check = check_sanction(
        "warning", scale=SCALE, similar=similar("lifetime_ban", "warning", "warning", "warning")
    )
    assert check.compared_with == 3


def test_a_proposed_sanction_not_on_the_scale_is_refused():
    with pytest.raises(ValueError, match="not a sanction of this rulebook"):
        check_sanction("flogging", scale=SCALE, similar=[])


def test_a_case_is_as_severe_as_its_most_severe_upheld_sanction():
    assert most_severe(["warning", "suspension", "training"], SCALE) == "suspension"
    assert most_severe([], SCALE) == ""
