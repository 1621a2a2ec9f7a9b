"""The hearing bundle: one paginated PDF that both sides and the panel read and cite by page.

    Index                    each section and the page it starts on
    1 Allegations            as charged, in the order they were made
    2 Evidence               each item: number, name, type, size, SHA-256 and provenance
    3 Chat messages relied on, for each allegation, each message with the messages around it
    4 The respondent's reply as received

Built only from the case's records, in a fixed order, with the PDF's creation date taken from
the newest of those records and its file identifier derived from its content: the same inputs
give the same bytes. Page numbers are printed on every page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF
from fpdf.outline import OutlineSection

from redress.cases.models import Case
from redress.evidence import selectors
from redress.evidence.models import EvidenceItem, ReliedOnMessage

FONT_FOLDER = Path("/usr/share/fonts/truetype/dejavu")
CONTEXT_AROUND = 3


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    pages: int
    sha256: str


class _BundlePDF(FPDF):
    def __init__(self, reference: str) -> None:
        super().__init__(format="A4")
        self.reference = reference
        self.bundle_font = _fonts(self)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.bundle_font, size=8)
        self.cell(
            0,
            6,
            f"Hearing bundle, case {self.reference}: page {self.page_no()} of {{nb}}",
            align="C",
        )


def build(case: Case) -> Bundle:
    """The case's hearing bundle, from its records as they are now."""
    items = list(selectors.case_items(case))
    relied = list(selectors.relied_on(case))
    allegations = list(selectors.allegations(case))
    responses = list(case.responses.order_by("received_at", "pk"))
    pdf = _BundlePDF(case.reference)
    pdf.set_title(f"Hearing bundle, case {case.reference}")
    pdf.set_creation_date(_as_of(case, items, relied, responses))
    pdf.add_page()
    _heading(pdf, f"Hearing bundle: case {case.reference}", size=16)
    _text(pdf, "Page numbers below are the ones to cite at the hearing.")
    pdf.insert_toc_placeholder(_index, pages=1 + len(items) // 60, allow_extra_pages=True)

    _section(pdf, "1. Allegations")
    if not allegations:
        _text(pdf, "No allegations have been recorded.")
    for number, allegation in enumerate(allegations, start=1):
        _heading(pdf, f"Allegation {number}: {allegation.get_category_display()}", size=11)
        if allegation.conduct_on:
            _text(pdf, f"Conduct on {allegation.conduct_on:%d %B %Y}")
        _text(pdf, allegation.particulars)

    _section(pdf, "2. Evidence")
    if not items:
        _text(pdf, "No evidence has been added.")
    for number, item in enumerate(items, start=1):
        _evidence_item(pdf, number, item)

    _section(pdf, "3. Chat messages relied on")
    if not relied:
        _text(pdf, "No chat messages have been marked as relied on.")
    numbers = {item.pk: n for n, item in enumerate(items, start=1)}
    for allegation_number, allegation in enumerate(allegations, start=1):
        chosen = [r for r in relied if r.allegation_id == allegation.pk]
        if chosen:
            _heading(pdf, f"Allegation {allegation_number}", size=11)
        for reliance in chosen:
            _message_in_context(pdf, reliance, numbers)

    _section(pdf, "4. The respondent's reply")
    if not responses:
        _text(pdf, "The respondent has not replied.")
    for response in responses:
        local = timezone.localtime(response.received_at)
        _heading(pdf, f"Received {local:%d %B %Y at %H:%M}", size=10)
        _text(pdf, response.text)

    data = bytes(pdf.output())
    return Bundle(pdf=data, pages=pdf.page_no(), sha256=hashlib.sha256(data).hexdigest())


def _as_of(
    case: Case, items: list[EvidenceItem], relied: list[ReliedOnMessage], responses: list
) -> datetime:
    moments = [case.opened_at]
    moments += [item.received_at for item in items]
    moments += [r.selected_at for r in relied]
    moments += [r.received_at for r in responses]
    return max(moments).replace(microsecond=0)


def _fonts(pdf: FPDF) -> str:
    """DejaVu Sans where the system has it (every script a chat may hold), otherwise the PDF's
    built-in Helvetica (Latin only)."""
    regular = FONT_FOLDER / "DejaVuSans.ttf"
    bold = FONT_FOLDER / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"


def _printable(pdf: _BundlePDF, text: str) -> str:
    if pdf.bundle_font == "Helvetica":
        return text.encode("latin-1", "replace").decode("latin-1")
    return text


def _section(pdf: _BundlePDF, title: str) -> None:
    pdf.add_page()
    pdf.start_section(title)
    _heading(pdf, title, size=14)


def _heading(pdf: _BundlePDF, text: str, *, size: int) -> None:
    pdf.set_font(pdf.bundle_font, "B", size)
    pdf.multi_cell(0, size * 0.6, _printable(pdf, text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _text(pdf: _BundlePDF, text: str, *, bold: bool = False, size: int = 10) -> None:
    pdf.set_font(pdf.bundle_font, "B" if bold else "", size)
    pdf.multi_cell(0, 5, _printable(pdf, text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _index(pdf: FPDF, sections: list[OutlineSection]) -> None:
    family = pdf.bundle_font if isinstance(pdf, _BundlePDF) else "Helvetica"
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, "Index", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    for section in sections:
        pdf.cell(150, 6, section.name)
        pdf.cell(0, 6, f"page {section.page_number}", align="R", new_x="LMARGIN", new_y="NEXT")


def _evidence_item(pdf: _BundlePDF, number: int, item: EvidenceItem) -> None:
    _heading(pdf, f"E{number}. {item.original_name}", size=10)
    received = timezone.localtime(item.received_at)
    lines = [
        f"Type: {item.file.content_type}; size: {item.file.size:,} bytes",
        f"SHA-256: {item.file.sha256}",
        f"Received {received:%d %B %Y at %H:%M} through {item.get_channel_display().lower()}, "
        f"from {item.supplied_by_label}",
    ]
    if item.description:
        lines.append(f"Described as: {item.description}")
    chat = getattr(item, "chat", None)
    if chat is not None:
        lines.append(
            f"Chat export ({chat.format}): {chat.message_count:,} messages, "
            f"dates read {chat.date_order}"
        )
    _text(pdf, "\n".join(lines), size=9)


def _message_in_context(
    pdf: _BundlePDF, reliance: ReliedOnMessage, numbers: dict[int, int]
) -> None:
    message = reliance.message
    item_number = numbers.get(message.export.item_id)
    source = f"E{item_number}" if item_number else "a chat export"
    _text(pdf, f"Message {message.position} of {source}, with the messages around it:", bold=True)
    for neighbour in selectors.in_context(message, around=CONTEXT_AROUND):
        when = timezone.localtime(neighbour.sent_at)
        who = neighbour.sender or "(notice)"
        marker = "RELIED ON  " if neighbour.pk == message.pk else ""
        _text(
            pdf,
            f"{marker}#{neighbour.position}  {when:%d/%m/%Y %H:%M:%S}  {who}: {neighbour.text}",
            bold=neighbour.pk == message.pk,
            size=9,
        )
    pdf.ln(2)
