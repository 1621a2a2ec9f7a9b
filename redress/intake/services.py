"""Every change the public intake makes: a report filed or held, a held report opened, a receipt
checked, a message sent either way, evidence added.

A report that is not held is filed at once through `redress.cases.services.file_complaint`, so
its case, acknowledgement, clocks and audit events are the real ones. A held report is sealed
(see `redress.intake.escrow`) and opens, through the same function, when a second, independent
complainant names the same respondent by any of their identifiers: on this form, or in a
complaint filed by staff or through the API (`open_held_reports_for`, which `file_complaint`
calls for every complaint through `redress.cases.hooks`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import services as case_services
from redress.cases.models import Case, Channel, Complaint
from redress.evidence import services as evidence_services
from redress.evidence.models import Channel as EvidenceChannel
from redress.evidence.models import EvidenceItem
from redress.intake import escrow, evidence, receipts
from redress.intake.models import (
    EqualityResponse,
    FailedReceiptAttempt,
    HeldIdentifier,
    HeldReport,
    IntakeEvidence,
    Message,
    Receipt,
    ReportMode,
)
from redress.people.models import Organisation, Person, User
from redress.people.selectors import RegisterMatch, match_on_register
from redress.people.services import PeopleError, register_person

logger = logging.getLogger(__name__)

RECEIPT_ATTEMPTS = 5
RECEIPT_WINDOW = timedelta(minutes=15)
MESSAGE_MAX_CHARS = 10_000
MODES_WITH_RECEIPT = (ReportMode.CONFIDENTIAL, ReportMode.ANONYMOUS, ReportMode.HELD)


class IntakeError(ValueError):
    """A report or message that cannot be accepted, with a reason the person can act on."""


@dataclass
class Report:
    """A report as the public form gives it, before anything is stored."""

    mode: str
    categories: list[str]
    what_happened: str
    respondent_name: str = ""
    respondent_membership_number: str = ""
    respondent_handle: str = ""
    when: str = ""
    where: str = ""
    links: list[str] = field(default_factory=list)
    witnesses: str = ""
    outcome_wanted: str = ""
    complainant_name: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""
    files: list[evidence.Upload] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """Everything but the files, as plain JSON: what is filed, or sealed while held."""
        contact = None
        if self.complainant_email:
            contact = {
                "name": self.complainant_name.strip(),
                "email": self.complainant_email.strip(),
                "phone": self.complainant_phone.strip(),
            }
        return {
            "mode": self.mode,
            "categories": list(self.categories),
            "what_happened": self.what_happened.strip(),
            "respondent": {
                "name": self.respondent_name.strip(),
                "membership_number": self.respondent_membership_number.strip(),
                "handle": self.respondent_handle.strip(),
            },
            "when": self.when.strip(),
            "where": self.where.strip(),
            "links": list(self.links),
            "witnesses": self.witnesses.strip(),
            "outcome_wanted": self.outcome_wanted.strip(),
            "complainant": contact,
        }


@dataclass(frozen=True)
class Submitted:
    """What the person is told: their receipt (shown once), if their mode has one."""

    mode: str
    receipt: str | None


# --- Reporting ---------------------------------------------------------------------------------


def submit_report(organisation: Organisation, report: Report) -> Submitted:
    """File the report, or hold it if nobody else has held one about the same respondent. Filing
    it opens every held report about the same respondent made by someone else (see
    `open_held_reports_for`). Either all of it is stored, or nothing is."""
    _check_report(report)
    files = [_checked(upload, organisation) for upload in report.files]
    code = receipts.new_code() if report.mode in MODES_WITH_RECEIPT else None
    # Argon2 is slow on purpose: hash before any lock is taken.
    kept = (receipts.lookup_of(code), receipts.hash_code(code)) if code is not None else None
    payload = report.payload()
    match = _respondent_match(organisation, payload)
    named = _identifiers(payload["respondent"], match.person)
    reporter = escrow.reporter_digest(email=report.complainant_email, receipt=code or "")
    with transaction.atomic():
        _lock(named)
        waiting = _held_reports_naming(organisation, named, reporter=reporter)
        matched = waiting or _complained_of_by_another(match.person, reporter)
        if report.mode == ReportMode.HELD and not matched:
            held = _hold(organisation, payload, files, named, reporter)
            _issue_receipt(organisation, kept, held_report=held)
        else:
            complaint = _file(organisation, payload, files, match=match)
            if kept is not None:
                _issue_receipt(organisation, kept, complaint=complaint)
    return Submitted(mode=report.mode, receipt=receipts.grouped(code) if code else None)


def _complained_of_by_another(respondent: Person | None, reporter: str) -> bool:
    """Whether someone other than this reporter has already complained about the register's
    `respondent`: then the second naming a held report waits for has already happened, and it
    is filed at once. An earlier complaint without a complainant's address counts as another's,
    as it does when a held report is matched (`open_held_reports_for`)."""
    if respondent is None:
        return False
    emails = Complaint.objects.filter(case__respondent=respondent).values_list(
        "complainant__email", flat=True
    )
    return any(not email or escrow.reporter_digest(email=email) != reporter for email in emails)


def _check_report(report: Report) -> None:
    if report.mode not in ReportMode.values:
        raise IntakeError("choose how you want to report")
    named = report.mode in (ReportMode.NAMED, ReportMode.CONFIDENTIAL)
    if named and not (report.complainant_name.strip() and report.complainant_email.strip()):
        raise IntakeError("give your name and email address so that we can contact you")
    if bool(report.complainant_name.strip()) != bool(report.complainant_email.strip()):
        raise IntakeError("give both your name and your email address, or neither")
    if report.mode == ReportMode.ANONYMOUS and (
        report.complainant_name.strip() or report.complainant_email.strip()
    ):
        raise IntakeError("an anonymous report does not give your name or email address")
    if not (
        report.respondent_name.strip()
        or report.respondent_membership_number.strip()
        or report.respondent_handle.strip()
    ):
        raise IntakeError("say who the report is about: a name, membership number or handle")
    if len(report.files) > evidence.MAX_FILES:
        raise IntakeError(f"attach at most {evidence.MAX_FILES} files")


def _checked(upload: evidence.Upload, organisation: Organisation | int) -> evidence.CheckedFile:
    try:
        return evidence.check(upload, organisation)
    except evidence.EvidenceRefused as error:
        raise IntakeError(str(error)) from None


def _respondent_match(organisation: Organisation, payload: dict[str, Any]) -> RegisterMatch:
    given = payload["respondent"]
    return match_on_register(
        organisation,
        name=given["name"],
        membership_number=given["membership_number"],
        handle=given["handle"],
        fuzzy=True,
    )


def _identifiers(given: Mapping[str, Any], person: Person | None) -> list[escrow.Identifier]:
    """The respondent's identifiers as named (`given`: any of name, membership_number and
    handle), and as the register knows them (`person`: the confident match on the register, or
    the respondent a complaint was filed against): so "Rex Smith" in one report meets membership
    number M123 in another."""
    names = [str(given.get("name") or "")]
    numbers = [str(given.get("membership_number") or "")]
    handles = [str(given.get("handle") or "")]
    if person is not None:
        names += [person.name, *person.aliases]
        numbers.append(person.membership_number)
        handles += [a for a in person.aliases if a.startswith("@")]
    return escrow.identifiers(
        names=names,
        numbers=numbers,
        handles=handles,
        person_id=person.pk if person is not None else None,
    )


def _lock(named: list[escrow.Identifier]) -> None:
    """Serialise reports naming the same respondent, so two held reports arriving together still
    meet. Advisory locks on PostgreSQL; SQLite already runs one writer at a time."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({int(escrow.digest(i)[:15], 16) for i in named})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _held_reports_naming(
    organisation: Organisation, named: list[escrow.Identifier], *, reporter: str | None
) -> list[tuple[HeldReport, escrow.Identifier]]:
    """Held reports about the same respondent by someone other than `reporter` (by anyone, for a
    reporter who cannot be told apart from others), each with the identifier that opens it. Only
    ever called with identifiers a complainant has just given."""
    by_digest = {escrow.digest(i): i for i in named}
    rows = HeldIdentifier.objects.filter(
        digest__in=by_digest,
        held_report__organisation=organisation,
        held_report__status=HeldReport.Status.HELD,
    )
    if reporter is not None:
        rows = rows.exclude(held_report__reporter_digest=reporter)
    rows = rows.select_related("held_report").order_by("held_report_id")
    found: dict[int, tuple[HeldReport, escrow.Identifier]] = {}
    for row in rows:
        found.setdefault(row.held_report_id, (row.held_report, by_digest[row.digest]))
    return list(found.values())


