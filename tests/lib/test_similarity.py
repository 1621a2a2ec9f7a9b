"""Text similarity for near-duplicate complaints."""

import pytest

from redress.lib.similarity import NEAR_DUPLICATE, shingles, text_similarity

TEMPLATE = (
    "At the branch meeting on 3 March the councillor said that members like me should go back "
    "to where we came from, and nobody stopped him. I want the party to act on this."
)


def test_the_same_text_is_one_and_case_and_punctuation_do_not_count() -> None:
    assert text_similarity(TEMPLATE, TEMPLATE.upper().replace(",", "")) == 1.0


def test_a_copy_with_a_detail_changed_is_a_near_duplicate() -> None:
    copy = TEMPLATE.replace("3 March", "4 March").replace("act on this", "do something")
    assert text_similarity(TEMPLATE, copy) >= NEAR_DUPLICATE


def test_a_complaint_on_the_same_topic_in_other_words_is_not() -> None:
    other = (
        "The councillor made racist remarks to me in the branch meeting. I would like the party "
        "to investigate what he said and take action."
    )
    assert text_similarity(TEMPLATE, other) < NEAR_DUPLICATE


@pytest.mark.parametrize(("a", "b"), [("", TEMPLATE), ("...", "!!!"), ("", "")])
def test_empty_text_is_like_nothing(a: str, b: str) -> None:
    assert text_similarity(a, b) == 0.0


def test_short_texts_are_one_shingle() -> None:
    assert shingles("Bad words") == frozenset({("bad", "words")})
