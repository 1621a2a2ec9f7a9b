"""Reading what the intake holds: a receipt holder's view of their report, and the message
threads of a case for its team. No selector lists held reports, or finds one by respondent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from redress.cases.models import Case, Complaint, Deadline
from redress.intake.models import IntakeEvidence, Message, Receipt
from redress.people.models import Organisation, User
from redress.people.selectors import OrganisationNotChosen, organisation_from_option
from redress.rulebook.selectors import parsed

# What each stage of the default rulebook means to the person who reported, in plain words.
STAGE_IN_PLAIN_WORDS = {
    "received": "We have received your report.",
    "triage": "A case officer is looking at your report to decide what happens next.",
    "investigation": "Your report is being investigated.",
    "charging": "Someone who did not investigate is deciding whether there is a case to answer.",
    "hearing": "A hearing is being arranged or held.",
    "decision": "The panel is deciding the outcome.",
    "review": "An independent reviewer is checking the decision.",
    "appeal_window": "A decision has been made. There is still time for an appeal.",
    "appeal": "An appeal is being heard.",
    "closed": "The case is closed.",
}
HELD_IN_PLAIN_WORDS = (
    "Your report is held. Nobody has read it. It will be opened if someone else reports the "
    "same person."
)


class NoOrganisation(LookupError):
    """This installation has no single organisation to take reports for."""


def intake_organisation() -> Organisation:
    """The organisation public reports go to: REDRESS_ORGANISATION, or the only one there is."""
    try:
        return organisation_from_option(None)
    except OrganisationNotChosen as error:
        raise NoOrganisation(str(error)) from None


@dataclass(frozen=True)
class Status:
    """What a receipt holder sees: the stage in plain words, the next date, the messages."""

    held: bool
    stage: str
    closed: bool
    next_deadline: Deadline | None
    messages: list[Message]
    evidence_count: int


def report_status(receipt: Receipt) -> Status:
    complaint = receipt.complaint
    if complaint is None:
        return Status(
            held=True,
            stage=HELD_IN_PLAIN_WORDS,
            closed=False,
            next_deadline=None,
            messages=[],
            evidence_count=0,
        )
    case = Case.objects.select_related("rulebook").get(pk=complaint.case_id)
    stage = STAGE_IN_PLAIN_WORDS.get(case.stage) or parsed(case.rulebook).stage_label(case.stage)
    deadline = (
        Deadline.objects.filter(case=case, met_at__isnull=True).order_by("due_on", "pk").first()
    )
    return Status(
        held=False,
        stage=stage,
        closed=not case.is_open,
        next_deadline=deadline,
        messages=list(thread(complaint)),
        evidence_count=IntakeEvidence.objects.filter(complaint=complaint).count(),
    )


def thread(complaint: Complaint) -> QuerySet[Message]:
    return Message.objects.filter(complaint=complaint).order_by("sent_at", "pk")


@dataclass(frozen=True)
class Thread:
    complaint: Complaint
    messages: list[Message]
    has_receipt: bool


def case_threads(case: Case) -> list[Thread]:
    """Each complaint of the case with its messages, for the case's team (the caller has
    already checked, through `redress.cases.selectors.get_case`, that the user may see it)."""
    complaints = list(case.complaints.order_by("received_at", "pk"))
    with_receipt = set(
        Receipt.objects.filter(complaint__in=complaints).values_list("complaint_id", flat=True)
    )
    messages: dict[int, list[Message]] = {c.pk: [] for c in complaints}
    for message in Message.objects.filter(complaint__in=complaints).order_by("sent_at", "pk"):
        messages[message.complaint_id].append(message)
    return [Thread(c, messages[c.pk], c.pk in with_receipt) for c in complaints]


def may_message(user: User, case: Case) -> bool:
    return case.assignments.filter(user=user, role="officer", ended_at__isnull=True).exists()
