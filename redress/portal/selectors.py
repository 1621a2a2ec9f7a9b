"""What a party may see: their own cases, and on each only what has been disclosed to them.

The notices served on a party are what the rulebook discloses to them: a respondent sees a case
only once a notice has been served on them (before that, the case is not theirs to see: an
assessment may end in no further action without them ever being troubled), and a complainant
who gave their name sees the case they started. Everything else they read (the stage, the dates
that concern them, what they have sent) follows from that. Anything not theirs is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from redress.cases.facts import gather_facts
from redress.cases.models import Case, Deadline, Decision, Notice, Party, Response
from redress.cases.notices import hidden_from
from redress.cases.representations import RepresentationForParty, representations_for_party
from redress.people.models import Person
from redress.portal.models import Companion, PartyRequest
from redress.portal.notice_templates import hide_names
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import parsed
from redress.rulebook.workflow import appeal_window_closes_on

RESPONSE_CLOCK = "response"


@dataclass(frozen=True)
class PartyCase:
    """A case as one party sees it."""

    case: Case
    party: str
    person: Person

    @property
    def is_respondent(self) -> bool:
        return self.party == Party.RESPONDENT


def _respondent_cases(person: Person) -> QuerySet[Case]:
    served = Notice.objects.filter(party=Party.RESPONDENT, recipient=person).values("case_id")
    return Case.objects.filter(respondent=person, pk__in=served)


def _complainant_cases(person: Person) -> QuerySet[Case]:
    return Case.objects.filter(complaints__complainant=person, complaints__anonymous=False)


def party_cases(person: Person) -> list[PartyCase]:
    """The party's cases, newest first."""
    cases = (
        Case.objects.filter(
            Q(pk__in=_respondent_cases(person).values("pk"))
            | Q(pk__in=_complainant_cases(person).values("pk"))
        )
        .select_related("rulebook")
        .order_by("-opened_at")
    )
    return [PartyCase(case=c, party=_party(c, person), person=person) for c in cases]


def _party(case: Case, person: Person) -> str:
    return Party.RESPONDENT if case.respondent_id == person.pk else Party.COMPLAINANT


def party_case(person: Person, case_id: int) -> PartyCase:
    """One of the party's cases, or 404 (the same 404 whether the case exists or not)."""
    for found in party_cases(person):
        if found.case.pk == case_id:
            return found
    raise Http404("no such case")


def notices_for(pc: PartyCase) -> QuerySet[Notice]:
    return Notice.objects.filter(case=pc.case, party=pc.party, recipient=pc.person).order_by(
        "-served_at", "-pk"
    )


def notice_for(pc: PartyCase, notice_id: int) -> Notice:
    notice = notices_for(pc).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("no such notice")
    return notice


@dataclass(frozen=True)
class Standing:
    """Where the party stands on the case: the dates and the steps open to them now."""

    stage: str
    closed: bool
    respond_by: date | None
    may_answer: bool
    may_ask_extension: bool
    pending_extension: PartyRequest | None
    may_name_companion: bool
    companion: Companion | None
    appeal_closes_on: date | None
    may_appeal: bool
    appealed: bool
    responses: list[Response]


def standing(pc: PartyCase, *, today: date | None = None) -> Standing:
    case = pc.case
    rulebook = parsed(case.rulebook)
    today = today or timezone.localdate()
    respond_by = response_due_on(case)
    may_answer = pc.is_respondent and response_window_open(case, today=today)
    extensions = PartyRequest.objects.filter(
        case=case, person=pc.person, kind=PartyRequest.Kind.EXTENSION
    )
    pending = extensions.filter(status=PartyRequest.Status.PENDING).first()
    granted = Decision.objects.filter(case=case, kind="response_extension").count()
    appeal_closes = appeal_closes_on(case, rulebook, today=today)
    appealed = Decision.objects.filter(
        case=case, kind="appeal_lodged", outcome=f"by_{pc.party}", set_aside_at__isnull=True
    ).exists()
    return Standing(
        stage=rulebook.stage_label(case.stage),
        closed=not case.is_open,
        respond_by=respond_by,
        may_answer=may_answer,
        may_ask_extension=(
            may_answer and pending is None and granted < rulebook.response_extension.times
        ),
        pending_extension=pending,
        may_name_companion=case.stage in COMPANION_STAGES,
        companion=Companion.objects.filter(
            case=case, person=pc.person, replaced_at__isnull=True
        ).first(),
        appeal_closes_on=appeal_closes,
        may_appeal=(
            case.stage == "appeal_window"
            and appeal_closes is not None
            and today <= appeal_closes
            and not appealed
        ),
        appealed=appealed,
        responses=list(Response.objects.filter(case=case).order_by("received_at"))
        if pc.is_respondent
        else [],
    )


COMPANION_STAGES = ("charging", "hearing")


def response_due_on(case: Case) -> date | None:
    """The date the respondent's answer is due (the latest response clock, met or not)."""
    due: date | None = (
        Deadline.objects.filter(case=case, kind=RESPONSE_CLOCK)
        .order_by("-created_at")
        .values_list("due_on", flat=True)
        .first()
    )
    return due


def response_window_open(case: Case, *, today: date) -> bool:
    due = response_due_on(case)
    return case.stage == "investigation" and due is not None and today <= due


def appeal_closes_on(case: Case, rulebook: Rulebook, *, today: date) -> date | None:
    if case.stage != "appeal_window":
        return None
    return appeal_window_closes_on(rulebook, gather_facts(case, today=today))


def representations_for(pc: PartyCase) -> list[RepresentationForParty]:
    """The representations on the case the rulebook discloses to the party, with a
    confidential complainant's name taken out of what the respondent reads."""
    hidden = hidden_from(pc.case, pc.party)
    shown = representations_for_party(pc.case, party=pc.party)
    if not hidden:
        return shown
    return [
        replace(
            r,
            made_by_name=hide_names(r.made_by_name, hidden),
            summary=hide_names(r.summary, hidden),
            content=hide_names(r.content, hidden),
        )
        for r in shown
    ]