def _hold(
    organisation: Organisation,
    payload: dict[str, Any],
    files: list[evidence.CheckedFile],
    named: list[escrow.Identifier],
    reporter: str,
) -> HeldReport:
    content_key = escrow.new_content_key()
    held = HeldReport.objects.create(
        organisation=organisation,
        held_on=timezone.localdate(),
        ciphertext=b"",
        reporter_digest=reporter,
    )
    sealed_files = []
    for checked in files:
        row = IntakeEvidence.objects.create(
            organisation=organisation,
            held_report=held,
            encrypted=True,
            size=0,
            stored_as=evidence.store_sealed(escrow.seal_bytes(content_key, checked.data)),
            received_on=held.held_on,
        )
        sealed_files.append(
            {
                "id": row.pk,
                "name": checked.name,
                "content_type": checked.content_type,
                "sha256": checked.sha256,
                "size": len(checked.data),
            }
        )
    held.ciphertext = escrow.seal(content_key, {**payload, "files": sealed_files})
    held.save(update_fields=["ciphertext"])
    HeldIdentifier.objects.bulk_create(
        HeldIdentifier(
            held_report=held,
            digest=escrow.digest(identifier),
            wrapped_key=escrow.wrap(content_key, identifier),
        )
        for identifier in named
    )
    record_event(
        organisation=organisation,
        actor=None,
        action="intake.report_held",
        target=held,
        data={"files": len(files)},
    )
    return held


