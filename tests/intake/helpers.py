"""Small helpers for the intake tests."""

from __future__ import annotations

import html
import re
from typing import Any

from redress.intake.services import Report, Submitted, submit_report
from redress.people.models import Organisation

SUMMARY = "He shouted abuse at me at the branch meeting and again in the group chat."


def report(mode: str = "anonymous", **fields: Any) -> Report:
    values: dict[str, Any] = {
        "mode": mode,
        "categories": ["bullying"],
        "what_happened": SUMMARY,
        "respondent_name": "Rex Respondent",
    }
    if mode in ("named", "confidential"):
        values |= {"complainant_name": "Ada Complainant", "complainant_email": "ada@example.org"}
    values.update(fields)
    return Report(**values)


def submit(organisation: Organisation, mode: str = "anonymous", **fields: Any) -> Submitted:
    return submit_report(organisation, report(mode, **fields))


def text(response: Any) -> str:
    """The page's HTML with entities decoded, so assertions read like the page does."""
    return html.unescape(response.content.decode())


def receipt_on(page: str) -> str:
    found = re.search(r"\b([2-9A-Z]{4}(?:-[2-9A-Z]{4}){4})\b", page)
    assert found, "no receipt on the page"
    return found.group(1)
