"""Which action forms the case page offers to whom, and each form built the same way for the
page and for the POST that answers it.

Who may use a form is read from the same constants and rulebook entries the services enforce, so
a rule lives in one place; the service still checks it on POST. Each form's key is its HTML id
prefix and the name a bound copy (with errors) is shown under in place of the blank one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.forms import Form
from django.utils import timezone

from redress.cases import services, suspensions
from redress.cases.facts import RESPONSE_CLOCK
from redress.cases.forms import (
    AllegationForm,
    AssignForm,
    ChargeForm,
    ConfirmForm,
    DecisionForm,
    ExtensionForm,
    FindingForm,
    HearingForm,
    HearingHeldForm,
    NoticeForm,
    ResponseForm,
    SuspensionForm,
    SuspensionReviewForm,
)
from redress.cases.models import (
    Allegation,
    Case,
    Deadline,
    Decision,
    Hearing,
    InterimSuspension,
)
from redress.people.models import User
from redress.rulebook.schema import Rulebook
from redress.rulebook.workflow import Actor

Data = Any  # request.POST, or None for a blank form


def form_key(form: Form) -> str:
    """The form's HTML id on the page, from the id prefix it was built with."""
    return str(form.auto_id).removesuffix("-%s")


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the case page, and the case's rulebook: what every offer depends on."""

    case: Case
    rulebook: Rulebook
    actor: Actor
    user: User

    def plays(self, roles: Iterable[str]) -> bool:
        return self.actor.case_role is not None and self.actor.case_role in tuple(roles)

    def at(self, stages: Iterable[str]) -> bool:
        return self.case.is_open and self.case.stage in tuple(stages)


# --- Who may -----------------------------------------------------------------------------------


def may_assign(viewer: Viewer) -> bool:
    return viewer.case.is_open and any(viewer.user.has_role(r) for r in services.ASSIGNERS)


def may_add_allegation(viewer: Viewer) -> bool:
    return viewer.at(services.ALLEGATION_STAGES) and viewer.plays(services.ALLEGATION_ADDERS)


def may_charge(viewer: Viewer) -> bool:
    return viewer.at(services.CHARGING_STAGES) and viewer.plays(services.CHARGERS)


def may_find(viewer: Viewer, allegation: Allegation) -> bool:
    finds = viewer.at(services.FINDING_STAGES) and viewer.plays(services.FINDERS)
    return finds and bool(allegation.charged)


def may_record_response(viewer: Viewer) -> bool:
    return viewer.at(services.RESPONSE_STAGES) and viewer.plays(services.RESPONSE_RECORDERS)


def may_extend_response(
    viewer: Viewer, deadlines: Iterable[Deadline], decisions: Iterable[Decision]
) -> bool:
    """While the respondent's time to answer runs and the rulebook's extensions are not used up."""
    if not viewer.case.is_open or not viewer.plays(services.RESPONSE_EXTENDERS):
        return False
    running = any(d.kind == RESPONSE_CLOCK for d in deadlines)
    granted = sum(1 for d in decisions if d.kind == "response_extension")
    return running and granted < viewer.rulebook.response_extension.times


def may_schedule_hearing(viewer: Viewer) -> bool:
    return viewer.at(services.HEARING_STAGES) and viewer.plays(services.HEARING_SCHEDULERS)


def may_record_hearing(viewer: Viewer, hearing: Hearing) -> bool:
    """Once the hearing has started, until its record is written."""
    records = viewer.at(services.HEARING_STAGES) and viewer.plays(services.HEARING_RECORDERS)
    pending = hearing.held_at is None and hearing.set_aside_at is None
    return records and pending and hearing.starts_at <= timezone.now()


def may_decide_suspension(viewer: Viewer, live: InterimSuspension | None) -> bool:
    deciders = viewer.rulebook.suspension.decided_by
    return viewer.case.is_open and viewer.plays(deciders) and live is None


def may_manage_suspension(viewer: Viewer, suspension: InterimSuspension) -> bool:
    """Serve, review or lift: the role that decides suspensions, while this one is live."""
    live = suspension.status in suspensions.LIVE
    return live and viewer.plays(viewer.rulebook.suspension.decided_by)


def may_extend_suspension(viewer: Viewer, suspension: InterimSuspension) -> bool:
    in_force = suspension.status == InterimSuspension.Status.IN_FORCE
    return in_force and viewer.plays(suspensions.EXTENDERS)


# --- The forms ---------------------------------------------------------------------------------


def decision_form(kind: str, rulebook: Rulebook, data: Data = None) -> DecisionForm:
    outcomes = list(rulebook.decisions[kind].outcomes.items())
    return DecisionForm(data, outcomes=outcomes, auto_id=f"decision-{kind}-%s")


def notice_form(rulebook: Rulebook, data: Data = None) -> NoticeForm:
    kinds = [(code, spec.label) for code, spec in rulebook.notices.items()]
    return NoticeForm(data, kinds=kinds, auto_id="notice-%s")


def assign_form(candidates: list[tuple[str, list[User]]], data: Data = None) -> AssignForm:
    return AssignForm(data, candidates=candidates, auto_id="assign-%s")


def allegation_form(data: Data = None) -> AllegationForm:
    return AllegationForm(data, auto_id="allegation-%s")


def charge_form(allegation: Allegation, data: Data = None) -> ChargeForm:
    initial = {}
    if allegation.charged is not None:
        initial["charged"] = "yes" if allegation.charged else "no"
    return ChargeForm(data, initial=initial, auto_id=f"charge-{allegation.pk}-%s")


def finding_form(allegation: Allegation, rulebook: Rulebook, data: Data = None) -> FindingForm:
    sanctions = [(s.code, s.label) for s in rulebook.sanctions]
    labels = {s.code: s.label.lower() for s in rulebook.sanctions}
    conducts = [
        (row.code, f"{row.conduct} ({labels[row.lowest]} to {labels[row.highest]})")
        for row in rulebook.guidance_for(allegation.category)
    ]
    return FindingForm(
        data, sanctions=sanctions, conducts=conducts, auto_id=f"finding-{allegation.pk}-%s"
    )


def response_form(data: Data = None) -> ResponseForm:
    return ResponseForm(data, auto_id="response-%s")


def extension_form(rulebook: Rulebook, data: Data = None) -> ExtensionForm:
    limit = rulebook.response_extension.max_working_days
    return ExtensionForm(data, max_working_days=limit, auto_id="extension-%s")


def hearing_form(data: Data = None) -> HearingForm:
    return HearingForm(data, auto_id="hearing-%s")


def hearing_held_form(hearing: Hearing, data: Data = None) -> HearingHeldForm:
    return HearingHeldForm(data, auto_id=f"held-{hearing.pk}-%s")


def suspension_form(data: Data = None) -> SuspensionForm:
    return SuspensionForm(data, auto_id="suspension-%s")


def serve_suspension_form(suspension: InterimSuspension, data: Data = None) -> ConfirmForm:
    return ConfirmForm(data, auto_id=f"serve-{suspension.pk}-%s")


def suspension_review_form(
    suspension: InterimSuspension, data: Data = None
) -> SuspensionReviewForm:
    in_force = suspension.status == InterimSuspension.Status.IN_FORCE
    return SuspensionReviewForm(data, in_force=in_force, auto_id=f"review-{suspension.pk}-%s")


def suspension_extension_form(suspension: InterimSuspension, data: Data = None) -> ExtensionForm:
    limit = suspensions.MAX_EXTENSION_WORKING_DAYS
    return ExtensionForm(data, max_working_days=limit, auto_id=f"extend-{suspension.pk}-%s")
