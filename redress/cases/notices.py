"""Composing the text of a notice from the case and the rulebook.

Each kind has a template in templates/cases/notices/<kind>.txt (the generic one otherwise); its
first line is the subject. Organisations may override the templates."""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, select_template
from django.utils import timezone

from redress.cases.models import Case, Deadline
from redress.rulebook.schema import Rulebook


def compose_notice(case: Case, rulebook: Rulebook, *, kind: str, party: str) -> tuple[str, str]:
    template = select_template([f"cases/notices/{kind}.txt", "cases/notices/generic.txt"])
    allegations = list(case.allegations.order_by("pk"))
    context = {
        "case": case,
        "kind": kind,
        "party": party,
        "label": rulebook.notices[kind].label,
        "stage": rulebook.stage_label(case.stage),
        "categories": [rulebook.categories[a.category].label for a in allegations],
        "allegations": [
            {
                "category": rulebook.categories[a.category].label,
                "particulars": a.particulars,
                "charged": a.charged,
                "finding": a.get_finding_display() if a.finding else "",
                "finding_reasons": a.finding_reasons,
                "sanction": _sanction_label(rulebook, a.sanction),
                "sanction_reasons": a.sanction_reasons,
                "definition": a.definition_applied,
            }
            for a in allegations
        ],
        "decisions": _latest_decisions(case, rulebook),
        "deadlines": list(
            Deadline.objects.filter(case=case, met_at__isnull=True).order_by("due_on")
        ),
        "today": timezone.localdate(),
    }
    text = template.render(context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def _sanction_label(rulebook: Rulebook, code: str) -> str:
    return next((s.label for s in rulebook.sanctions if s.code == code), code)


def _latest_decisions(case: Case, rulebook: Rulebook) -> list[dict[str, str]]:
    latest: dict[str, dict[str, str]] = {}
    for decision in case.decisions.order_by("decided_at", "pk"):
        spec = rulebook.decisions.get(decision.kind)
        if spec is None:
            continue
        latest[decision.kind] = {
            "label": spec.label,
            "outcome": spec.outcomes.get(decision.outcome, decision.outcome),
            "reasons": decision.reasons,
        }
    return list(latest.values())


def template_exists(kind: str) -> bool:
    try:
        get_template(f"cases/notices/{kind}.txt")
    except TemplateDoesNotExist:
        return False
    return True
