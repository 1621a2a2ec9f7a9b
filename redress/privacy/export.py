"""Everything Redress holds about one person, as JSON documents, with other people redacted.

The person's own data is given as held. Every other person is named only by the part they play:
`[complainant]`, `[respondent]`, `[staff]`, `[witness]`, or the capacity in which someone made a
representation. A respondent's export never carries a complainant's identity, whether or not the
complainant asked for confidentiality, and never the complaint as submitted: the allegations say
what they are accused of. Lists are in a fixed order (by time, then id), keys sorted, so two
exports of unchanged data are the same.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from django.db.models import Q, QuerySet

from redress.audit.models import AuditEvent
from redress.cases.models import (
    Allegation,
    Assignment,
    Case,
    Complaint,
    Decision,
    Hearing,
    Notice,
    Representation,
    Response,
)
from redress.people.models import Person, User
from redress.privacy.redaction import Redactor

COMPLAINANT, RESPONDENT, STAFF, WITNESS = "[complainant]", "[respondent]", "[staff]", "[witness]"
SYSTEM = "Redress"
JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
# Zip entries carry a timestamp; a fixed one keeps the archive's bytes a function of its data.
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def subject_documents(person: Person, *, request_ids: Iterable[int] = ()) -> dict[str, Any]:
    """The export's documents by file name, each a JSON-ready value."""
    complaints = list(
        Complaint.objects.filter(complainant=person).select_related("case").order_by("pk")
    )
    cases_against = list(Case.objects.filter(respondent=person).order_by("pk"))
    complained_of = _cases(c.case_id for c in complaints)
    redactor = _redactor(person, complained_of, cases_against)
    return {
        "person.json": _person(person),
        "complaints_made.json": [_complaint(c, redactor) for c in complaints],
        "cases_complained_of.json": [_case_summary(c, redactor) for c in complained_of],
        "cases_against.json": [_case_against(c, redactor) for c in cases_against],
        "notices.json": [
            _notice(n, redactor)
            for n in Notice.objects.filter(recipient=person)
            .select_related("case")
            .order_by("served_at", "pk")
        ],
        "representations.json": [
            _representation(r, redactor)
            for r in Representation.objects.filter(
                Q(case__in=[c.pk for c in (*complained_of, *cases_against)])
                | Q(made_by_person=person)
            )
            .select_related("case")
            .order_by("received_at", "pk")
        ],
        "audit_events.json": [
            _event(e, redactor)
            for e in _events_about(person, complained_of + cases_against, request_ids)
        ],
    }