def _file(
    organisation: Organisation,
    payload: dict[str, Any],
    files: list[evidence.CheckedFile],
    *,
    match: RegisterMatch,
    held_on: date | None = None,
) -> Complaint:
    given = payload["respondent"]
    as_named = given["name"] or given["handle"] or given["membership_number"]
    anonymous = payload["complainant"] is None
    submitted = {
        "mode": payload["mode"],
        "when": payload["when"],
        "where": payload["where"],
        "links": payload["links"],
        "witnesses": payload["witnesses"],
        "outcome_wanted": payload["outcome_wanted"],
        "respondent": given,
        "respondent_on_register": match.confident,
        "respondent_match": match.how if match.confident else "not_on_register",
        "identity_confidential": payload["mode"] in (ReportMode.CONFIDENTIAL, ReportMode.HELD)
        and not anonymous,
    }
    if held_on is not None:
        submitted["held_since"] = held_on.isoformat()
    try:
        with transaction.atomic():
            respondent = match.person or _register_outsider(organisation, given)
            complainant = None if anonymous else _complainant(organisation, payload["complainant"])
            complaint = case_services.file_complaint(
                organisation,
                categories=payload["categories"],
                summary=payload["what_happened"],
                respondent=respondent,
                complainant=complainant,
                anonymous=anonymous,
                channel=Channel.WEB,
                respondent_as_named=as_named[:300],
                submitted=submitted,
            )
    except (case_services.CaseError, PeopleError) as error:
        raise IntakeError(str(error)) from None
    for checked in files:
        _keep_file(complaint, checked)
    return complaint


