"""Sending a case back to go round again: a reviewer's veto, or an appeal that orders a rehearing.

The case is then decided afresh from the stage it returns to. What was decided, served or heard
at that stage or a later one stays on the record, marked as set aside, and no longer counts for
the rulebook's guards: the new panel must hold its own hearing and make its own findings, and a
party must lodge a new appeal if they want one. Earlier steps (the charges, the respondent's
answer, whether they asked for a hearing) still stand. The panel that heard the case does not
hear it again.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.models import Allegation, Assignment, Case, CaseRole, Decision, Hearing, Notice
from redress.people.models import User
from redress.rulebook.schema import Rulebook

# The stages at which the services let a panel hear a case and make its findings.
HEARING_STAGE = "hearing"
FINDING_STAGE = "decision"


def set_aside_from(case: Case, rulebook: Rulebook, *, stage: str, actor: User | None) -> None:
    """Set aside everything the case did at `stage` or later, in the caller's transaction."""
    redone = rulebook.stages_from(stage)
    now = timezone.now()
    decisions = Decision.objects.filter(case=case, stage__in=redone, set_aside_at__isnull=True)
    notices = Notice.objects.filter(case=case, stage__in=redone, set_aside_at__isnull=True)
    summary: dict[str, object] = {
        "back_to": stage,
        "decisions": decisions.update(set_aside_at=now),
        "notices": notices.update(set_aside_at=now),
    }
    if HEARING_STAGE in redone:
        summary["hearings"] = Hearing.objects.filter(case=case, set_aside_at__isnull=True).update(
            set_aside_at=now
        )
        summary["panellists_stood_down"] = _stand_down_panel(case, now)
    if FINDING_STAGE in redone:
        summary["findings"] = _set_aside_findings(case)
    record_event(
        organisation=case.organisation_id,
        actor=actor,
        action="case.round_set_aside",
        target=case,
        case_id=case.pk,
        data=summary,
    )


def _stand_down_panel(case: Case, now: datetime) -> list[int]:
    panel = Assignment.objects.filter(case=case, role=CaseRole.PANELLIST, ended_at__isnull=True)
    members = list(panel.values_list("user_id", flat=True))
    panel.update(ended_at=now, stood_down=True)
    return members


def _set_aside_findings(case: Case) -> list[dict[str, object]]:
    """Clear each allegation's finding and sanction, returning the old ones for the audit log,
    which keeps them."""
    decided = case.allegations.exclude(finding="").order_by("pk")
    earlier = [
        {
            "allegation_id": allegation.pk,
            "finding": allegation.finding,
            "finding_reasons": allegation.finding_reasons,
            "sanction": allegation.sanction,
            "sanction_reasons": allegation.sanction_reasons,
        }
        for allegation in decided
    ]
    Allegation.objects.filter(pk__in=[a.pk for a in decided]).update(
        finding="", finding_reasons="", sanction="", sanction_reasons=""
    )
    return earlier
