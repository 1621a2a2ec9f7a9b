"""The confidence survey: after a case closes, both parties are asked whether they were treated
fairly, and the results are shown by group, since falling confidence among minority members
was itself a warning in the source texts.

A party answers through the portal (signed in as they are for their notices). Their answers
are stored apart from the invitation, with only their part in the case, its category, the
group they declared and the quarter: nothing leads from an answer back to them, and results are
shown only for groups of at least `MIN_ANSWERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from redress.analytics.facts import complainant_groups
from redress.analytics.models import SurveyAnswer, SurveyInvitation, SurveyParty
from redress.audit.services import record_event
from redress.cases.models import Case
from redress.people.models import Organisation, Person

MIN_ANSWERS = 5
QUESTIONS = {
    "treated_fairly": "Were you treated fairly?",
    "listened_to": "Were you listened to?",
    "confidence": "How much confidence do you have in the complaints process?",
}
SURVEY_PATH = "/survey/"


class SurveyError(ValueError):
    """An answer that cannot be recorded, and why."""


def invite_parties(case: Case) -> list[SurveyInvitation]:
    """Invite the named complainants and the respondent of a closed case, once each. Called
    by the transition hook inside the closing transaction; the emails go after it commits."""
    if case.closed_at is None:
        return []
    parties = [(SurveyParty.RESPONDENT, case.respondent_id)]
    complainants = case.complaints.filter(complainant__isnull=False).values_list(
        "complainant_id", flat=True
    )
    parties += [(SurveyParty.COMPLAINANT, pk) for pk in dict.fromkeys(complainants)]
    invited = []
    now = timezone.now()
    for party, person_id in parties:
        invitation, created = SurveyInvitation.objects.get_or_create(
            case=case,
            person_id=person_id,
            defaults={"organisation_id": case.organisation_id, "party": party, "invited_at": now},
        )
        if created:
            invited.append(invitation)
            transaction.on_commit(lambda pk=invitation.pk: _queue_email(pk))  # type: ignore[misc]
    return invited


def invite_on_closure(case: Case) -> None:
    """The transition hook: a case that has just closed invites its parties."""
    if case.closed_at is not None:
        invite_parties(case)


def _queue_email(invitation_id: int) -> None:
    from redress.analytics.tasks import email_survey_invitation

    email_survey_invitation.enqueue(invitation_id)


def email_invitation(invitation_id: int) -> bool:
    """Email one invitation, once. The message names no case and nobody: it asks the party to
    sign in to the portal, where the survey waits for them."""
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("person")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.emailed_at or not invitation.person.email:
            return False
        send_mail(
            subject="How were you treated? A short survey about your closed case",
            message=(
                "Your case has closed. We would like to know whether you were treated fairly: "
                "three questions, answered anonymously.\n\n"
                "Sign in to the complaints portal as you do to read your notices; the survey "
                f"waits for you at {SURVEY_PATH} on the portal's site.\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.person.email],
        )
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return True


def pending_invitations(person: Person) -> QuerySet[SurveyInvitation]:
    """The surveys waiting for `person` (a party signed in to the portal)."""
    return SurveyInvitation.objects.filter(person=person, answered_at__isnull=True).order_by(
        "invited_at", "pk"
    )


def answer_survey(
    person: Person, invitation_id: int, *, answers: dict[str, int], now: datetime | None = None
) -> SurveyAnswer:
    """Record `person`'s answers to their invitation, once."""
    for question in QUESTIONS:
        value = answers.get(question)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise SurveyError(f"answer “{QUESTIONS[question]}” on the scale from 1 to 5")
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update()
            .select_related("case", "case__organisation")
            .filter(pk=invitation_id, person=person)
            .first()
        )
        if invitation is None:
            raise SurveyError("there is no such survey for you")
        if invitation.answered_at is not None:
            raise SurveyError("you have already answered this survey")
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
        case = invitation.case
        groups = complainant_groups(
            {case.organisation_id: case.organisation}, [(case.organisation_id, person.pk)]
        )
        answer = SurveyAnswer.objects.create(
            organisation_id=invitation.organisation_id,
            party=invitation.party,
            category=_category(case),
            group=groups.get(person.pk, ""),
            quarter=f"{now.year}-Q{(now.month - 1) // 3 + 1}",
            **{question: answers[question] for question in QUESTIONS},
        )
        record_event(
            organisation=invitation.organisation_id,
            actor=None,
            action="survey.answered",
            case_id=case.pk,
        )
    return answer


def _category(case: Case) -> str:
    from redress.analytics.selectors import fact_of_case

    fact = fact_of_case(case.pk)
    return fact.category if fact else ""


@dataclass(frozen=True)
class SurveyResult:
    dimension: str
    group: str
    party: str
    answers: int
    treated_fairly: float | None
    listened_to: float | None
    confidence: float | None

    @property
    def suppressed(self) -> bool:
        return self.treated_fairly is None


def survey_results(organisation: Organisation, *, by: str = "group") -> list[SurveyResult]:
    """Mean answers by party and by `by` ("group", "category" or "quarter"); fewer than
    MIN_ANSWERS in a cell and only the count is shown, as "too few"."""
    if by not in ("group", "category", "quarter"):
        raise SurveyError(f"results cannot be broken down by {by!r}")
    rows = (
        SurveyAnswer.objects.filter(organisation=organisation)
        .values(by, "party")
        .annotate(
            n=Count("pk"),
            fair=Avg("treated_fairly"),
            heard=Avg("listened_to"),
            trust=Avg("confidence"),
        )
        .order_by("party", by)
    )
    results = []
    for row in rows:
        shown = row["n"] >= MIN_ANSWERS
        results.append(
            SurveyResult(
                dimension=by,
                group=row[by] or "not declared",
                party=row["party"],
                answers=row["n"] if shown else 0,
                treated_fairly=round(row["fair"], 2) if shown else None,
                listened_to=round(row["heard"], 2) if shown else None,
                confidence=round(row["trust"], 2) if shown else None,
            )
        )
    return results