def _register_outsider(organisation: Organisation, given: dict[str, str]) -> Person:
    """A respondent nobody on the register matches with confidence: a new person, marked as
    outside the register (kind external, no membership number) for the case officer to check."""
    name = given["name"] or given["handle"] or f"Membership number {given['membership_number']}"
    return register_person(
        organisation=organisation, name=name[:200], kind=Person.Kind.EXTERNAL, actor=None
    )


def _complainant(organisation: Organisation, contact: dict[str, str]) -> Person:
    """The named complainant: the one person on the register with this email, or a new one."""
    known = list(organisation.people.filter(email__iexact=contact["email"]).order_by("pk")[:2])
    if len(known) == 1:
        return known[0]
    return register_person(
        organisation=organisation,
        name=contact["name"][:200],
        kind=Person.Kind.EXTERNAL,
        email=contact["email"],
        phone=contact["phone"],
        actor=None,
    )


def _keep_file(complaint: Complaint, checked: evidence.CheckedFile) -> IntakeEvidence:
    item = _evidence_item(complaint, checked)
    row = IntakeEvidence.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        stored_as=f"sha256/{checked.sha256}",
        received_on=timezone.localdate(),
        item=item,
    )
    record_event(
        organisation=complaint.organisation_id,
        actor=None,
        action="intake.evidence_received",
        target=row,
        case_id=complaint.case_id,
        data={"sha256": checked.sha256, "size": row.size, "content_type": row.content_type},
    )
    return row


def _evidence_item(complaint: Complaint, checked: evidence.CheckedFile) -> EvidenceItem:
    """The file as an item of the evidence store, on the complaint's case."""
    label = "anonymous complainant" if complaint.anonymous else "complainant"
    return evidence_services.keep_intake_file(
        complaint, checked, channel=EvidenceChannel.INTAKE, label=f"{label}, public report form"
    )


def _issue_receipt(
    organisation: Organisation,
    kept: tuple[str, str] | None,
    *,
    complaint: Complaint | None = None,
    held_report: HeldReport | None = None,
) -> None:
    """Keep a receipt as its lookup and Argon2 hash; the code itself is never stored."""
    assert kept is not None, "a held report always has a receipt"
    lookup, code_hash = kept
    Receipt.objects.create(
        organisation=organisation,
        lookup=lookup,
        code_hash=code_hash,
        complaint=complaint,
        held_report=held_report,
        issued_on=timezone.localdate(),
    )


# --- Opening held reports ----------------------------------------------------------------------


def open_held_reports_for(complaint: Complaint) -> None:
    """Open every held report that names the complaint's respondent and was made by someone
    other than its complainant: the escrow's one rule, for a complaint filed on any channel (this
    public form, the staff pages, the API). `file_complaint` calls it inside its transaction
    (registered in `IntakeConfig.ready`).

    The respondent is known by the identifiers the complaint gave and by their record on the
    register. The complainant is the held report's own reporter if they have the same email
    address; an anonymous complainant, or one without an address, cannot be, and so counts as
    independent (as a new anonymous report on the public form does)."""
    if "held_since" in (complaint.submitted or {}):
        # A held report being opened: it was matched already, and must not open itself again.
        return
    given = (complaint.submitted or {}).get("respondent")
    named = _identifiers(given if isinstance(given, dict) else {}, complaint.case.respondent)
    complainant = complaint.complainant
    reporter = (
        escrow.reporter_digest(email=complainant.email)
        if complainant is not None and complainant.email
        else None
    )
    _lock(named)
    for held, identifier in _held_reports_naming(complaint.organisation, named, reporter=reporter):
        _open_safely(held, identifier)


