"""Representations: recorded and audited, never changed or deleted, shown to oversight and (per
the rulebook) to the parties, and to nobody outside the case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases import representations
from redress.cases.models import Party, Representation
from redress.cases.representations import RepresentationRefused
from redress.rulebook.loader import default_rulebook_source
from redress.rulebook.services import adopt_rulebook
from tests.factories import file_case

PRESS_OFFICE_CALL = "The press office asked when the case would be closed, as a paper is asking."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def case(cast):
    return file_case(cast)


def record(case, actor, **overrides: Any) -> Representation:
    fields: dict[str, Any] = {
        "made_by_name": "Paula Press",
        "made_by_role": "Head of communications",
        "position": Representation.Position.PRESS_OFFICE,
        "channel": Representation.Medium.PHONE,
        "summary": PRESS_OFFICE_CALL,
    }
    fields.update(overrides)
    return representations.record_representation(case, actor=actor, **fields)


def test_a_representation_is_recorded_and_audited(cast, case):
    representation = record(case, cast.officer)
    assert representation.recorded_by == cast.officer
    assert representation.case == case
    event = AuditEvent.objects.get(action="representation.recorded")
    assert event.case_id == case.pk
    assert event.object_id == str(representation.pk)
    assert event.data["position"] == "press_office"
    # The maker's name stays in the record, not in the audit data.
    assert "Paula" not in str(event.data)


def test_a_coordinator_off_the_team_records_one_too(cast, case):
    assert record(case, cast.coordinator).recorded_by == cast.coordinator


@pytest.mark.parametrize("who", ["outsider", "oversight", "investigator"])
def test_nobody_else_records_one(cast, case, who):
    with pytest.raises(RepresentationRefused):
        record(case, getattr(cast, who))
    assert not Representation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"made_by_name": "  "}, "say who made"),
        ({"position": "lobbyist"}, "unknown position"),
        ({"channel": "pigeon"}, "unknown channel"),
        ({"summary": ""}, "summarise"),
        ({"received_at": timezone.now() + timedelta(days=1)}, "future"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, case, overrides, message):
    with pytest.raises(RepresentationRefused, match=message):
        record(case, cast.officer, **overrides)
    assert not Representation.objects.exists()
    assert not AuditEvent.objects.filter(action="representation.recorded").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cases_representation SET summary = 'nothing happened'",
        "DELETE FROM cases_representation",
        "TRUNCATE cases_representation CASCADE",
    ],
)
def test_the_database_refuses_to_change_or_remove_one(cast, case, statement):
    record(case, cast.officer)
    with (
        pytest.raises(DatabaseError, match="representations are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Fire the deferred foreign key checks of the inserts first, or PostgreSQL refuses a
        # TRUNCATE for that reason before the trigger is asked.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)
    assert Representation.objects.get().summary == PRESS_OFFICE_CALL


def test_the_orm_cannot_delete_one_either(cast, case):
    representation = record(case, cast.officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        representation.delete()
    assert Representation.objects.filter(pk=representation.pk).exists()


def test_oversight_and_the_team_see_it_and_an_outsider_does_not(cast, case):
    representation = record(case, cast.officer)
    assert list(representations.representations_on_case(cast.oversight, case)) == [representation]
    assert list(representations.representations_on_case(cast.officer, case)) == [representation]
    assert not representations.representations_on_case(cast.outsider, case).exists()
    assert list(representations.recent_representations(cast.oversight)) == [representation]
    assert not representations.recent_representations(cast.officer).exists()


@pytest.mark.parametrize("party", [Party.COMPLAINANT, Party.RESPONDENT])
def test_both_parties_see_it_under_the_default_rulebook(cast, case, party):
    record(case, cast.officer)
    shown = representations.representations_for_party(case, party=party)
    assert [(r.made_by_name, r.position, r.summary) for r in shown] == [
        ("Paula Press", "Press office", PRESS_OFFICE_CALL)
    ]


def test_a_rulebook_can_keep_them_from_the_parties(cast):
    source = default_rulebook_source().replace(
        "  disclosed_to_parties: true", "  disclosed_to_parties: false"
    )
    assert source != default_rulebook_source()
    adopt_rulebook(cast.organisation, source=source, actor=None)
    case = file_case(cast)
    record(case, cast.officer)
    for party in Party.values:
        assert representations.representations_for_party(case, party=party) == []
    assert representations.representations_on_case(cast.oversight, case).count() == 1


# --- The pages ---------------------------------------------------------------------------------


def test_the_officer_records_one_through_the_page(client, cast, case):
    client.force_login(cast.officer)
    url = reverse("cases:representations", args=[case.pk])
    response = client.post(
        url,
        {
            "made_by_name": "Cllr Eve Elected",
            "made_by_role": "Leader of the council",
            "position": "elected_representative",
            "channel": "email",
            "summary": "Asked that the case be dropped before the selection meeting.",
        },
    )
    assert response.status_code == 302
    assert Representation.objects.get().made_by_name == "Cllr Eve Elected"
    page = client.get(url)
    assert "Cllr Eve Elected" in page.content.decode()


def test_a_refused_form_changes_nothing(client, cast, case):
    client.force_login(cast.officer)
    url = reverse("cases:representations", args=[case.pk])
    response = client.post(url, {"made_by_name": "", "position": "other", "channel": "email"})
    assert response.status_code == 400
    assert not Representation.objects.exists()


def test_oversight_reads_but_is_offered_no_form(client, cast, case):
    record(case, cast.officer)
    client.force_login(cast.oversight)
    page = client.get(reverse("cases:representations", args=[case.pk]))
    assert page.status_code == 200
    assert "Paula Press" in page.content.decode()
    assert "Record the representation" not in page.content.decode()
    assert client.post(reverse("cases:representations", args=[case.pk])).status_code == 403
    recent = client.get(reverse("cases:recent_representations"))
    assert recent.status_code == 200
    assert case.reference in recent.content.decode()


def test_an_outsider_gets_404_and_no_oversight_list(client, cast, case):
    record(case, cast.officer)
    client.force_login(cast.outsider)
    assert client.get(reverse("cases:representations", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:representations", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:recent_representations")).status_code == 403
    assert Representation.objects.count() == 1


# --- The console -------------------------------------------------------------------------------


def test_the_operator_records_one_from_the_console(cast, case):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "case",
        "representation",
        str(case.pk),
        "--from",
        "Leader's office",
        "--position",
        "senior_official",
        "--channel",
        "phone",
        "--summary",
        "Asked for the case to be closed quickly.",
        stdout=out,
    )
    assert f"recorded on {case.reference}" in out.getvalue()
    representation = Representation.objects.get()
    assert representation.recorded_by is None
    assert AuditEvent.objects.filter(action="representation.recorded", actor_id=None).exists()


def test_the_console_refuses_an_empty_summary_in_one_line(cast, case):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=f"{case.reference}: summarise"):
        call_command(
            "case",
            "representation",
            str(case.pk),
            "--from",
            "Press office",
            "--position",
            "press_office",
            "--channel",
            "email",
            "--summary",
            " ",
        )
    assert not Representation.objects.exists()
