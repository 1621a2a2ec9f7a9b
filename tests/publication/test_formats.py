"""Every planted form is gone from a redacted document of every format, office holders stay,
and what a PDF redaction removed cannot be extracted from it."""

from __future__ import annotations

import io

import docx
import pymupdf
import pytest

from redress.publication.engine import BAR, Style
from redress.publication.formats import Format, extract
from redress.publication.matcher import Matcher
from redress.publication.redaction import redact_document
from tests.publication.documents import (
    KEPT,
    PLANTED,
    docx_document,
    markdown_document,
    pdf_document,
    text_document,
)

BUILDERS = {
    Format.TEXT: text_document,
    Format.MARKDOWN: markdown_document,
    Format.DOCX: docx_document,
    Format.PDF: pdf_document,
}


def _squeezed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("kind", list(Format))
@pytest.mark.parametrize("style", list(Style))
def test_every_planted_form_is_removed_and_office_holders_kept(
    kind: Format, style: Style, matcher: Matcher
) -> None:
    result = redact_document(BUILDERS[kind](), kind, matcher, style=style, keep_public=True)
    after = _squeezed(extract(result.output, kind))
    for planted, form in PLANTED:
        words = _squeezed(planted)
        assert words not in after, f"{form} survived"
        assert words.lower() not in after.lower(), f"{form} survived in another case"
    for name in KEPT:
        assert name in after
    assert "Report of the investigation" in after  # the rest of the text is still there
    if style is Style.PSEUDONYM:
        assert "Member A" in after
    elif kind is not Format.PDF:  # a PDF's bars are drawn, not written
        assert BAR in after


@pytest.mark.parametrize("kind", list(Format))
def test_office_holders_are_redacted_unless_the_release_keeps_them(
    kind: Format, matcher: Matcher
) -> None:
    result = redact_document(BUILDERS[kind](), kind, matcher, keep_public=False)
    assert "Keir Morgan" not in _squeezed(extract(result.output, kind))


def test_a_redacted_pdf_holds_no_trace_of_the_text_metadata_or_outline(matcher: Matcher) -> None:
    original = pdf_document()
    result = redact_document(original, Format.PDF, matcher, style=Style.BAR, keep_public=True)
    with pymupdf.open(stream=result.output, filetype="pdf") as pdf:
        every_way = " ".join(
            page.get_text(kind) if kind != "rawdict" else str(page.get_text(kind))
            for page in pdf
            for kind in ("text", "words", "html", "xml", "rawdict")
            if isinstance(page.get_text(kind), str)
        )
        words = every_way.split()
        for planted, form in PLANTED:
            assert planted.split()[0] not in words, f"{form} can be extracted"
        assert not any(pdf.metadata.get(key) for key in ("author", "title", "subject"))
        assert pdf.get_toc() == []
        raw = b"".join(pdf.xref_stream(xref) or b"" for xref in range(1, pdf.xref_length()))
    for planted, _form in PLANTED:
        assert planted.encode() not in raw
    assert b"Khan" not in result.output  # nor in the file's bytes, e.g. its metadata


def test_the_original_pdf_does_hold_the_names(matcher: Matcher) -> None:
    # The check above would pass on an empty file; this one shows the fixture is not.
    text = extract(pdf_document(), Format.PDF)
    assert all(_squeezed(planted) in _squeezed(text) for planted, _form in PLANTED)


def test_a_word_document_loses_its_author_and_header_names(matcher: Matcher) -> None:
    result = redact_document(docx_document(), Format.DOCX, matcher, keep_public=True)
    document = docx.Document(io.BytesIO(result.output))
    assert document.core_properties.author == ""
    header = document.sections[0].header.paragraphs[0].text
    assert "Nowak" not in header and header.startswith("Copy for Member")


def test_image_pixels_under_a_pdf_redaction_are_removed_not_covered(matcher: Matcher) -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    red = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 100, 20), False)
    red.set_rect(red.irect, (200, 0, 0))
    page.insert_image(pymupdf.Rect(60, 60, 260, 100), pixmap=red)  # a photo behind the name
    page.insert_text((72, 84), "Aisha Khan signed the photograph.", fontsize=12)
    result = redact_document(pdf.tobytes(), Format.PDF, matcher)
    with pymupdf.open(stream=result.output, filetype="pdf") as redacted:
        (image,) = redacted[0].get_images(full=True)
        pixels = pymupdf.Pixmap(redacted, image[0])
        assert pixels.pixel(30, 10) == (255, 255, 255)  # under the name: blanked in the image
        assert pixels.pixel(95, 10) == (200, 0, 0)  # beyond it: untouched
        assert "Aisha" not in redacted[0].get_text()


def test_the_optional_named_entity_pass_finds_people_not_on_the_register(
    matcher: Matcher,
) -> None:
    from redress.publication.redaction import named_entity_recogniser

    text = "Aisha Khan met Gordon Brown in Manchester on Monday."
    without = redact_document(text.encode(), Format.TEXT, matcher)
    assert b"Gordon Brown" in without.output
    with_ner = redact_document(
        text.encode(), Format.TEXT, matcher, recogniser=named_entity_recogniser()
    )
    assert with_ner.output == b"Member A met Member B in Manchester on Monday."
    assert [span.rule for span in with_ner.spans] == ["full_name", "named_entity"]