def _open_safely(held: HeldReport, identifier: escrow.Identifier) -> None:
    """Open one held report; if it cannot be filed (say its complainant is now the respondent),
    it stays held and the report that matched it is still stored."""
    try:
        with transaction.atomic():
            open_held_report(held, identifier)
    except (IntakeError, escrow.EscrowError) as error:
        logger.warning("held report %s could not be opened: %s", held.pk, type(error).__name__)


def open_held_report(held: HeldReport, identifier: escrow.Identifier) -> Complaint:
    """File a held report as a complaint, now that a second complainant has named its
    respondent by `identifier`. Its files are decrypted into the intake store, its escrow rows
    removed, its receipt pointed at the complaint."""
    locked = HeldReport.objects.select_for_update().get(pk=held.pk)
    if locked.status != HeldReport.Status.HELD:
        raise IntakeError("that held report has already been opened")
    row = HeldIdentifier.objects.filter(held_report=locked, digest=escrow.digest(identifier))
    wrapped = row.values_list("wrapped_key", flat=True).first()
    if wrapped is None:
        raise escrow.EscrowError("that identifier does not name this held report's respondent")
    content_key = escrow.unwrap(bytes(wrapped), identifier)
    payload = escrow.open_sealed(content_key, bytes(locked.ciphertext))
    organisation = locked.organisation
    complaint = _file(
        organisation,
        payload,
        [],
        match=_respondent_match(organisation, payload),
        held_on=locked.held_on,
    )
    _unseal_files(locked, complaint, content_key, payload.get("files", []))
    HeldIdentifier.objects.filter(held_report=locked).delete()
    locked.status = HeldReport.Status.OPENED
    locked.opened_at = timezone.now()
    locked.complaint = complaint
    locked.ciphertext = b""
    locked.save(update_fields=["status", "opened_at", "complaint", "ciphertext"])
    Receipt.objects.filter(held_report=locked).update(complaint=complaint)
    record_event(
        organisation=organisation,
        actor=None,
        action="intake.held_report_opened",
        target=locked,
        case_id=complaint.case_id,
        data={"complaint_id": complaint.pk, "held_on": locked.held_on},
    )
    return complaint


def _unseal_files(
    held: HeldReport, complaint: Complaint, content_key: bytes, described: list[dict[str, Any]]
) -> None:
    rows = {row.pk: row for row in IntakeEvidence.objects.filter(held_report=held)}
    for item in described:
        row = rows.get(item["id"])
        if row is None:
            continue
        data = escrow.open_bytes(content_key, evidence.read_sealed(row.stored_as))
        checked = evidence.CheckedFile(
            name=item["name"], data=data, content_type=item["content_type"], sha256=item["sha256"]
        )
        sealed_name = row.stored_as
        row.complaint = complaint
        row.encrypted = False
        row.original_name = checked.name
        row.content_type = checked.content_type
        row.size = len(data)
        row.sha256 = checked.sha256
        row.stored_as = f"sha256/{checked.sha256}"
        row.item = _evidence_item(complaint, checked)
        row.save()
        transaction.on_commit(lambda name=sealed_name: evidence.delete_sealed(name))  # type: ignore[misc]
        record_event(
            organisation=complaint.organisation_id,
            actor=None,
            action="intake.evidence_received",
            target=row,
            case_id=complaint.case_id,
            data={"sha256": row.sha256, "size": row.size, "content_type": row.content_type},
        )


# --- Equality monitoring -----------------------------------------------------------------------


def record_equality_answers(organisation: Organisation, answers: dict[str, str]) -> None:
    """Keep voluntary equality monitoring answers apart from any complaint.

    Not written to the audit log on purpose: an audit event sits in the chain next to the
    complaint's own, and would link the answers to the complainant, which this table exists to
    prevent. Only the month is kept, so the row's time cannot be lined up with a complaint's.
    """
    given = {key: value for key, value in answers.items() if value}
    if not given:
        return
    today = timezone.localdate()
    EqualityResponse.objects.create(
        organisation=organisation, month=today.replace(day=1), answers=given
    )


# --- Receipts ----------------------------------------------------------------------------------


