"""The engine on single sentences: each form of a name, identifiers, public office holders,
pseudonyms consistent within a document, and names that only look like register names."""

from __future__ import annotations

import pytest

from redress.publication.engine import Style, find_spans, redact_text
from redress.publication.identifiers import identifiers_in
from redress.publication.matcher import build_matcher
from redress.publication.register import RegisterPerson


def person(key: str, name: str, *aliases: str, number: str = "", role: str = "") -> RegisterPerson:
    return RegisterPerson(key, name, aliases, number, role)


MATCHER = build_matcher(
    [
        person("1", "John Andrew Smith", "Jack Smith", number="LP1001"),
        person("2", "Aisha Khan"),
        person("3", "Keir Ross", role="Leader"),
        person("4", "Jane Smith"),
        person("5", "Anna van der Berg"),
        person("6", "Mary O'Brien"),
        person("7", "Mary Jones"),
        person("8", "Mark Hall"),
        person("9", "John Smith"),  # shares a name with person 1
    ]
)


def redacted(text: str, *, keep_public: bool = True) -> str:
    return redact_text(text, find_spans(text, MATCHER, keep_public=keep_public), Style.PSEUDONYM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aisha Khan complained.", "Member A complained."),
        ("KHAN, Aisha complained.", "Member A complained."),
        ("aisha khan complained.", "Member A complained."),
        ("Aisha Khan's letter.", "Member A's letter."),
        ("Aisha\n  Khan wrote.", "Member A wrote."),
        ("Ai-\nsha Khan wrote.", "Member A wrote."),
        ("J. A. Smith and J.A. Smith.", "Member A and Member A."),
        ("Jack Smith, an alias.", "Member A, an alias."),
        ("Anna van der Berg left.", "Member A left."),
        ("Mary O\u2019Brien left.", "Member A left."),  # a typographer's apostrophe
        ("Ms Khan wrote.", "Member A wrote."),
        ("Aisha Khan wrote. Later Aisha and Khan met.",
         "Member A wrote. Later Member A and Member A met."),
        ("Member no: LP1001 and LP1001.",
         "Member no: [membership number] and [membership number]."),
    ],
)  # fmt: skip
def test_each_form_of_a_name(text: str, expected: str) -> None:
    assert redacted(text) == expected


def test_pseudonyms_are_consistent_and_in_order_of_appearance() -> None:
    text = "Mark Hall accused Aisha Khan. KHAN, Aisha denied it; Mr Hall insisted."
    assert redacted(text) == ("Member A accused Member B. Member B denied it; Member A insisted.")


def test_a_first_name_shared_by_two_people_named_is_redacted_without_saying_whose() -> None:
    text = "Mary O'Brien and Mary Jones met. Mary spoke first."
    assert redacted(text) == "Member A and Member B met. [name] spoke first."


def test_office_holders_are_kept_only_when_the_release_says_so() -> None:
    text = "Keir Ross, the Leader, and Aisha Khan. Keir agreed."
    assert redacted(text) == "Keir Ross, the Leader, and Member A. Keir agreed."
    assert redacted(text, keep_public=False) == (
        "Member A, the Leader, and Member B. Member A agreed."
    )


def test_common_words_are_not_names_unless_written_as_names() -> None:
    # A full name in lower case is a name ("mark hall"); initials and a surname alone are not
    # unless written with capitals, and a surname alone only once its bearer has been named.
    text = "No smith would mark hall a ruin; a hall is not j smith, nor J. Smith."
    spans = find_spans(text, MATCHER)
    assert [(text[span.start : span.end], span.rule) for span in spans] == [
        ("mark hall", "full_name"),
        ("J. Smith", "initials"),
    ]


def test_names_inside_longer_words_are_not_names() -> None:
    assert find_spans("Blacksmiths and Khanate; Smithson.", MATCHER) == []


def test_bars_replace_everything_alike() -> None:
    text = "Aisha Khan, aisha@example.org."
    spans = find_spans(text, MATCHER)
    assert redact_text(text, spans, Style.BAR) == "█████, █████."


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to jo.smith+x@mail.example.co.uk today", "email"),
        ("ring 07700 900123 or +44 (0)20 7946 0958", "phone"),
        ("at SW1A 1AA, or m1 1ae", "postcode"),
        ("follow @jo_smith_99 now", "handle"),
        ("see https://www.facebook.com/jo.smith.77.", "profile_link"),
        ("see x.com/josmith and linkedin.com/in/jo-smith", "profile_link"),
        ("membership number: 99-1234", "membership_number"),
    ],
)
def test_identifiers_by_their_shape(text: str, kind: str) -> None:
    found = [(text[start:end], found.rule) for start, end, found in identifiers_in(text)]
    assert found and all(rule == kind for _, rule in found), found


def test_what_only_looks_like_an_identifier_is_left() -> None:
    text = "In 2019, 12 of 1,234 members met at 10:30 in room 4B; see example.com/about."
    assert list(identifiers_in(text)) == []