def build_archive(documents: dict[str, Any], *, manifest: dict[str, Any]) -> bytes:
    """A ZIP of `manifest.json` and the documents, in name order, with fixed entry times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = {"manifest.json": manifest, **documents}
        for name in ["manifest.json", *sorted(documents)]:
            info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, orjson.dumps(entries[name], option=JSON_OPTIONS))
    return buffer.getvalue()


# --- Who is hidden as what ---------------------------------------------------------------------


def _cases(ids: Iterable[int]) -> list[Case]:
    return list(Case.objects.filter(pk__in=set(ids)).select_related("respondent").order_by("pk"))


def _redactor(person: Person, complained_of: list[Case], cases_against: list[Case]) -> Redactor:
    own = [person.name, *[str(a) for a in person.aliases or ()]]
    redactor = Redactor(subject_names=own)
    all_cases = [*complained_of, *cases_against]
    case_ids = [c.pk for c in all_cases]
    respondent_of = {c.pk: c.respondent_id for c in all_cases}
    for case in complained_of:
        if case.respondent_id != person.pk:
            _hide_person(redactor, case.respondent, RESPONDENT)
    for complaint in (
        Complaint.objects.filter(case__in=case_ids).select_related("complainant").order_by("pk")
    ):
        if complaint.complainant is not None and complaint.complainant_id != person.pk:
            _hide_person(redactor, complaint.complainant, COMPLAINANT)
        if complaint.respondent_as_named and respondent_of[complaint.case_id] != person.pk:
            redactor.hide(RESPONDENT, names=[complaint.respondent_as_named])
        for witness in _witnesses(complaint.submitted):
            redactor.hide(WITNESS, names=[witness])
    for user in _staff_on(case_ids):
        if user.person_id != person.pk:
            redactor.hide(
                STAFF,
                names=[user.get_full_name(), user.username],
                identifiers=[user.email] if user.email else [],
            )
    for representation in Representation.objects.filter(case__in=case_ids).select_related(
        "made_by_person"
    ):
        label = f"[{representation.get_position_display().lower()}]"
        redactor.hide(label, names=[representation.made_by_name])
        if representation.made_by_person is not None:
            _hide_person(redactor, representation.made_by_person, label)
    return redactor


def _hide_person(redactor: Redactor, other: Person, label: str) -> None:
    redactor.hide(
        label,
        names=[other.name, *[str(a) for a in other.aliases or ()]],
        identifiers=[i for i in (other.email, other.phone, other.membership_number) if i],
    )


def _witnesses(submitted: Any) -> list[str]:
    """Names of witnesses in a complaint as submitted (a list of names or of {"name": ...})."""
    found = submitted.get("witnesses") if isinstance(submitted, dict) else None
    if not isinstance(found, list):
        return []
    names = []
    for item in found:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return names


def _staff_on(case_ids: list[int]) -> QuerySet[User]:
    on_team = Assignment.objects.filter(case__in=case_ids).values("user_id")
    deciders = Decision.objects.filter(case__in=case_ids).values("decided_by_id")
    servers = Notice.objects.filter(case__in=case_ids).values("served_by_id")
    recorders = Representation.objects.filter(case__in=case_ids).values("recorded_by_id")
    actors = AuditEvent.objects.filter(case_id__in=case_ids).values("actor_id")
    return User.objects.filter(
        Q(pk__in=on_team)
        | Q(pk__in=deciders)
        | Q(pk__in=servers)
        | Q(pk__in=recorders)
        | Q(pk__in=actors)
    ).order_by("pk")


# --- The documents -----------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "kind": person.kind,
        "name": person.name,
        "aliases": list(person.aliases or []),
        "membership_number": person.membership_number,
        "email": person.email,
        "phone": person.phone,
        "unit": person.unit.name if person.unit_id is not None and person.unit else None,
        "public_role": person.public_role,
        "on_register_since": _time(person.created_at),
    }


def _complaint(complaint: Complaint, redactor: Redactor) -> dict[str, Any]:
    return {
        "id": complaint.pk,
        "case": complaint.case.reference,
        "received_at": _time(complaint.received_at),
        "channel": complaint.channel,
        "categories": list(complaint.categories),
        "summary": redactor.text(complaint.summary),
        "respondent_as_named": RESPONDENT,
        "submitted": redactor.value(complaint.submitted),
    }


def _case_summary(case: Case, redactor: Redactor) -> dict[str, Any]:
    """A case the person complained in: where it stands and what was decided."""
    return {
        "reference": case.reference,
        "stage": case.stage,
        "opened_at": _time(case.opened_at),
        "closed_at": _time(case.closed_at),
        "outcome": case.outcome,
        "allegations": [_allegation(a, redactor) for a in _allegations(case)],
    }


def _case_against(case: Case, redactor: Redactor) -> dict[str, Any]:
    """A case against the person: the allegations, decisions, hearings and their responses."""
    return {
        **_case_summary(case, redactor),
        "decisions": [
            _decision(d, redactor)
            for d in Decision.objects.filter(case=case).order_by("decided_at", "pk")
        ],
        "hearings": [
            {
                "starts_at": _time(h.starts_at),
                "place": redactor.text(h.place),
                "papers_only": h.papers_only,
                "held_at": _time(h.held_at),
                "record": redactor.text(h.record),
            }
            for h in Hearing.objects.filter(case=case).order_by("starts_at", "pk")
        ],
        "responses": [
            {"received_at": _time(r.received_at), "text": redactor.text(r.text)}
            for r in Response.objects.filter(case=case).order_by("received_at", "pk")
        ],
    }


def _allegations(case: Case) -> QuerySet[Allegation]:
    return Allegation.objects.filter(case=case).order_by("pk")


def _allegation(allegation: Allegation, redactor: Redactor) -> dict[str, Any]:
    return {
        "category": allegation.category,
        "particulars": redactor.text(allegation.particulars),
        "conduct_on": allegation.conduct_on.isoformat() if allegation.conduct_on else None,
        "charged": allegation.charged,
        "finding": allegation.finding,
        "finding_reasons": redactor.text(allegation.finding_reasons),
        "sanction": allegation.sanction,
        "sanction_reasons": redactor.text(allegation.sanction_reasons),
    }


def _decision(decision: Decision, redactor: Redactor) -> dict[str, Any]:
    return {
        "kind": decision.kind,
        "outcome": decision.outcome,
        "reasons": redactor.text(decision.reasons),
        "stage": decision.stage,
        "decided_at": _time(decision.decided_at),
        "decided_by": STAFF if decision.decided_by_id is not None else SYSTEM,
        "set_aside_at": _time(decision.set_aside_at),
    }


def _notice(notice: Notice, redactor: Redactor) -> dict[str, Any]:
    return {
        "case": notice.case.reference,
        "kind": notice.kind,
        "subject": redactor.text(notice.subject),
        "body": redactor.text(notice.body),
        "served_at": _time(notice.served_at),
        "emailed_at": _time(notice.emailed_at),
        "acknowledged_at": _time(notice.acknowledged_at),
    }


def _representation(representation: Representation, redactor: Redactor) -> dict[str, Any]:
    label = f"[{representation.get_position_display().lower()}]"
    return {
        "case": representation.case.reference,
        "made_by": label,
        "position": representation.position,
        "received_at": _time(representation.received_at),
        "channel": representation.channel,
        "summary": redactor.text(representation.summary),
        "content": redactor.text(representation.content),
    }


def _events_about(
    person: Person, cases: list[Case], request_ids: Iterable[int]
) -> QuerySet[AuditEvent]:
    about = Q(object_type="people.person", object_id=str(person.pk))
    about |= Q(
        object_type="privacy.subjectaccessrequest", object_id__in=[str(i) for i in request_ids]
    )
    if cases:
        about |= Q(case_id__in=[c.pk for c in cases])
    return (
        AuditEvent.objects.filter(organisation_id=person.organisation_id)
        .filter(about)
        # Time order, not chain order, so events not yet sealed are in place too.
        .order_by("occurred_at", "id")
    )


def _event(event: AuditEvent, redactor: Redactor) -> dict[str, Any]:
    data = {k: v for k, v in (event.data or {}).items() if k != "user_id"}
    return {
        "seq": event.seq,
        "occurred_at": _time(event.occurred_at),
        "actor": STAFF if event.actor_id is not None else SYSTEM,
        "action": event.action,
        "object_type": event.object_type,
        "data": redactor.value(data),
    }