def check_receipt(organisation: Organisation, *, entered: str, client: str) -> Receipt | None:
    """The receipt `entered` opens, or None: for a wrong code, for a code of another
    organisation, and (always) once the client or the code's lookup has failed too often
    recently. Exactly one Argon2 verification runs in every case, so the answer takes as long
    whether or not a receipt exists; failures are counted in the database, for every process."""
    code = receipts.normal_code(entered)
    lookup = receipts.lookup_of(code)
    client_digest = escrow.keyed_hash("receipt-client", client.encode())
    now = timezone.now()
    if _too_many_failures(client_digest, lookup, now):
        receipts.verify(None, code)
        return None
    candidates = list(Receipt.objects.filter(organisation=organisation, lookup=lookup)[:3])
    found = next((c for c in candidates if receipts.verify(c.code_hash, code)), None)
    if not candidates:
        receipts.verify(None, code)
    if found is None:
        FailedReceiptAttempt.objects.create(client_digest=client_digest, lookup=lookup, at=now)
        FailedReceiptAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return found


def _too_many_failures(client_digest: str, lookup: str, now: Any) -> bool:
    since = now - RECEIPT_WINDOW
    recent = FailedReceiptAttempt.objects.filter(at__gte=since)
    return (
        recent.filter(client_digest=client_digest).count() >= RECEIPT_ATTEMPTS
        or recent.filter(lookup=lookup).count() >= RECEIPT_ATTEMPTS
    )


# --- Messages and later evidence ---------------------------------------------------------------


def send_message_to_complainant(complaint: Complaint, *, body: str, actor: User) -> Message:
    """The case officer writes to the complainant, who reads it on the status page."""
    body = _message_text(body)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=complaint.case_id)
        case_services.require_role(case, ("officer",), actor)
        message = Message.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            complaint=complaint,
            direction=Message.Direction.TO_COMPLAINANT,
            body=body,
            sent_at=timezone.now(),
            sent_by=actor,
        )
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="intake.message_sent",
            target=message,
            case_id=case.pk,
            data={"complaint_id": complaint.pk},
        )
    return message


def record_complainant_message(receipt: Receipt, *, body: str) -> Message:
    """The complainant's message or reply, sent from the status page with their receipt."""
    body = _message_text(body)
    complaint = _opened(receipt)
    with transaction.atomic():
        message = Message.objects.create(
            organisation_id=complaint.organisation_id,
            case_id=complaint.case_id,
            complaint=complaint,
            direction=Message.Direction.FROM_COMPLAINANT,
            body=body,
            sent_at=timezone.now(),
        )
        record_event(
            organisation=complaint.organisation_id,
            actor=None,
            action="intake.message_received",
            target=message,
            case_id=complaint.case_id,
            data={"complaint_id": complaint.pk},
        )
    return message


def add_evidence(receipt: Receipt, *, files: list[evidence.Upload]) -> list[IntakeEvidence]:
    """Files the complainant adds later with their receipt."""
    complaint = _opened(receipt)
    if not files:
        raise IntakeError("choose a file to add")
    if len(files) > evidence.MAX_FILES:
        raise IntakeError(f"add at most {evidence.MAX_FILES} files at a time")
    checked = [_checked(upload, complaint.organisation_id) for upload in files]
    with transaction.atomic():
        return [_keep_file(complaint, item) for item in checked]


def _opened(receipt: Receipt) -> Complaint:
    receipt.refresh_from_db(fields=["complaint"])
    if receipt.complaint is None:
        raise IntakeError(
            "your report is still held; you can send messages and add files once it is opened"
        )
    return receipt.complaint


def _message_text(body: str) -> str:
    body = body.strip()
    if not body:
        raise IntakeError("write your message")
    if len(body) > MESSAGE_MAX_CHARS:
        raise IntakeError(f"a message can be at most {MESSAGE_MAX_CHARS:,} characters")
    return body
