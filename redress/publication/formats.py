"""The document formats a redaction reads and writes: plain text, Markdown, Word (DOCX) and PDF.

Each format gives the engine one text (`extract`) and writes the redacted document from the
spans found in that text (`render`). A PDF is redacted for real: PyMuPDF removes the text and
the image pixels under each redaction, and the document's metadata, outline, attached files and
annotations go too; Word documents lose their author and other core properties.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath
from typing import Any

import docx
import pymupdf
from docx.opc.part import XmlPart
from docx.oxml.ns import qn

from redress.publication.engine import Span, Style

PAGE_BREAK = "\f"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Pseudonyms are written in grey boxes in a PDF; bars are black.
_PSEUDONYM_FILL = (0.85, 0.85, 0.85)
_BAR_FILL = (0.0, 0.0, 0.0)
# pymupdf.PDF_REDACT_IMAGE_PIXELS: blank the pixels of images under a redaction.
_REDACT_IMAGE_PIXELS = 2


class DocumentError(ValueError):
    """The document cannot be read or written; the message says why, without its content."""


class Format(Enum):
    TEXT = "text"
    MARKDOWN = "markdown"
    DOCX = "docx"
    PDF = "pdf"

    @property
    def where(self) -> str:
        """What a location in this format is counted in."""
        return {"pdf": "page", "docx": "paragraph"}.get(self.value, "line")

    @property
    def content_type(self) -> str:
        return {
            "text": "text/plain; charset=utf-8",
            "markdown": "text/markdown; charset=utf-8",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "pdf": "application/pdf",
        }[self.value]


_SUFFIXES = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".docx": Format.DOCX,
    ".pdf": Format.PDF,
}


def format_of(filename: str) -> Format:
    """The format a file's name says it is in."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _SUFFIXES:
        raise DocumentError(
            f"cannot redact a {suffix or 'suffixless'} file; use .txt, .md, .docx or .pdf"
        )
    return _SUFFIXES[suffix]


def extract(data: bytes, kind: Format) -> str:
    """The text the engine reads: lines, paragraphs (DOCX) or pages (PDF, split by form feeds)."""
    if kind is Format.DOCX:
        return "\n".join(
            "".join(node.text or "" for node in runs) for runs in _docx_runs(_open_docx(data))
        )
    if kind is Format.PDF:
        with _open_pdf(data) as pdf:
            return PAGE_BREAK.join(_pdf_page_text(page)[0] for page in pdf.pages())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("the document is not UTF-8 text") from None


def render(data: bytes, kind: Format, spans: Sequence[Span], style: Style) -> bytes:
    """The redacted document: every span that is not kept replaced or removed."""
    if kind is Format.DOCX:
        return _render_docx(data, spans, style)
    if kind is Format.PDF:
        return _render_pdf(data, spans, style)
    from redress.publication.engine import redact_text

    return redact_text(extract(data, kind), spans, style).encode()


def locations(text: str, spans: Sequence[Span], kind: Format) -> list[int]:
    """For each span (in order), the line, paragraph or page it starts on, counting from 1."""
    separator = PAGE_BREAK if kind is Format.PDF else "\n"
    numbers = []
    position, number = 0, 1
    for span in spans:
        number += text.count(separator, position, span.start)
        position = span.start
        numbers.append(number)
    return numbers


# --- Word ---------------------------------------------------------------------------------


def _open_docx(data: bytes) -> docx.document.Document:
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a damaged package
        raise DocumentError("the Word document cannot be opened") from error


def _docx_runs(document: docx.document.Document) -> Iterator[list[Any]]:
    """For every paragraph in every part (body, tables, headers, footers, notes, comments),
    its text nodes in order."""
    for part in document.part.package.iter_parts():
        if not isinstance(part, XmlPart):
            continue
        for paragraph in part.element.iter(qn("w:p")):
            yield list(paragraph.iter(qn("w:t")))


