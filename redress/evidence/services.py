"""Every change to the evidence store, and every access to what it holds, each in one transaction
with its audit event: the audit log is the chain of custody.

A file is checked whole before anything is written (checks.check_upload). If anything fails
after its bytes reached the disk, the transaction rolls back and a file written for it alone is
removed again, so a refused or failed upload leaves no file and no row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import services as case_services
from redress.cases.models import Allegation, Case, Complaint
from redress.evidence import chats, checks, disclosure, selectors, store
from redress.evidence.checks import EvidenceRefused
from redress.evidence.models import (
    Channel,
    ChatExport,
    ChatMessage,
    EvidenceItem,
    ReliedOnMessage,
    StoredFile,
)
from redress.people.models import Organisation, User

# Who on a case's team adds evidence and chooses the messages an allegation relies on.
EVIDENCE_HANDLERS = ("officer", "investigator")
MESSAGE_BATCH = 5_000


class EvidenceError(ValueError):
    """A request about evidence that cannot be carried out, with a reason a person can act on."""


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name as given and its bytes."""

    name: str
    data: bytes


def check(organisation: Organisation | int, upload: Upload) -> checks.CheckedFile:
    """The upload checked against the organisation's limits; EvidenceRefused if it fails."""
    return checks.check_upload(upload.name, upload.data, selectors.limits_for(organisation))


def add_evidence(
    case: Case,
    *,
    upload: Upload,
    actor: User,
    description: str = "",
    chat_export: bool = False,
) -> EvidenceItem:
    """A member of the case's team adds a file to the case; with `chat_export`, it is read as a
    chat export too, and refused whole if it cannot be."""
    case_services.require_role(case, EVIDENCE_HANDLERS, actor)
    checked = check(case.organisation_id, upload)
    chat = _read_chat(checked) if chat_export else None
    with _keeping() as writes:
        item = _new_item(
            writes,
            checked,
            case=case,
            complaint=None,
            channel=Channel.STAFF,
            actor=actor,
            label=f"staff: {actor.username}",
            description=description,
        )
        if chat is not None:
            _import(item, chat, actor=actor, writes=writes)
    return item


def keep_intake_file(
    complaint: Complaint, checked: checks.CheckedFile, *, channel: str, label: str
) -> EvidenceItem:
    """A file given with a complaint through the public form or the portal (already checked),
    kept in the store as evidence on the complaint's case."""
    with _keeping() as writes:
        return _new_item(
            writes,
            checked,
            case=complaint.case,
            complaint=complaint,
            channel=channel,
            actor=None,
            label=label,
            description="",
        )


def import_chat(item: EvidenceItem, *, actor: User) -> ChatExport:
    """Read an item already on a case as a chat export, message by message."""
    if item.case is None:
        raise EvidenceError("only evidence on a case can be read as a chat")
    if item.case is None:
        raise EvidenceError("only evidence on a case is disclosed to its parties or panel")
    case_services.require_role(item.case, EVIDENCE_HANDLERS, actor)
    if ChatExport.objects.filter(item=item).exists():
        raise EvidenceError("this file has already been read as a chat")
    data = store.read(item.file.sha256)
    try:
        chat = chats.read_chat(data, name=item.original_name)
    except chats.ChatUnreadable as error:
        raise EvidenceError(str(error)) from None
    with _keeping() as writes:
        return _import(item, chat, actor=actor, writes=writes)


def read_original(item: EvidenceItem, *, actor: User) -> bytes:
    """The sealed original, for the case's team; the reading is recorded."""
    data = store.read(item.file.sha256)
    record_event(
        organisation=item.organisation_id,
        actor=actor,
        action="evidence.original_read",
        target=item,
        case_id=item.case_id,
        data={"sha256": item.file.sha256},
    )
    return data


