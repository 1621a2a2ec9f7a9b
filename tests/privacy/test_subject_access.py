"""Subject access: everything about the person, nobody else's name or email, the confidential
complainant hidden from the respondent, due in a calendar month, audited; the command and page."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.cases import representations, services
from redress.cases.models import Representation
from redress.people.models import RoleGrant
from redress.privacy import export
from redress.privacy.models import SubjectAccessRequest
from redress.privacy.services import (
    SubjectAccessRefused,
    export_for,
    receive_subject_access_request,
)
from tests.factories import make_person, walk_to

SUMMARY = (
    "Rex Respondent called Ada Complainant a liar in the branch meeting and Wendy Witness "
    "heard it. Ada wrote to him at once."
)


@pytest.fixture
def case(cast):
    witness = make_person(cast.organisation, "Wendy Witness")
    complaint = services.file_complaint(
        cast.organisation,
        categories=["bullying"],
        summary=SUMMARY,
        respondent=cast.respondent,
        complainant=cast.complainant,
        respondent_as_named="Councillor R. Respondent",
        submitted={"identity_confidential": True, "witnesses": [witness.name]},
    )
    case = complaint.case
    services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    representations.record_representation(
        case,
        made_by_name="Cllr Eve Elected",
        position=Representation.Position.ELECTED_REPRESENTATIVE,
        channel=Representation.Medium.EMAIL,
        summary="Eve Elected asked that Rex Respondent be spared before the selection.",
        actor=cast.officer,
    )
    return walk_to(case, "charging", cast)


def files_of(archive: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: orjson.loads(opened.read(name)) for name in opened.namelist()}


def everything(files: dict[str, Any]) -> str:
    return orjson.dumps(files).decode()


def assert_absent(text: str, hidden: list[str]) -> None:
    for word in hidden:
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word


def staff_names(cast) -> list[str]:
    users = [
        cast.coordinator,
        cast.officer,
        cast.investigator,
        cast.decision_maker,
        cast.oversight,
    ]
    return [u.username for u in users]


def test_the_respondents_export_holds_their_case_and_nobody_elses_identity(cast, case):
    request = export_for(cast.respondent, actor=None)
    files = files_of(bytes(request.archive))
    text = everything(files)
    assert files["person.json"]["name"] == "Rex Respondent"
    assert files["person.json"]["email"] == cast.respondent.email
    [against] = files["cases_against.json"]
    assert against["reference"] == case.reference
    assert against["responses"][0]["text"] == "I deny the allegations."
    assert {d["decided_by"] for d in against["decisions"]} == {"[staff]"}
    particulars = against["allegations"][0]["particulars"]
    assert particulars.startswith("Rex Respondent called [complainant] a liar")
    assert "[witness] heard it. [complainant] wrote" in particulars
    assert files["notices.json"], "the investigation notice was served on the respondent"
    [representation] = files["representations.json"]
    assert representation["made_by"] == "[elected representative]"
    assert representation["summary"].startswith("[elected representative] asked")
    assert files["complaints_made.json"] == []
    # The confidential complainant, the witness, the maker and the staff are nowhere.
    assert_absent(
        text,
        [
            "Ada",
            "Complainant",
            cast.complainant.email,
            cast.complainant.membership_number,
            "Wendy",
            "Eve",
            *staff_names(cast),
        ],
    )


def test_the_complainants_export_holds_their_complaint_and_not_the_respondent(cast, case):
    files = files_of(bytes(export_for(cast.complainant, actor=None).archive))
    text = everything(files)
    [complaint] = files["complaints_made.json"]
    assert complaint["summary"].startswith("[respondent] called Ada Complainant a liar")
    assert complaint["respondent_as_named"] == "[respondent]"
    assert complaint["submitted"]["witnesses"] == ["[witness]"]
    assert files["cases_complained_of.json"][0]["reference"] == case.reference
    assert files["cases_against.json"] == []
    assert_absent(text, ["Rex", cast.respondent.email, "Wendy", "Eve", *staff_names(cast)])


def test_the_json_is_in_a_fixed_order(cast, case):
    first = export.subject_documents(cast.respondent)
    second = export.subject_documents(cast.respondent)
    assert orjson.dumps(first, option=export.JSON_OPTIONS) == orjson.dumps(
        second, option=export.JSON_OPTIONS
    )
    times = [e["occurred_at"] for e in first["audit_events.json"]]
    assert times == sorted(times) and times
    archive = export.build_archive(first, manifest={"request": 1})
    assert archive == export.build_archive(second, manifest={"request": 1})
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == ["manifest.json", *sorted(first)]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime(2025, 3, 14, 10, tzinfo=UTC), "2025-04-14"),
        (datetime(2025, 1, 31, 10, tzinfo=UTC), "2025-02-28"),
        (datetime(2024, 12, 15, 10, tzinfo=UTC), "2025-01-15"),
    ],
)
def test_due_one_calendar_month_after_receipt(cast, received, due):
    request = receive_subject_access_request(cast.respondent, actor=None, received_at=received)
    assert request.due_on.isoformat() == due


def test_receiving_and_exporting_are_audited(cast, case):
    request = export_for(cast.respondent, actor=cast.oversight)
    received = AuditEvent.objects.get(action="privacy.subject_access_received")
    exported = AuditEvent.objects.get(action="privacy.subject_access_exported")
    assert received.object_id == exported.object_id == str(request.pk)
    assert exported.actor_id == cast.oversight.pk
    assert exported.data["sha256"] == request.archive_sha256
    assert exported.data["person_id"] == cast.respondent.pk
    assert request.fulfilled_at is not None


@pytest.mark.parametrize("who", ["officer", "coordinator", "outsider"])
def test_only_oversight_or_an_administrator_handles_a_request(cast, who):
    with pytest.raises(SubjectAccessRefused):
        receive_subject_access_request(cast.respondent, actor=getattr(cast, who))
    assert not SubjectAccessRequest.objects.exists()


# --- The command -------------------------------------------------------------------------------


def test_the_command_writes_the_archive(cast, case, tmp_path: Path):
    target = tmp_path / "rex.zip"
    out = StringIO()
    call_command(
        "privacy",
        "export",
        "--person",
        str(cast.respondent.pk),
        "--output",
        str(target),
        stdout=out,
    )
    assert "Wrote" in out.getvalue()
    files = files_of(target.read_bytes())
    assert files["person.json"]["id"] == cast.respondent.pk
    assert files["manifest.json"]["due_on"] == SubjectAccessRequest.objects.get().due_on.isoformat()


def test_the_command_refuses_an_unknown_person_and_changes_nothing(cast):
    with pytest.raises(CommandError, match="no person with id 999999"):
        call_command("privacy", "export", "--person", "999999", stdout=StringIO())
    assert not SubjectAccessRequest.objects.exists()


def test_the_command_refuses_to_overwrite_a_file(cast, tmp_path: Path):
    target = tmp_path / "there.zip"
    target.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "privacy", "export", "--person", str(cast.respondent.pk), "--output", str(target)
        )
    assert target.read_bytes() == b"keep me"
    assert not SubjectAccessRequest.objects.exists()


def test_the_console_exits_non_zero_with_one_line_for_an_unknown_person(db):
    from tests.commands.test_console import run_redress

    result = run_redress("privacy", "export", "--person", "424242")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["CommandError: no person with id 424242"]
    assert result.stdout == ""


# --- The page ----------------------------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_oversight_logs_a_request_and_downloads_the_archive(
    client, cast, case, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(cast.oversight)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:requests"), {"person_id": cast.respondent.pk})
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get()
    assert request.fulfilled_at is not None
    page = client.get(reverse("privacy:requests"))
    assert reverse("privacy:archive", args=[request.pk]) in page.content.decode()
    download = client.get(reverse("privacy:archive", args=[request.pk]))
    assert download["Content-Type"] == "application/zip"
    assert files_of(download.content)["person.json"]["id"] == cast.respondent.pk
    assert AuditEvent.objects.filter(action="privacy.subject_access_downloaded").count() == 1


def test_an_administrator_may_use_the_page(client, cast):
    RoleGrant.objects.create(organisation=cast.organisation, user=cast.coordinator, role="admin")
    client.force_login(cast.coordinator)
    assert client.get(reverse("privacy:requests")).status_code == 200


def test_an_unknown_person_is_a_form_error(client, cast):
    client.force_login(cast.oversight)
    response = client.post(reverse("privacy:requests"), {"person_id": 2**62})
    assert response.status_code == 400
    assert "No person with that id" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_staff_outside_oversight_are_refused(client, cast):
    request = export_for(cast.respondent, actor=None)
    for who in (cast.officer, cast.outsider, cast.coordinator):
        client.force_login(who)
        assert client.get(reverse("privacy:requests")).status_code == 403
        assert client.get(reverse("privacy:archive", args=[request.pk])).status_code == 403
        assert client.post(reverse("privacy:requests"), {"person_id": 1}).status_code == 403
    assert not AuditEvent.objects.filter(action="privacy.subject_access_downloaded").exists()
