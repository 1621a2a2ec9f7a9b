"""What has happened on a case, from its audit events, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redress.audit.models import AuditEvent
from redress.audit.selectors import events_for_case
from redress.cases.models import Allegation, Case, CaseRole, InterimSuspension, Party
from redress.rulebook.schema import Rulebook

# Reads are audited too, but a timeline of every reading would bury what happened.
TIMELINE_HIDES = ("case.viewed", "case.team_viewed")
TIMELINE_LENGTH = 300

# Events whose words do not depend on their data.
PLAIN_WORDS = {
    "complaint.received": "Complaint received",
    "allegation.added": "Allegation added",
    "response.received": "The respondent's response recorded",
    "hearing.scheduled": "Hearing scheduled",
    "hearing.held": "Hearing held and its record written",
    "suspension.decided": "Interim suspension decided (not in force until served)",
    "suspension.in_force": "Interim suspension in force: its notice was served",
    "suspension.reviewed": "Interim suspension reviewed and kept",
    "suspension.extended": "Interim suspension extended by the independent reviewer",
    "suspension.lapsed": "Interim suspension lapsed",
    "case.emergency_access_reviewed": "Emergency access reviewed by oversight",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    detail: str = ""


def timeline(case: Case, rulebook: Rulebook) -> list[TimelineEntry]:
    """The latest events on the case, newest last, in one query however many there are."""
    events = list(
        events_for_case(case.pk)
        .exclude(action__in=TIMELINE_HIDES)
        .order_by("-occurred_at", "-id")[:TIMELINE_LENGTH]
    )
    events.reverse()
    return [_describe(event, rulebook) for event in events]


def _describe(event: AuditEvent, rulebook: Rulebook) -> TimelineEntry:
    data = event.data or {}
    who = event.actor_label if event.actor_id is not None else "Redress"
    what, detail = event_words(event.action, data, rulebook)
    return TimelineEntry(at=event.occurred_at, who=who, what=what, detail=detail)


def event_words(action: str, data: dict[str, Any], rulebook: Rulebook) -> tuple[str, str]:
    if action in PLAIN_WORDS:
        return PLAIN_WORDS[action], ""
    if action.startswith("case."):
        return _case_words(action, data, rulebook)
    if action.startswith(("allegation.", "response.", "suspension.")):
        return _record_words(action, data)
    if action == "notice.served":
        spec = rulebook.notices.get(str(data.get("kind")))
        party = str(data.get("party", ""))
        party_label = Party(party).label.lower() if party in Party.values else "party"
        if spec is not None:
            return f"{spec.label} served on the {party_label}", ""
    return _fallback(action)


def _case_words(action: str, data: dict[str, Any], rulebook: Rulebook) -> tuple[str, str]:
    stage = rulebook.stage_label
    if action == "case.transitioned":
        moved = f"Moved from {stage(data.get('from', ''))} to {stage(data.get('to', ''))}"
        return moved, str(data.get("reason") or "")
    if action == "case.assigned":
        return f"{_role_label(data.get('role'))} added to the team", ""
    if action == "case.unassigned":
        return f"{_role_label(data.get('role'))} taken off the team", str(data.get("reason", ""))
    if action == "case.decision_recorded":
        spec = rulebook.decisions.get(str(data.get("kind")))
        if spec is not None:
            return f"{spec.label}: {spec.outcomes.get(str(data.get('outcome')), '')}", ""
    if action == "case.emergency_access":
        return "Emergency access granted", str(data.get("reason", ""))
    return _fallback(action)


def _record_words(action: str, data: dict[str, Any]) -> tuple[str, str]:
    if action == "allegation.charge_decided":
        return ("Allegation charged" if data.get("charged") else "Allegation not charged"), ""
    if action == "allegation.finding_recorded":
        finding = str(data.get("finding", ""))
        label = Allegation.Finding(finding).label if finding in Allegation.Finding.values else ""
        return f"Finding on an allegation: {label.lower()}", ""
    if action == "response.window_extended":
        days = data.get("working_days")
        return f"The respondent's time to respond extended by {days} working days", ""
    if action == f"suspension.{InterimSuspension.Status.LIFTED}":
        return "Interim suspension lifted", str(data.get("reasons", ""))
    return _fallback(action)


def _fallback(action: str) -> tuple[str, str]:
    return action.replace(".", ": ").replace("_", " ").capitalize(), ""


def _role_label(role: object) -> str:
    return CaseRole(role).label if isinstance(role, str) and role in CaseRole.values else "Someone"