def _render_docx(data: bytes, spans: Sequence[Span], style: Style) -> bytes:
    document = _open_docx(data)
    paragraphs = list(_docx_runs(document))
    pending = [span for span in spans if not span.kept]
    offset = 0
    index = 0
    for nodes in paragraphs:
        length = sum(len(node.text or "") for node in nodes)
        start_of_next = offset + length + 1
        mine = []
        while index < len(pending) and pending[index].start < offset + length:
            mine.append(pending[index])
            if pending[index].end <= offset + length:
                index += 1
            else:  # runs into the next paragraph: cut here, the rest is redacted there
                rest = pending[index]
                pending[index] = Span(
                    start_of_next, rest.end, rest.rule, rest.subject, rest.label, rest.kept
                )
                break
        if mine:
            _rewrite_nodes(
                nodes, [(s.start - offset, min(s.end - offset, length), s) for s in mine], style
            )
        offset = start_of_next
    properties = document.core_properties
    for field in (
        "author",
        "last_modified_by",
        "title",
        "subject",
        "keywords",
        "comments",
        "category",
        "identifier",
        "content_status",
        "version",
        "language",
    ):
        setattr(properties, field, "")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _rewrite_nodes(nodes: list[Any], cuts: list[tuple[int, int, Span]], style: Style) -> None:
    """Replace each [start, end) of a paragraph's text, which its nodes hold piece by piece: the
    replacement goes in the first node the cut touches, the others lose their part of it."""
    texts = [node.text or "" for node in nodes]
    bounds = []
    position = 0
    for text in texts:
        bounds.append(position)
        position += len(text)
    new = list(texts)
    # Last cut first, so a node's text before a cut is still as it was.
    for start, end, span in reversed(cuts):
        placed = False
        for i, text in enumerate(texts):
            low, high = bounds[i], bounds[i] + len(text)
            if high <= start or low >= end:
                continue
            before = new[i][: start - low] if start > low else ""
            after = new[i][end - low :] if high > end else ""
            new[i] = before + ("" if placed else span.replacement(style)) + after
            placed = True
    for node, text, old in zip(nodes, new, texts, strict=True):
        if text != old:
            node.text = text
            node.set(_XML_SPACE, "preserve")


# --- PDF ----------------------------------------------------------------------------------


def _open_pdf(data: bytes) -> pymupdf.Document:
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as error:  # PyMuPDF raises its own errors for a damaged file
        raise DocumentError("the PDF cannot be opened") from error
    if pdf.needs_pass:
        pdf.close()
        raise DocumentError("the PDF is encrypted; give the unprotected file")
    return pdf


@dataclass(frozen=True, slots=True)
class _Char:
    rect: pymupdf.Rect | None
    line: int


def _pdf_page_text(page: pymupdf.Page) -> tuple[str, list[_Char]]:
    """A page's text, line by line, and where each of its characters stands."""
    pieces: list[str] = []
    chars: list[_Char] = []
    line_number = 0
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    for block in page.get_text("rawdict", flags=flags)["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                for char in span["chars"]:
                    pieces.append(char["c"])
                    chars.append(_Char(pymupdf.Rect(char["bbox"]), line_number))
            pieces.append("\n")
            chars.append(_Char(None, line_number))
            line_number += 1
    return "".join(pieces), chars


def _render_pdf(data: bytes, spans: Sequence[Span], style: Style) -> bytes:
    pdf = _open_pdf(data)
    try:
        pending = [span for span in spans if not span.kept]
        offset = 0
        index = 0
        for page in pdf.pages():
            text, chars = _pdf_page_text(page)
            end_of_page = offset + len(text)
            marked = False
            while index < len(pending) and pending[index].start < end_of_page:
                span = pending[index]
                for rect in _line_rects(chars, span.start - offset, span.end - offset):
                    _mark(page, rect, span, style)
                    marked = True
                if span.end <= end_of_page:
                    index += 1
                else:
                    break
            _strip_page(page)
            if marked:
                page.apply_redactions(images=_REDACT_IMAGE_PIXELS)
            offset = end_of_page + len(PAGE_BREAK)
        _strip_document(pdf)
        return pdf.tobytes(garbage=4, deflate=True, clean=True)
    finally:
        pdf.close()


def _line_rects(chars: list[_Char], start: int, end: int) -> Iterator[pymupdf.Rect]:
    """One rectangle per line that the characters [start, end) of the page stand on."""
    current: pymupdf.Rect | None = None
    line = -1
    for char in chars[max(start, 0) : max(end, 0)]:
        if char.rect is None or char.rect.is_empty:
            continue
        if current is not None and char.line == line:
            current |= char.rect
            continue
        if current is not None:
            yield current
        current, line = pymupdf.Rect(char.rect), char.line
    if current is not None:
        yield current


def _mark(page: pymupdf.Page, rect: pymupdf.Rect, span: Span, style: Style) -> None:
    if style is Style.BAR:
        page.add_redact_annot(rect, fill=_BAR_FILL)
    else:
        size = max(min(rect.height * 0.7, 10.0), 4.0)
        page.add_redact_annot(rect, text=span.label, fontsize=size, fill=_PSEUDONYM_FILL)


def _strip_page(page: pymupdf.Page) -> None:
    """Links and annotations (comments, form fields) can carry names: none survive."""
    for link in page.get_links():
        page.delete_link(link)
    for annotation in list(page.annots() or ()):
        if annotation.type[1] != "Redact":
            page.delete_annot(annotation)
    for widget in list(page.widgets() or ()):
        page.delete_widget(widget)


def _strip_document(pdf: pymupdf.Document) -> None:
    pdf.set_metadata({})
    pdf.del_xml_metadata()
    pdf.set_toc([])
    for name in pdf.embfile_names():
        pdf.embfile_del(name)
