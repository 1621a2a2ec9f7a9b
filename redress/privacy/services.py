"""Subject access requests: received, given a due date, answered with an archive. Each step is
one transaction with its audit event."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.lib.workdays import add_calendar_months
from redress.people.models import Person, StaffRole, User
from redress.privacy.export import build_archive, subject_documents
from redress.privacy.models import SubjectAccessRequest

# UK GDPR art. 12(3): without undue delay and at the latest within one month of receipt.
MONTHS_TO_ANSWER = 1
# Oversight reads everything, and an administrator keeps the register: either may answer.
HANDLERS = (StaffRole.OVERSIGHT, StaffRole.ADMIN)


class SubjectAccessRefused(ValueError):
    """A subject access step that cannot be taken, with a reason a person can act on."""


def may_handle(user: User) -> bool:
    return (
        user.is_active
        and user.organisation_id is not None
        and any(user.has_role(role) for role in HANDLERS)
    )


def receive_subject_access_request(
    person: Person, *, actor: User | None, received_at: datetime | None = None
) -> SubjectAccessRequest:
    """Log a person's request for their data; it is due one calendar month from receipt."""
    if actor is not None and (
        not may_handle(actor) or actor.organisation_id != person.organisation_id
    ):
        raise SubjectAccessRefused("only oversight or an administrator handles subject access")
    received_at = received_at or timezone.now()
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            received_at=received_at,
            due_on=add_calendar_months(timezone.localdate(received_at), MONTHS_TO_ANSWER),
            requested_by=actor,
        )
        record_event(
            organisation=person.organisation_id,
            actor=actor,
            action="privacy.subject_access_received",
            target=request,
            data={"person_id": person.pk, "due_on": request.due_on},
        )
    return request


def fulfil_subject_access_request(
    request: SubjectAccessRequest, *, actor: User | None
) -> SubjectAccessRequest:
    """Build the archive of everything held about the person, store it and mark the request
    fulfilled. Building it again (a later export) replaces the archive and is audited again."""
    with transaction.atomic():
        locked = (
            SubjectAccessRequest.objects.select_for_update()
            .select_related("person")
            .get(pk=request.pk)
        )
        earlier = SubjectAccessRequest.objects.filter(person=locked.person).values_list(
            "pk", flat=True
        )
        documents = subject_documents(locked.person, request_ids=list(earlier))
        now = timezone.now()
        manifest = {
            "request": locked.pk,
            "person": locked.person_id,
            "received_at": locked.received_at.isoformat(),
            "due_on": locked.due_on.isoformat(),
            "generated_at": now.isoformat(),
            "files": sorted(documents),
            "redaction": "other people are named only by the part they play, e.g. [complainant]",
        }
        archive = build_archive(documents, manifest=manifest)
        locked.archive = archive
        locked.archive_sha256 = hashlib.sha256(archive).hexdigest()
        locked.fulfilled_at = now
        locked.save(update_fields=["archive", "archive_sha256", "fulfilled_at"])
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="privacy.subject_access_exported",
            target=locked,
            data={
                "person_id": locked.person_id,
                "sha256": locked.archive_sha256,
                "files": len(documents) + 1,
                "on_time": timezone.localdate(now) <= locked.due_on,
            },
        )
    return locked


def export_for(person: Person, *, actor: User | None) -> SubjectAccessRequest:
    """Receive and answer a request at once (the console command)."""
    return fulfil_subject_access_request(
        receive_subject_access_request(person, actor=actor), actor=actor
    )


def record_archive_released(request: SubjectAccessRequest, *, actor: User) -> bytes:
    """The archive, for download by someone who handles subject access; the release is audited."""
    if not may_handle(actor) or actor.organisation_id != request.organisation_id:
        raise SubjectAccessRefused("only oversight or an administrator handles subject access")
    if request.archive is None:
        raise SubjectAccessRefused("the archive is not ready yet")
    record_event(
        organisation=request.organisation_id,
        actor=actor,
        action="privacy.subject_access_downloaded",
        target=request,
        data={"person_id": request.person_id, "sha256": request.archive_sha256},
    )
    return bytes(request.archive)
