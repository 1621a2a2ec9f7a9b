"""Small helpers for the intake tests."""

from __future__ import annotations

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
