"""Composing the text of a notice from the case and the rulebook.

Each kind has a default template in templates/cases/notices/<kind>.txt (the generic one
otherwise); its first line is the subject. An organisation may replace any of them with its own
(`redress.portal.models.NoticeTemplate`). Either way the template is rendered in a sandbox over
plain data gathered here (`redress.portal.notice_templates`): a template cannot reach a model,
and so cannot reach the complainant's identity unless this module hands it over, which it does
not for a confidential complainant in a notice to the respondent.
"""

from __future__ import annotations

from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from redress.cases.facts import calendar_of
from redress.cases.models import (
    Assignment,
    Case,
    CaseRole,
    Complaint,
    Deadline,
    InterimSuspension,
    Party,
)
from redress.portal.notice_templates import render_notice
from redress.rulebook.schema import Rulebook
from redress.rulebook.workflow import due_date


def compose_notice(case: Case, rulebook: Rulebook, *, kind: str, party: str) -> tuple[str, str]:
    rendered = render_notice(
        organisation_id=case.organisation_id,
        kind=kind,
        context=notice_context(case, rulebook, kind=kind, party=party),
        hidden_names=hidden_from(case, party),
    )
    return rendered.subject, rendered.body


def hidden_from(case: Case, party: str) -> tuple[str, ...]:
    """The names and address that must not appear in anything given to `party`: a
    confidential complainant's, for the respondent."""
    complaint = _first_named_complaint(case)
    if party != Party.RESPONDENT or complaint is None or not is_confidential(complaint):
        return ()
    person = complaint.complainant
    assert person is not None
    return (person.name, person.email, *[str(a) for a in person.aliases or ()])


def is_confidential(complaint: Complaint) -> bool:
    """Whether the complainant asked that their identity not be given to the respondent."""
    if getattr(complaint, "confidential", False):
        return True
    return bool((complaint.submitted or {}).get("identity_confidential"))


def _first_named_complaint(case: Case) -> Complaint | None:
    return (
        case.complaints.select_related("complainant")
        .exclude(complainant=None)
        .order_by("received_at", "pk")
        .first()
    )


def notice_context(case: Case, rulebook: Rulebook, *, kind: str, party: str) -> dict[str, Any]:
    """Everything a notice template may use, as plain data."""
    allegations = list(case.allegations.order_by("pk"))
    today = timezone.localdate()
    return {
        "organisation": {"name": case.organisation.name},
        "case": {"reference": case.reference, "stage": rulebook.stage_label(case.stage)},
        "kind": kind,
        "party": party,
        "label": rulebook.notices[kind].label,
        "stage": rulebook.stage_label(case.stage),
        "today": today,
        "recipient": {"name": _recipient_name(case, party)},
        "complainant": _complainant(case, party),
        "categories": [rulebook.categories[a.category].label for a in allegations],
        "allegations": [
            {
                "number": number,
                "category": rulebook.categories[a.category].label,
                "particulars": a.particulars,
                "conduct_on": a.conduct_on,
                "charged": a.charged,
                "finding": a.get_finding_display() if a.finding else "",
                "finding_reasons": a.finding_reasons,
                "sanction": _sanction_label(rulebook, a.sanction),
                "sanction_reasons": a.sanction_reasons,
                "definition": a.definition_applied,
            }
            for number, a in enumerate(allegations, start=1)
        ],
        # The evidence store arrives with a later issue; until then the notice says how the
        # evidence relied on will be disclosed.
        "evidence": [],
        "respond_by": _respond_by(case, rulebook, kind),
        "extension": {
            "max_working_days": rulebook.response_extension.max_working_days,
            "times": rulebook.response_extension.times,
        },
        "suspension": _suspension(case, rulebook),
        "hearing": _hearing(case),
        "panel": _panel(case, kind),
        "decisions": _latest_decisions(case, rulebook),
        "appeal_outcome": _appeal_outcome(case, rulebook),
        "appeal_window_closes_on": _due_on(case, "stage:appeal_window"),
        "deadlines": [
            {"kind": d.kind, "label": d.label, "due_on": d.due_on}
            for d in Deadline.objects.filter(case=case, met_at__isnull=True).order_by("due_on")
        ],
    }


def _recipient_name(case: Case, party: str) -> str:
    if party == Party.RESPONDENT:
        return case.respondent.name
    complaint = _first_named_complaint(case)
    return complaint.complainant.name if complaint and complaint.complainant else ""


