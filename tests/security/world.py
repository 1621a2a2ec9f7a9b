"""One organisation's worth of records for the security tests to aim at, built through the real
services: a case at the hearing with every kind of record on it, a party with a pending request,
emergency access awaiting review, a subject access archive, and staff of every kind, some with a
relation to the case and some without, and one from another organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from redress.analytics.models import SurveyInvitation
from redress.cases import services, suspensions
from redress.cases.models import Assignment, Case, Notice
from redress.evidence import services as evidence_services
from redress.evidence.models import ChatMessage
from redress.evidence.synthetic import whatsapp_export
from redress.people.models import User
from redress.portal import selectors as portal_selectors
from redress.portal import services as portal_services
from redress.portal import signin
from redress.privacy import services as privacy_services
from redress.publication import services as publication_services
from redress.publication.engine import Style
from tests.factories import (
    REASONS,
    Cast,
    file_case,
    make_cast,
    make_organisation,
    make_staff,
    walk_to,
)


@dataclass
class World:
    cast: Cast
    case: Case
    admin: User
    foreign: User
    ids: dict[str, int]

    def link_token(self) -> str:
        """A fresh portal sign-in link for the respondent, as the email would carry it."""
        return signin.token_for(signin._create_link(self.cast.respondent).nonce)


def build_world() -> World:
    cast = make_cast()
    organisation = cast.organisation
    admin = make_staff(organisation, "admin", "admin")
    elsewhere = make_organisation("Another Party")
    # The strongest roles there are, but in another organisation: they reach nothing here.
    foreign = make_staff(elsewhere, "foreign", "oversight", "admin", "coordinator", "officer")

    case = walk_to(file_case(cast), "hearing", cast)
    hearing = services.schedule_hearing(
        case, starts_at=timezone.now() + timedelta(days=20), place="Room 2", actor=cast.officer
    )
    suspension = suspensions.decide_suspension(
        case, ground="risk_to_people", reasons=REASONS, actor=cast.decision_maker
    )
    notice = Notice.objects.filter(case=case, recipient=cast.respondent).order_by("pk").first()
    assert notice is not None

    # A second case where the respondent's time to answer is open, and they ask for more.
    answering = walk_to(file_case(cast), "investigation", cast)
    services.serve_notice(answering, kind="investigation", actor=cast.investigator)
    party_request = portal_services.ask_for_extension(
        portal_selectors.party_case(cast.respondent, answering.pk),
        working_days=5,
        reasons="I am away for the next two weeks and cannot answer before then.",
    )

    # Someone outside the team looked at the case in an emergency; oversight has not reviewed it.
    looker = make_staff(organisation, "looker", "officer")
    access = services.grant_emergency_access(
        case, user=looker, reason="The officer is off sick and the respondent rang in distress."
    )
    subject_access = privacy_services.export_for(cast.complainant, actor=cast.oversight)

    # A chat export in evidence, whose messages the team can search and rely on.
    chat = evidence_services.add_evidence(
        case,
        upload=evidence_services.Upload(
            "chat.txt", whatsapp_export("android-24h", 12, seed=1).text.encode()
        ),
        actor=cast.officer,
        chat_export=True,
    )
    message = ChatMessage.objects.filter(case=case).order_by("pk").first()
    assert message is not None

    # A document the coordinator has prepared for publication, under review.
    document = publication_services.prepare_document(
        organisation=organisation,
        actor=cast.coordinator,
        title="Investigation report",
        filename="report.txt",
        data=b"The panel wrote to member.secretary@example.org about the branch meeting.\n",
        style=Style.PSEUDONYM,
        keep_public=True,
    )
    redaction = document.redactions.order_by("pk").first()
    assert redaction is not None

    # A closed case, whose closing invited the respondent to the survey.
    closed = file_case(cast)
    for kind, outcome in (("triage", "no_further_action"), ("interim_measures", "not_needed")):
        services.record_decision(
            closed, kind=kind, outcome=outcome, reasons=REASONS, actor=cast.officer
        )
    services.transition_case(closed, to="closed", actor=cast.officer)
    invitation = SurveyInvitation.objects.get(case=closed, person=cast.respondent)

    officer_assignment = Assignment.objects.get(case=case, user=cast.officer, ended_at=None)
    return World(
        cast=cast,
        case=case,
        admin=admin,
        foreign=foreign,
        ids={
            "case_id": case.pk,
            "allegation_id": case.allegations.get().pk,
            "hearing_id": hearing.pk,
            "suspension_id": suspension.pk,
            "assignment_id": officer_assignment.pk,
            "notice_id": notice.pk,
            "access_id": access.pk,
            "party_request_id": party_request.pk,
            "subject_access_id": subject_access.pk,
            "item_id": chat.pk,
            "message_id": message.pk,
            "document_id": document.pk,
            "redaction_id": redaction.pk,
            "invitation_id": invitation.pk,
        },
    )