def disclose(item: EvidenceItem, *, actor: User | None, to: str) -> bytes:
    """A copy for another party (`to`: the respondent, the complainant, the panel), metadata
    removed; the disclosure and the copy's own hash are recorded. Disclosing is an act on the
    case, for its evidence handlers: oversight reads the original, and discloses nothing."""
    if item.case is None:
        raise EvidenceError("only evidence on a case is disclosed to its parties or panel")
    case_services.require_role(item.case, EVIDENCE_HANDLERS, actor)
    copy = disclosure.stripped_copy(store.read(item.file.sha256), item.file.content_type)
    record_event(
        organisation=item.organisation_id,
        actor=actor,
        action="evidence.disclosed",
        target=item,
        case_id=item.case_id,
        data={"sha256": item.file.sha256, "copy_sha256": store.sha256_of(copy), "to": to},
    )
    return copy


def rely_on_message(allegation: Allegation, message: ChatMessage, *, actor: User) -> None:
    """Mark a chat message as one the allegation relies on (a no-op if it already is)."""
    if message.case_id != allegation.case_id:
        raise EvidenceError("the message is not evidence on this allegation's case")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=allegation.case_id)
        case_services.require_role(case, EVIDENCE_HANDLERS, actor)
        _, created = ReliedOnMessage.objects.get_or_create(
            allegation=allegation,
            message=message,
            defaults={
                "organisation_id": case.organisation_id,
                "selected_by": actor,
                "selected_at": timezone.now(),
            },
        )
        if created:
            record_event(
                organisation=case.organisation_id,
                actor=actor,
                action="evidence.message_relied_on",
                target=message,
                case_id=case.pk,
                data={"allegation_id": allegation.pk},
            )


def stop_relying_on_message(allegation: Allegation, message: ChatMessage, *, actor: User) -> None:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=allegation.case_id)
        case_services.require_role(case, EVIDENCE_HANDLERS, actor)
        removed, _ = ReliedOnMessage.objects.filter(allegation=allegation, message=message).delete()
        if removed:
            record_event(
                organisation=case.organisation_id,
                actor=actor,
                action="evidence.message_not_relied_on",
                target=message,
                case_id=case.pk,
                data={"allegation_id": allegation.pk},
            )


def record_bundle_export(case: Case, *, actor: User | None, sha256: str, pages: int) -> None:
    """The hearing bundle left the system: who took it, and the hash of what they took."""
    record_event(
        organisation=case.organisation_id,
        actor=actor,
        action="evidence.bundle_exported",
        target=case,
        case_id=case.pk,
        data={"sha256": sha256, "pages": pages},
    )


# --- Inside the transaction ----------------------------------------------------------------------


class _Writes:
    """The files one transaction wrote to the store, to remove again if it fails."""

    def __init__(self) -> None:
        self.new: list[str] = []

    def put(self, data: bytes) -> None:
        sha256, written = store.put(data)
        if written:
            self.new.append(sha256)


@contextlib.contextmanager
def _keeping() -> Iterator[_Writes]:
    """One transaction for the rows, and the files it writes; if it fails, every file written for
    it alone is removed again (a file another row already holds stays)."""
    writes = _Writes()
    try:
        with transaction.atomic():
            yield writes
    except BaseException:
        for sha256 in writes.new:
            if not StoredFile.objects.filter(sha256=sha256).exists():
                store.discard(sha256)
        raise


def _stored_file(organisation_id: int, checked: checks.CheckedFile, writes: _Writes) -> StoredFile:
    """The organisation's row for the file, its bytes written first if they are not yet kept."""
    writes.put(checked.data)
    existing = StoredFile.objects.filter(
        organisation_id=organisation_id, sha256=checked.sha256
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                organisation_id=organisation_id,
                sha256=checked.sha256,
                size=checked.size,
                content_type=checked.content_type,
                width=checked.width,
                height=checked.height,
                stored_at=timezone.now(),
            )
    except IntegrityError:  # stored by a concurrent upload of the same file
        return StoredFile.objects.get(organisation_id=organisation_id, sha256=checked.sha256)


