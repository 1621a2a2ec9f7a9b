"""What a party sees and does in the portal: only their own case, only what was served on them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Case, Deadline, Decision, Notice, Response
from redress.portal import services as portal_services
from redress.portal.models import Companion, PartyRequest
from redress.portal.selectors import party_case
from tests.factories import REASONS, Cast, file_case, make_cast, make_person, walk_to
from tests.portal.helpers import sign_in, text_of

pytestmark = pytest.mark.django_db


def investigated(cast: Cast) -> Case:
    case = walk_to(file_case(cast), "investigation", cast)
    services.serve_notice(case, kind="investigation", actor=cast.investigator)
    return case


def response_due(case: Case) -> Any:
    return Deadline.objects.get(case=case, kind="response").due_on


def pages_of(case: Case) -> list[str]:
    return [
        reverse(name, args=[case.pk])
        for name in ("portal:case", "portal:answer", "portal:extension", "portal:companion")
    ] + [reverse("portal:appeal", args=[case.pk])]


# --- Seeing only one's own case ------------------------------------------------------------


def test_the_respondent_sees_the_case_only_once_a_notice_is_served_on_them(
    cast: Cast, client: Client
) -> None:
    case = file_case(cast)  # at triage: nothing served on the respondent yet
    sign_in(client, cast.respondent)
    assert client.get(reverse("portal:case", args=[case.pk])).status_code == 404
    assert case.reference not in text_of(client.get(reverse("portal:cases")))

    services.serve_notice(
        walk_to(case, "investigation", cast), kind="investigation", actor=cast.investigator
    )
    page = client.get(reverse("portal:case", args=[case.pk]))
    assert page.status_code == 200
    assert "Notice of investigation" in text_of(page)
    assert AuditEvent.objects.filter(action="portal.case_viewed", case_id=case.pk).exists()


def test_an_outsider_and_a_party_to_another_case_get_404_everywhere(
    cast: Cast, client: Client
) -> None:
    case = investigated(cast)
    notice = Notice.objects.get(case=case, kind="investigation")
    other = make_cast(cast.organisation)
    file_case(other)
    sign_in(client, other.complainant)
    for path in [*pages_of(case), reverse("portal:notice", args=[case.pk, notice.pk])]:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"text": "x" * 20, "grounds": "y" * 20}).status_code == 404
    assert not Response.objects.filter(case=case, recorded_by=None).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(cast: Cast, client: Client) -> None:
    case = investigated(cast)
    for path in pages_of(case):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:sign_in")


def test_the_complainant_cannot_read_the_respondents_notice_or_answer(
    cast: Cast, client: Client
) -> None:
    case = investigated(cast)
    notice = Notice.objects.get(case=case, kind="investigation")
    sign_in(client, cast.complainant)
    assert client.get(reverse("portal:notice", args=[case.pk, notice.pk])).status_code == 404
    response = client.post(reverse("portal:answer", args=[case.pk]), {"text": "Not mine."})
    assert response.status_code == 400
    assert not Response.objects.filter(recorded_by=None).exists()


# --- A confidential complainant ------------------------------------------------------------


def confidential_case(cast: Cast) -> Case:
    complaint = services.file_complaint(
        cast.organisation,
        categories=["bullying"],
        summary=f"{cast.complainant.name} says the respondent shouted at her at a meeting.",
        respondent=cast.respondent,
        complainant=cast.complainant,
        submitted={"identity_confidential": True, "confidentiality_reasons": "Fear of reprisal"},
    )
    case = complaint.case
    services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    case = walk_to(case, "investigation", cast)
    services.serve_notice(case, kind="investigation", actor=cast.investigator)
    return case


def test_a_confidential_complainant_is_never_named_to_the_respondent(
    cast: Cast, client: Client
) -> None:
    case = confidential_case(cast)
    served = Notice.objects.filter(case=case, party="respondent")
    assert served.exists()
    for notice in served:
        assert cast.complainant.name.lower() not in (notice.subject + notice.body).lower()
        assert cast.complainant.email not in notice.body
    investigation = served.get(kind="investigation")
    assert "identity is being kept confidential" in investigation.body
    assert "[the complainant] says the respondent shouted" in investigation.body

    sign_in(client, cast.respondent)
    pages = [
        client.get(reverse("portal:cases")),
        client.get(reverse("portal:case", args=[case.pk])),
        *[client.get(reverse("portal:notice", args=[case.pk, n.pk])) for n in served],
    ]
    for page in pages:
        assert page.status_code == 200
        assert cast.complainant.name not in text_of(page)


def test_a_named_complainant_is_named_in_the_notice_of_investigation(cast: Cast) -> None:
    case = investigated(cast)
    notice = Notice.objects.get(case=case, kind="investigation")
    assert f"The complaint was made by {cast.complainant.name}." in notice.body


# --- Reading notices -----------------------------------------------------------------------


def test_reading_a_notice_records_its_opening_once(cast: Cast, client: Client) -> None:
    case = investigated(cast)
    notice = Notice.objects.get(case=case, kind="investigation")
    assert notice.acknowledged_at is None
    sign_in(client, cast.respondent)
    assert "not yet read" in text_of(client.get(reverse("portal:case", args=[case.pk])))

    page = client.get(reverse("portal:notice", args=[case.pk, notice.pk]))
    assert page.status_code == 200
    assert "Repeated abusive messages" in text_of(page)
    notice.refresh_from_db()
    opened = notice.acknowledged_at
    assert opened is not None

    client.get(reverse("portal:notice", args=[case.pk, notice.pk]))
    notice.refresh_from_db()
    assert notice.acknowledged_at == opened
    actions = list(
        AuditEvent.objects.filter(object_id=str(notice.pk), action__startswith="notice.")
        .exclude(action="notice.served")
        .values_list("action", flat=True)
    )
    assert actions == ["notice.opened", "notice.read"]


# --- Answering, and asking for more time ---------------------------------------------------


def test_the_respondent_answers_within_the_window(cast: Cast, client: Client) -> None:
    case = investigated(cast)
    sign_in(client, cast.respondent)
    response = client.post(
        reverse("portal:answer", args=[case.pk]), {"text": "I deny it; here is why."}
    )
    assert response.status_code == 302
    answer = Response.objects.get(case=case, recorded_by=None)
    assert answer.text == "I deny it; here is why."
    assert not Deadline.objects.filter(case=case, kind="response", met_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="response.received", object_id=str(answer.pk)).exists()
    assert "I deny it; here is why." in text_of(client.get(reverse("portal:case", args=[case.pk])))


def test_an_answer_after_the_window_is_refused_and_nothing_is_stored(
    cast: Cast, client: Client
) -> None:
    case = investigated(cast)
    day_after = response_due(case) + timedelta(days=1)
    with time_machine.travel(day_after.isoformat() + "T12:00:00+00:00"):
        sign_in(client, cast.respondent)
        response = client.post(reverse("portal:answer", args=[case.pk]), {"text": "Too late."})
    assert response.status_code == 400
    assert "the time to answer ended on" in text_of(response)
    assert not Response.objects.filter(case=case, recorded_by=None).exists()


def test_the_respondent_asks_for_more_time_and_the_officer_grants_it(
    cast: Cast, client: Client
) -> None:
    case = investigated(cast)
    due = response_due(case)
    sign_in(client, cast.respondent)
    path = reverse("portal:extension", args=[case.pk])
    reasons = "I am in hospital until the end of the month."
    assert client.post(path, {"working_days": 5, "reasons": reasons}).status_code == 302
    request = PartyRequest.objects.get(case=case)
    assert (request.status, request.working_days, request.reasons) == ("pending", 5, reasons)
    assert client.post(path, {"working_days": 5, "reasons": reasons}).status_code == 400
    assert PartyRequest.objects.filter(case=case).count() == 1

    portal_services.answer_extension_request(
        request, grant=True, reasons="Good reason, agreed.", actor=cast.officer
    )
    assert response_due(case) > due
    request.refresh_from_db()
    assert request.status == "granted"
    page = text_of(client.get(reverse("portal:case", args=[case.pk])))
    assert "Ask for more time" not in page  # the one extension the rulebook allows is used


def test_an_outsider_on_staff_cannot_answer_a_request(cast: Cast) -> None:
    case = investigated(cast)
    pc = party_case(cast.respondent, case.pk)
    request = portal_services.ask_for_extension(pc, working_days=3, reasons=REASONS)
    with pytest.raises(services.CaseError):
        portal_services.answer_extension_request(
            request, grant=True, reasons=REASONS, actor=cast.outsider
        )


# --- Companion and appeal ------------------------------------------------------------------


def test_a_party_names_a_companion_for_the_hearing(cast: Cast, client: Client) -> None:
    case = investigated(cast)
    sign_in(client, cast.respondent)
    path = reverse("portal:companion", args=[case.pk])
    data = {"name": "Cam Companion", "capacity": "Trade union representative"}
    assert client.post(path, data).status_code == 400  # not yet going to a hearing
    assert not Companion.objects.exists()

    walk_to(case, "hearing", cast)
    assert client.post(path, data).status_code == 302
    assert client.post(path, data | {"name": "Second Companion"}).status_code == 302
    current = Companion.objects.get(case=case, replaced_at__isnull=True)
    assert current.name == "Second Companion"
    assert Companion.objects.filter(case=case).count() == 2


def test_both_parties_may_lodge_an_appeal_within_the_window(cast: Cast, client: Client) -> None:
    case = walk_to(investigated(cast), "appeal_window", cast)
    sign_in(client, cast.respondent)
    grounds = "The panel did not consider my witness statement."
    assert (
        client.post(reverse("portal:appeal", args=[case.pk]), {"grounds": grounds}).status_code
        == 302
    )
    lodged = Decision.objects.get(case=case, kind="appeal_lodged")
    assert (lodged.outcome, lodged.reasons, lodged.decided_by) == ("by_respondent", grounds, None)
    again = client.post(reverse("portal:appeal", args=[case.pk]), {"grounds": grounds})
    assert again.status_code == 400

    complainant = Client()
    sign_in(complainant, cast.complainant)
    response = complainant.post(
        reverse("portal:appeal", args=[case.pk]), {"grounds": "The sanction is too lenient."}
    )
    assert response.status_code == 302
    assert Decision.objects.filter(case=case, kind="appeal_lodged").count() == 2

    # The officer takes it from there: the appeal panel, and the case to appeal.
    for panellist in cast.appeal_panellists:
        services.assign(case, user=panellist, role="appeal_panellist", actor=cast.coordinator)
    services.transition_case(case, to="appeal", actor=cast.officer)
    assert case.stage == "appeal"


def test_an_appeal_after_the_window_is_refused(cast: Cast, client: Client) -> None:
    case = walk_to(investigated(cast), "appeal_window", cast)
    closes = Deadline.objects.get(case=case, kind="stage:appeal_window").due_on
    with time_machine.travel((closes + timedelta(days=1)).isoformat() + "T12:00:00+00:00"):
        sign_in(client, cast.respondent)
        response = client.post(
            reverse("portal:appeal", args=[case.pk]), {"grounds": "Late but sincere grounds."}
        )
    assert response.status_code == 400
    assert not Decision.objects.filter(case=case, kind="appeal_lodged").exists()


def test_a_person_on_the_register_with_no_case_sees_none(cast: Cast, client: Client) -> None:
    case = investigated(cast)
    bystander = make_person(cast.organisation, "Bystander")
    sign_in(client, bystander)
    assert case.reference not in text_of(client.get(reverse("portal:cases")))
    assert client.get(reverse("portal:case", args=[case.pk])).status_code == 404


# --- Representations ---------------------------------------------------------------------


def test_both_parties_see_a_representation_without_the_confidential_name(
    cast: Cast, client: Client
) -> None:
    from redress.cases.representations import record_representation

    case = confidential_case(cast)
    record_representation(
        case,
        made_by_name="Councillor Vee",
        made_by_role="Council leader",
        position="elected_representative",
        channel="email",
        summary=f"Asked that {cast.complainant.name}'s complaint be dropped.",
        actor=cast.officer,
    )
    sign_in(client, cast.respondent)
    page = text_of(client.get(reverse("portal:case", args=[case.pk])))
    assert "From Councillor Vee, Council leader" in page
    assert "Asked that [the complainant]'s complaint be dropped." in page
    assert cast.complainant.name not in page

    complainant = Client()
    sign_in(complainant, cast.complainant)
    page = text_of(complainant.get(reverse("portal:case", args=[case.pk])))
    assert f"Asked that {cast.complainant.name}'s complaint be dropped." in page
