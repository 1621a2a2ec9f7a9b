"""Things other apps do when a complaint is filed, without the cases app importing them.

An app registers a listener in its `AppConfig.ready()`; `file_complaint` calls every listener
inside its transaction, after the complaint, its case and its audit event are stored, so that
what a listener writes commits or rolls back with the complaint. The public intake's escrow is
the one listener: a complaint filed on any channel may open held reports about its respondent.
"""

from __future__ import annotations

from collections.abc import Callable

from redress.cases.models import Complaint

ComplaintListener = Callable[[Complaint], None]

_complaint_filed: list[ComplaintListener] = []


def on_complaint_filed(listener: ComplaintListener) -> None:
    """Call `listener(complaint)` for every complaint filed from now on (once, however often
    it is registered)."""
    if listener not in _complaint_filed:
        _complaint_filed.append(listener)


def complaint_filed(complaint: Complaint) -> None:
    for listener in _complaint_filed:
        listener(complaint)