def _new_item(
    writes: _Writes,
    checked: checks.CheckedFile,
    *,
    case: Case | None,
    complaint: Complaint | None,
    channel: str,
    actor: User | None,
    label: str,
    description: str,
) -> EvidenceItem:
    holder = case if case is not None else complaint
    assert holder is not None, "evidence belongs to a case or a complaint"
    organisation_id = holder.organisation_id
    stored = _stored_file(organisation_id, checked, writes)
    item = EvidenceItem.objects.create(
        organisation_id=organisation_id,
        case=case,
        complaint=complaint,
        file=stored,
        original_name=checked.name,
        description=description.strip()[:300],
        channel=channel,
        supplied_by=actor,
        supplied_by_label=label[:100],
        received_at=timezone.now(),
    )
    record_event(
        organisation=organisation_id,
        actor=actor,
        action="evidence.received",
        target=item,
        case_id=case.pk if case is not None else None,
        data={
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "channel": channel,
        },
    )
    return item


def _read_chat(checked: checks.CheckedFile) -> chats.Chat:
    if checked.content_type not in ("text/plain", "application/zip"):
        raise EvidenceRefused(
            f"“{checked.name}” is {checks.DESCRIPTIONS.get(checked.content_type, 'a file')}, "
            "not a chat export (a WhatsApp .txt or ZIP, Telegram JSON or CSV)"
        )
    try:
        return chats.read_chat(checked.data, name=checked.name)
    except chats.ChatUnreadable as error:
        raise EvidenceRefused(f"“{checked.name}” cannot be read as a chat: {error}") from None


def _import(item: EvidenceItem, chat: chats.Chat, *, actor: User, writes: _Writes) -> ChatExport:
    assert item.case_id is not None
    attachments = _keep_attachments(item, chat, writes)
    export = ChatExport.objects.create(
        organisation_id=item.organisation_id,
        item=item,
        format=chat.format,
        date_order=chat.date_order,
        message_count=len(chat.messages),
        senders=chat.senders(),
        missing_attachments=chat.missing_attachments(),
        imported_at=timezone.now(),
    )
    zone = timezone.get_current_timezone()
    batch: list[ChatMessage] = []
    for position, message in enumerate(chat.messages, start=1):
        sent_at = datetime.fromisoformat(message.timestamp)
        batch.append(
            ChatMessage(
                organisation_id=item.organisation_id,
                case_id=item.case_id,
                export=export,
                position=position,
                sent_at=sent_at if sent_at.tzinfo else timezone.make_aware(sent_at, zone),
                sender=(message.sender or "")[:200],
                text=message.text,
                kind=message.kind,
                attachment_name=(message.attachment or "")[:200],
                attachment=attachments.get(message.attachment or ""),
            )
        )
        if len(batch) >= MESSAGE_BATCH:
            ChatMessage.objects.bulk_create(batch)
            batch = []
    ChatMessage.objects.bulk_create(batch)
    record_event(
        organisation=item.organisation_id,
        actor=actor,
        action="evidence.chat_imported",
        target=item,
        case_id=item.case_id,
        data={
            "format": chat.format,
            "messages": len(chat.messages),
            "attachments_missing": len(export.missing_attachments),
        },
    )
    return export


def _keep_attachments(
    item: EvidenceItem, chat: chats.Chat, writes: _Writes
) -> dict[str, StoredFile]:
    """The files of a chat's ZIP that its messages name, kept in the store beside it."""
    named = {m.attachment for m in chat.messages if m.attachment}
    kept: dict[str, StoredFile] = {}
    for name, data in chat.files.items():
        if name not in named or not data:
            continue
        content_type = checks.sniff(data) or "application/octet-stream"
        checked = checks.CheckedFile(
            name=name, data=data, content_type=content_type, sha256=store.sha256_of(data)
        )
        kept[name] = _stored_file(item.organisation_id, checked, writes)
    return kept
