"""Test documents in every format the engine reads, built from the same paragraphs, and the
register they mention."""

from __future__ import annotations

import io

import docx
import pymupdf

REGISTER_CSV = """membership_number,name,aliases,email,phone,unit,public_role
LP100001,Aisha Rahman Khan,Ash Khan,aisha.khan@example.org,07700 900111,,
LP100002,Daniel O'Connor,Danny Boy,,,,
LP100003,Priya Patel,,,,,
LP100004,Keir Morgan,,,,,General Secretary
LP100005,Tomasz Nowak,,,,,
LP100006,Grace van der Berg,,,,,
LP100007,Hamza Ali,,,,,
"""

# Every form the engine must find: (the text as written, who it names).
PLANTED = [
    ("Aisha Khan", "full name"),
    ("KHAN, Aisha", "surname first, capitals"),
    ("A. R. Khan", "initials"),
    ("Ash Khan", "alias"),
    ("O'Connor's", "possessive after a title"),
    ("Daniel O'Connor", "full name with apostrophe"),
    ("priya patel", "lower case"),
    ("Priya", "first name in context"),
    ("Tomasz Nowak", "full name"),
    ("Grace van der Berg", "surname with particles"),
    ("Hamza\nAli", "line-broken"),
    ("LP100005", "membership number"),
    ("aisha.khan@example.org", "email"),
    ("07700 900111", "phone"),
    ("+44 20 7946 0958", "phone"),
    ("SW1A 2AA", "postcode"),
    ("@danny_oc", "handle"),
    ("https://www.facebook.com/priya.patel.77", "profile link"),
]

PARAGRAPHS = [
    "Report of the investigation into complaints made in 2024.",
    "The complaint was made by Aisha Khan on 3 March. KHAN, Aisha later wrote again; "
    "A. R. Khan signed the second letter, and Ash Khan is how branch members know her.",
    "The respondent was Daniel O'Connor. Mr O'Connor's reply was received in April.",
    "A witness, priya patel, gave a statement. Priya said she saw the messages herself.",
    "Tomasz Nowak and Grace van der Berg were interviewed together with Hamza\nAli.",
    "Tomasz Nowak's membership number is LP100005.",
    "Contact details given: aisha.khan@example.org, 07700 900111 and +44 20 7946 0958; "
    "the meeting was held at SW1A 2AA.",
    "The posts came from @danny_oc and https://www.facebook.com/priya.patel.77 in May.",
    "The General Secretary, Keir Morgan, received the report.",
]

KEPT = ["Keir Morgan"]


def text_document() -> bytes:
    return "\n\n".join(PARAGRAPHS).encode()


def markdown_document() -> bytes:
    lines = ["# Investigation report", ""]
    for paragraph in PARAGRAPHS:
        lines += [f"- {paragraph}", ""]
    return "\n".join(lines).encode()


def docx_document() -> bytes:
    document = docx.Document()
    document.core_properties.author = "Aisha Khan"
    document.add_heading("Investigation report", level=1)
    for paragraph in PARAGRAPHS[:-2]:
        # Split every paragraph across runs in the middle of words, as Word often does.
        p = document.add_paragraph()
        for start in range(0, len(paragraph), 7):
            p.add_run(paragraph[start : start + 7]).bold = start % 2 == 0
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = PARAGRAPHS[-2]
    table.cell(0, 1).text = PARAGRAPHS[-1]
    document.sections[0].header.paragraphs[0].text = "Copy for Tomasz Nowak"
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def pdf_document() -> bytes:
    pdf = pymupdf.open()
    pdf.set_metadata({"author": "Aisha Khan", "title": "Complaint of Aisha Khan"})
    page = pdf.new_page()
    y = 72
    for paragraph in PARAGRAPHS:
        for line in paragraph.split("\n"):
            for chunk in _wrap(line, 80):
                page.insert_text((72, y), chunk, fontsize=10)
                y += 14
        y += 8
        if y > 760:
            page = pdf.new_page()
            y = 72
    return pdf.tobytes()


def _wrap(line: str, width: int) -> list[str]:
    words, lines, current = line.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current]