def _complainant(case: Case, party: str) -> dict[str, Any]:
    complaint = _first_named_complaint(case)
    if complaint is None or complaint.complainant is None:
        return {"named": False, "name": "", "confidential": False, "anonymous": True}
    confidential = is_confidential(complaint)
    shown = party == Party.COMPLAINANT or not confidential
    return {
        "named": shown,
        "name": complaint.complainant.name if shown else "",
        "confidential": confidential,
        "anonymous": False,
    }


def _respond_by(case: Case, rulebook: Rulebook, kind: str) -> Any:
    """The date the respondent's answer is due: the running clock's, or (for the notice that
    starts it, composed a moment before the clock opens) the date it will be given."""
    running = _due_on(case, "response")
    if running is not None:
        return running
    for clock in rulebook.clocks.values():
        if clock.starts_on == f"notice:{kind}" and clock.stopped_by_response:
            return due_date(clock.target, timezone.localdate(), calendar_of(case.organisation))
    return None


def _due_on(case: Case, kind: str) -> Any:
    return (
        Deadline.objects.filter(case=case, kind=kind, met_at__isnull=True)
        .values_list("due_on", flat=True)
        .first()
    )


def _suspension(case: Case, rulebook: Rulebook) -> dict[str, Any] | None:
    suspension = (
        case.suspensions.filter(
            status__in=(InterimSuspension.Status.DECIDED, InterimSuspension.Status.IN_FORCE)
        )
        .order_by("-decided_at")
        .first()
    )
    if suspension is None:
        return None
    return {
        "ground": suspension.get_ground_display(),
        "reasons": suspension.reasons,
        "review_due_on": suspension.review_due_on,
        "lapses_on": suspension.lapses_on,
        "review_every_working_days": rulebook.suspension.review_every_working_days,
    }


def _hearing(case: Case) -> dict[str, Any] | None:
    hearing = case.hearings.filter(set_aside_at__isnull=True).order_by("-starts_at").first()
    if hearing is None:
        return None
    return {
        "starts_at": timezone.localtime(hearing.starts_at),
        "place": hearing.place,
        "papers_only": hearing.papers_only,
    }


def _panel(case: Case, kind: str) -> list[str]:
    appeal = kind == "appeal_outcome" or case.stage == "appeal"
    role = CaseRole.APPEAL_PANELLIST if appeal else CaseRole.PANELLIST
    members = (
        Assignment.objects.filter(case=case, role=role, ended_at__isnull=True)
        .select_related("user")
        .order_by("assigned_at", "pk")
    )
    return [a.user.display_name for a in members]


def _sanction_label(rulebook: Rulebook, code: str) -> str:
    return next((s.label for s in rulebook.sanctions if s.code == code), code)


# The decisions a notice to a party may report. Not the internal ones: whether interim measures
# are needed (a suspension is confidential, and never the complainant's to know), whether an
# anonymous complaint can be corroborated, each party's consent to informal resolution.
DISCLOSED_DECISIONS = (
    "triage",
    "informal_resolution",
    "charging",
    "review",
    "appeal_lodged",
    "appeal_outcome",
)


def _latest_decisions(case: Case, rulebook: Rulebook) -> list[dict[str, str]]:
    latest: dict[str, dict[str, str]] = {}
    disclosed = case.decisions.filter(set_aside_at__isnull=True, kind__in=DISCLOSED_DECISIONS)
    for decision in disclosed.order_by("decided_at", "pk"):
        spec = rulebook.decisions.get(decision.kind)
        if spec is None:
            continue
        latest[decision.kind] = {
            "kind": decision.kind,
            "label": spec.label,
            "outcome": spec.outcomes.get(decision.outcome, decision.outcome),
            "reasons": decision.reasons,
        }
    return list(latest.values())


def _appeal_outcome(case: Case, rulebook: Rulebook) -> dict[str, str] | None:
    return next(
        (
            {"outcome": d["outcome"], "reasons": d["reasons"]}
            for d in _latest_decisions(case, rulebook)
            if d["kind"] == "appeal_outcome"
        ),
        None,
    )


def template_exists(kind: str) -> bool:
    try:
        get_template(f"cases/notices/{kind}.txt")
    except TemplateDoesNotExist:
        return False
    return True
