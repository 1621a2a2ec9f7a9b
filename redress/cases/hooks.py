"""Things other apps do when a complaint is filed, without the cases app importing them.

An app registers a listener in its `AppConfig.ready()`; `file_complaint` calls every listener
inside its transaction, after the complaint, its case and its audit event are stored, so that
what a listener writes commits or rolls back with the complaint. The public intake's escrow is
the one listener: a complaint filed on any channel may open held reports about its respondent.
`transition_case` likewise calls the transition listeners inside its transaction, after the
case has moved and its notices are issued (analytics refreshes the case's fact row).
"""

from __future__ import annotations

from collections.abc import Callable

from redress.cases.models import Case, Complaint

ComplaintListener = Callable[[Complaint], None]
TransitionListener = Callable[[Case], None]

_complaint_filed: list[ComplaintListener] = []
_case_transitioned: list[TransitionListener] = []


def on_complaint_filed(listener: ComplaintListener) -> None:
    """Call `listener(complaint)` for every complaint filed from now on (once, however often
    it is registered)."""
    if listener not in _complaint_filed:
        _complaint_filed.append(listener)


def complaint_filed(complaint: Complaint) -> None:
    for listener in _complaint_filed:
        listener(complaint)


def on_case_transitioned(listener: TransitionListener) -> None:
    """Call `listener(case)` after every transition from now on (once, however often it is
    registered)."""
    if listener not in _case_transitioned:
        _case_transitioned.append(listener)


def case_transitioned(case: Case) -> None:
    for listener in _case_transitioned:
        listener(case)
