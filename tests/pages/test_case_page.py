"""The case page: what it shows, who may see it, and that every reading is audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.cases import services, suspensions
from tests.factories import REASONS, Cast, file_case, walk_to

from .helpers import ready_for_investigation, signed_in, text_of

pytestmark = pytest.mark.django_db


def test_the_team_sees_the_case_with_its_clocks_allegations_and_timeline(
    client: Client, cast: Cast
) -> None:
    case = file_case(cast, categories=("antisemitism", "bullying"))
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    page = text_of(response)
    assert response.status_code == 200
    assert f"<h1>Case {case.reference}</h1>" in page
    assert "Antisemitism" in page and "Bullying and harassment" in page
    assert "Triage" in page
    assert "Complaint received" in page
    assert "Moved from Received to Triage" in page
    assert "Case officer added to the team" in page
    deadline = case.deadlines.filter(met_at__isnull=True).order_by("due_on").first()
    assert deadline is not None and deadline.label in page


def test_refused_steps_are_listed_with_every_reason(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    refused = dict(response.context["refused"])
    assert set(refused) == {"Closed", "Informal resolution", "Investigation"}
    assert "no triage assessment of “Investigation” has been recorded" in refused["Investigation"]
    assert "nobody has been assigned as investigator on this case" in refused["Investigation"]
    page = text_of(response)
    for reason in refused["Investigation"]:
        assert reason in page
    assert response.context["allowed"] == []


def test_an_allowed_step_is_offered_as_a_form(client: Client, cast: Cast) -> None:
    case = ready_for_investigation(file_case(cast), cast)
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    assert [label for label, _ in response.context["allowed"]] == ["Investigation"]
    page = text_of(response)
    assert f'action="{reverse("cases:transition", args=[case.pk])}"' in page
    assert 'name="to" value="investigation"' in page
    assert "Move to Investigation</button>" in page


def test_the_officer_gets_the_decision_and_notice_forms_of_the_stage(
    client: Client, cast: Cast
) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    keys = [action.key for action in response.context["decision_actions"]]
    assert "decision-triage" in keys and "decision-interim_measures" in keys
    assert "decision-charging" not in keys  # not this stage, and not the officer's to record
    assert [action.key for action in response.context["notice_actions"]] == ["notice"]


def test_oversight_reads_the_case_but_every_step_is_refused(client: Client, cast: Cast) -> None:
    case = ready_for_investigation(file_case(cast), cast)
    signed_in(client, cast.oversight)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == 200
    assert response.context["allowed"] == []
    assert response.context["decision_actions"] == []
    assert response.context["notice_actions"] == []
    assert "oversight reads every case and changes none" in text_of(response)


def test_reading_the_case_is_written_to_the_audit_log(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    client.get(reverse("cases:detail", args=[case.pk]))

    reads = AuditEvent.objects.filter(case_id=case.pk, action="case.viewed")
    assert list(reads.values_list("actor_id", flat=True)) == [cast.officer.pk]


def without_tokens(response: HttpResponse, case_id: int) -> str:
    """The page with its CSRF token and the requested id blanked out, to compare two pages."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(f"/cases/{case_id}/", "/cases/#/")


def test_an_outsider_gets_the_same_404_as_for_a_case_that_does_not_exist(
    client: Client, cast: Cast
) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)

    hidden = client.get(reverse("cases:detail", args=[case.pk]))
    missing = client.get(reverse("cases:detail", args=[case.pk + 1000]))

    assert hidden.status_code == missing.status_code == 404
    assert case.reference not in text_of(hidden)
    assert cast.respondent.name not in text_of(hidden)
    assert without_tokens(hidden, case.pk) == without_tokens(missing, case.pk + 1000)
    assert not AuditEvent.objects.filter(case_id=case.pk, actor_id=cast.outsider.pk).exists()


def test_an_id_beyond_any_case_is_a_404_not_an_error(client: Client, cast: Cast) -> None:
    signed_in(client, cast.officer)
    huge = 2**64

    assert client.get(f"/cases/{huge}/").status_code == 404
    assert client.post(f"/cases/{huge}/transitions/", {"to": "triage"}).status_code == 404
    assert client.post(f"/cases/{huge}/emergency-access/", {"reason": "x" * 40}).status_code == 404


def page_queries(client: Client, case_id: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[case_id]))
    assert response.status_code == 200
    return len(queries)


def test_a_late_case_page_costs_the_same_few_queries_however_much_it_holds(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    small = walk_to(file_case(cast), "decision", cast)
    large = walk_to(file_case(cast, categories=("bullying", "sexism", "other")), "decision", cast)
    for _ in range(3):  # more notices, suspensions and timeline events on the larger case
        services.serve_notice(large, kind="feedback", actor=cast.panellist)
        suspension = suspensions.decide_suspension(
            large, ground="risk_to_people", reasons=REASONS, actor=cast.decision_maker
        )
        suspensions.serve_suspension(suspension, actor=cast.decision_maker)
        suspensions.lift_suspension(suspension, reasons=REASONS, actor=cast.decision_maker)

    for user in (cast.panellist, cast.decision_maker, cast.officer):
        signed_in(client, user)
        assert page_queries(client, large.pk) == page_queries(client, small.pk), user
    signed_in(client, cast.panellist)  # 25: two of them read the similar decided cases
    with django_assert_max_num_queries(25):
        page = client.get(reverse("cases:detail", args=[large.pk]))
    assert len(page.context["allegations"]) == 3
    assert len(page.context["suspensions"]) == 3


def test_the_officer_sees_the_concentration_panel_and_links_at_triage_at_a_fixed_cost(
    client: Client, cast: Cast
) -> None:
    """The panel adds a fixed handful of queries, however many complaints the complainant has
    made or how many other cases there are about the respondent."""
    case = file_case(cast)
    file_case(cast)  # one near-identical complaint about the respondent
    signed_in(client, cast.officer)
    quiet = page_queries(client, case.pk)
    for _ in range(4):
        file_case(cast)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    page = text_of(response)
    assert "Complainant concentration and similar complaints" in page
    assert reverse("intake:case_messages", args=[case.pk]) in page
    assert reverse("cases:representations", args=[case.pk]) in page
    assert page_queries(client, case.pk) == quiet
    signed_in(client, cast.investigator)
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    page = text_of(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Complainant concentration" not in page
    assert reverse("intake:case_messages", args=[case.pk]) not in page
