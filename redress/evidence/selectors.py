"""Reading the evidence store. Who may see a case's evidence is the cases app's rule (the case's
team; oversight reads all): every page reaches these through a case it got from
`redress.cases.selectors.get_case`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from redress.cases.models import Allegation, Case
from redress.evidence import checks, store
from redress.evidence.models import (
    ChatMessage,
    EvidenceItem,
    EvidencePolicy,
    ReliedOnMessage,
    StoredFile,
)
from redress.people.models import Organisation

SEARCH_LIMIT = 200
CONTEXT_MESSAGES = 5


def limits_for(organisation: Organisation | int) -> checks.Limits:
    """The organisation's limits on uploads, or the defaults if it has set none."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    policy = EvidencePolicy.objects.filter(organisation_id=organisation_id).first()
    if policy is None:
        return checks.Limits()
    return checks.Limits(
        max_bytes=policy.max_bytes,
        accepted_types=frozenset(policy.accepted_types or ()),
        max_image_pixels=policy.max_image_pixels,
        max_inflated_bytes=policy.max_inflated_bytes,
    )


def case_items(case: Case) -> QuerySet[EvidenceItem]:
    return (
        EvidenceItem.objects.filter(case=case)
        .select_related("file", "chat")
        .order_by("received_at", "pk")
    )


def case_item(case: Case, item_id: int) -> EvidenceItem | None:
    return case_items(case).filter(pk=item_id).first()


def search_messages(case: Case, query: str, *, sender: str = "") -> QuerySet[ChatMessage]:
    """The case's chat messages whose text (or sender) holds `query`, oldest first."""
    messages = ChatMessage.objects.filter(case=case)
    query = query.strip()
    if query:
        messages = messages.filter(Q(text__icontains=query) | Q(sender__icontains=query))
    if sender.strip():
        messages = messages.filter(sender=sender.strip())
    return messages.select_related("export__item").order_by("sent_at", "export_id", "position")


def case_message(case: Case, message_id: int) -> ChatMessage | None:
    return (
        ChatMessage.objects.filter(case=case, pk=message_id)
        .select_related("export__item__file")
        .first()
    )


def in_context(message: ChatMessage, *, around: int = CONTEXT_MESSAGES) -> list[ChatMessage]:
    """The message with the `around` messages before and after it in the same export."""
    return list(
        ChatMessage.objects.filter(
            export_id=message.export_id,
            position__gte=max(1, message.position - around),
            position__lte=message.position + around,
        ).order_by("position")
    )


def relied_on(case: Case) -> QuerySet[ReliedOnMessage]:
    return (
        ReliedOnMessage.objects.filter(allegation__case=case)
        .select_related("message__export__item", "allegation")
        .order_by("allegation_id", "message__sent_at", "message__position")
    )


def allegations(case: Case) -> QuerySet[Allegation]:
    return case.allegations.order_by("pk")


@dataclass(frozen=True)
class Mismatch:
    sha256: str
    found: str | None  # the hash of what is on disk now, or None if the file is missing


def verify_store() -> tuple[int, list[Mismatch]]:
    """Re-hash every stored file: how many were checked, and those that no longer match."""
    checked = 0
    mismatches: list[Mismatch] = []
    hashes = StoredFile.objects.values_list("sha256", flat=True).distinct().order_by("sha256")
    for sha256 in hashes.iterator(chunk_size=2_000):
        checked += 1
        found = store.rehash(sha256)
        if found != sha256:
            mismatches.append(Mismatch(sha256=sha256, found=found))
    return checked, mismatches
