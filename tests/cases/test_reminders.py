"""Reminders to the case officer of a case's deadlines: a few working days before, on the day and
once overdue, each sent once; to the coordinators while the case has no officer; never naming
the parties."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from redress.audit.models import AuditEvent
from redress.cases import clocks, services
from redress.cases.models import Case, Deadline, DeadlineReminder
from redress.cases.reminders import send_deadline_reminders
from tests.commands.test_console import run_redress
from tests.factories import Cast, make_staff

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Filed on Monday 3 March 2025: feedback is due three months later, on Tuesday 3 June. Two
# working days before it is Friday 30 May (the weekend between does not count).
FILED = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)
FEEDBACK_DUE = date(2025, 6, 3)


@pytest.fixture(autouse=True)
def mail_and_tasks(settings: Any) -> None:
    """Reminder emails are sent as soon as their row commits, to Django's test mailbox."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REDRESS_REMIND_WORKING_DAYS_BEFORE = 2


@pytest.fixture
def staffed(cast: Cast) -> Cast:
    """The cast, with email addresses for the officer and the coordinator."""
    for user, address in ((cast.officer, "officer@example.org"), (cast.coordinator, "co@x.org")):
        user.email = address
        user.save(update_fields=["email"])
    return cast


def file_on(cast: Cast, moment: datetime = FILED, *, officer: bool = True) -> Case:
    """A case filed at `moment`, with its triage target met at once, so that the feedback clock
    is the only one running."""
    with time_machine.travel(moment, tick=False):
        complaint = services.file_complaint(
            cast.organisation,
            categories=["bullying"],
            summary="Repeated abusive messages from Rex in the branch group chat.",
            respondent=cast.respondent,
            complainant=cast.complainant,
        )
        case = complaint.case
        if officer:
            services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
        clocks.close_stage_deadline(case)
    assert list(case.deadlines.filter(met_at__isnull=True).values_list("kind", flat=True)) == [
        "feedback"
    ]
    return case


def remind_on(day: date, capture: Any) -> list[DeadlineReminder]:
    """Run the reminders as the daily job would on `day`, with its emails sent."""
    morning = datetime(day.year, day.month, day.day, 7, 0, tzinfo=LONDON)
    with time_machine.travel(morning), capture(execute=True):
        return send_deadline_reminders().sent


def feedback_of(case: Case) -> Deadline:
    return case.deadlines.get(kind="feedback", met_at__isnull=True)


def kinds_for(deadline: Deadline) -> list[str]:
    return list(deadline.reminders.order_by("pk").values_list("kind", flat=True))


def test_feedback_is_reminded_two_working_days_before_on_the_day_and_when_overdue(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)
    feedback = feedback_of(case)
    assert feedback.due_on == FEEDBACK_DUE

    remind_on(date(2025, 5, 29), django_capture_on_commit_callbacks)  # three working days out
    assert kinds_for(feedback) == []

    remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)
    assert kinds_for(feedback) == ["due_soon"]
    remind_on(date(2025, 6, 3), django_capture_on_commit_callbacks)
    assert kinds_for(feedback) == ["due_soon", "due_today"]
    remind_on(date(2025, 6, 4), django_capture_on_commit_callbacks)
    assert kinds_for(feedback) == ["due_soon", "due_today", "overdue"]

    sent = [m for m in mail.outbox if "Feedback to the complainant" in m.subject]
    assert [m.subject.split(" on case")[0] for m in sent] == ["Due soon", "Due today", "Overdue"]
    assert all(m.to == ["officer@example.org"] for m in sent)
    assert all(r.emailed_at is not None for r in feedback.reminders.all())


def test_a_reminder_is_sent_once_however_often_the_job_runs(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)
    feedback = feedback_of(case)

    first = remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)
    again = remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)
    next_day = remind_on(date(2025, 6, 2), django_capture_on_commit_callbacks)

    assert [r.deadline_id for r in first] == [feedback.pk]
    assert again == [] and next_day == []
    assert len([m for m in mail.outbox if "Feedback" in m.subject]) == 1
    events = AuditEvent.objects.filter(case_id=case.pk, action="deadline.reminded")
    assert events.count() == 1
    assert events.get().data["kind"] == "due_soon"


def test_a_deadline_found_already_overdue_gets_only_the_overdue_reminder(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)

    remind_on(date(2025, 6, 9), django_capture_on_commit_callbacks)
    remind_on(date(2025, 6, 10), django_capture_on_commit_callbacks)

    assert kinds_for(feedback_of(case)) == ["overdue"]
    (email,) = mail.outbox
    assert email.subject == f"Overdue on case {case.reference}: Feedback to the complainant"
    assert "has passed without being met" in email.body


def test_an_extended_deadline_is_reminded_of_again_for_its_new_date(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)
    feedback = feedback_of(case)
    remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)
    Deadline.objects.filter(pk=feedback.pk).update(due_on=date(2025, 6, 13))

    remind_on(date(2025, 6, 12), django_capture_on_commit_callbacks)

    assert list(feedback.reminders.order_by("pk").values_list("kind", "due_on")) == [
        ("due_soon", FEEDBACK_DUE),
        ("due_soon", date(2025, 6, 13)),
    ]


def test_a_reminder_whose_email_did_not_go_is_queued_again_by_the_next_run(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    file_on(staffed)
    with time_machine.travel(datetime(2025, 5, 30, 7, 0, tzinfo=LONDON)):
        with django_capture_on_commit_callbacks(execute=False):  # the queued task is lost
            (reminder,) = send_deadline_reminders().sent
        assert send_deadline_reminders().requeued == 0  # not yet: its task may still run

    with time_machine.travel(datetime(2025, 5, 30, 9, 0, tzinfo=LONDON)):
        assert send_deadline_reminders().requeued == 1
        assert send_deadline_reminders().requeued == 0

    reminder.refresh_from_db()
    assert reminder.emailed_at is not None
    assert len(mail.outbox) == 1


def test_a_met_deadline_gets_no_reminder(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)
    feedback = feedback_of(case)
    with time_machine.travel(datetime(2025, 5, 20, 9, 0, tzinfo=LONDON)):
        services.serve_notice(case, kind="feedback", actor=staffed.officer)
    feedback.refresh_from_db()
    assert feedback.met_at is not None

    for day in (date(2025, 5, 30), FEEDBACK_DUE, date(2025, 6, 10)):
        remind_on(day, django_capture_on_commit_callbacks)

    assert kinds_for(feedback) == []
    assert not [m for m in mail.outbox if "Feedback" in m.subject]


def test_a_closed_case_gets_no_reminder(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)
    Case.objects.filter(pk=case.pk).update(closed_at=FILED)

    assert remind_on(date(2025, 6, 10), django_capture_on_commit_callbacks) == []


def test_without_a_case_officer_the_coordinators_are_reminded(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    second = make_staff(staffed.organisation, "coordinator2", "coordinator")
    second.email = "co2@x.org"
    second.save(update_fields=["email"])
    make_staff(staffed.organisation, "no-email", "coordinator")  # has no address: not reminded
    case = file_on(staffed, officer=False)

    (reminder,) = remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)

    assert reminder.deadline.case == case
    assert reminder.addressed_to == "coordinators"
    assert set(reminder.recipients.all()) == {staffed.coordinator, second}
    (email,) = mail.outbox
    assert sorted(email.to) == ["co2@x.org", "co@x.org"]


def test_the_officer_and_not_the_coordinators_when_the_case_has_one(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    file_on(staffed)

    (reminder,) = remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)

    assert reminder.addressed_to == "officer"
    assert list(reminder.recipients.all()) == [staffed.officer]


def test_an_officer_taken_off_the_case_is_no_longer_reminded(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = file_on(staffed)
    assignment = case.assignments.get(user=staffed.officer)
    services.end_assignment(assignment, actor=staffed.coordinator, reason="Moved to other work.")

    (reminder,) = remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)

    assert reminder.addressed_to == "coordinators"
    assert mail.outbox[0].to == ["co@x.org"]


def test_the_email_names_the_case_deadline_and_date_and_no_party(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    staffed.complainant.aliases = ["Ada C."]
    staffed.complainant.save(update_fields=["aliases"])
    case = file_on(staffed)

    remind_on(date(2025, 5, 30), django_capture_on_commit_callbacks)

    (email,) = mail.outbox
    assert email.subject == f"Due soon on case {case.reference}: Feedback to the complainant"
    assert "Feedback to the complainant, due on Tuesday 3 June 2025" in email.body
    assert f"/cases/{case.pk}/" in email.body
    everything = (email.subject + email.body + str(email.extra_headers)).casefold()
    for party in (staffed.complainant, staffed.respondent):
        for detail in (party.name, party.email, party.membership_number, "Rex", "Ada"):
            assert detail.casefold() not in everything
    assert "bullying" not in everything and "group chat" not in everything


def test_a_deadline_with_nobody_to_remind_is_reported_and_tried_again(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """Nobody has an email address: nothing is recorded, so the next run tries again."""
    case = file_on(cast, officer=False)

    with time_machine.travel(datetime(2025, 5, 30, 7, 0, tzinfo=LONDON)):
        run = send_deadline_reminders()

    assert run.sent == []
    assert run.nobody_to_remind == [case.reference]
    assert not DeadlineReminder.objects.exists()


def test_the_early_reminder_follows_the_setting(
    staffed: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REDRESS_REMIND_WORKING_DAYS_BEFORE = 0
    case = file_on(staffed)

    remind_on(date(2025, 6, 2), django_capture_on_commit_callbacks)
    remind_on(FEEDBACK_DUE, django_capture_on_commit_callbacks)

    assert kinds_for(feedback_of(case)) == ["due_today"]


# --- redress remind ------------------------------------------------------------------------------


def test_remind_prints_how_many_and_exits_zero(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    file_on(staffed)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--today", "2025-05-30", stdout=out)

    assert out.getvalue() == "1 reminder(s) sent\n"
    assert len(mail.outbox) == 1


def test_remind_exits_one_when_a_deadline_has_nobody_to_remind(cast: Cast) -> None:
    case = file_on(cast, officer=False)

    with pytest.raises(CommandError) as refused:
        call_command("remind", "--today", "2025-05-30", stdout=StringIO())

    assert refused.value.returncode == 1  # what `redress remind` exits with
    assert case.reference in str(refused.value)


def test_remind_refuses_a_bad_setting(settings: Any) -> None:
    settings.REDRESS_REMIND_WORKING_DAYS_BEFORE = -1

    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("remind", stdout=StringIO())


def test_remind_queue_leaves_the_run_to_the_worker(
    staffed: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    file_on(staffed)
    out = StringIO()

    morning = datetime(2025, 5, 30, 7, 0, tzinfo=LONDON)
    with time_machine.travel(morning), django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--queue", stdout=out)

    assert out.getvalue().startswith("reminders queued for the worker")
    assert DeadlineReminder.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "status", "stderr"),
    [
        (
            ("remind", "--today", "next friday"),
            2,
            "redress remind: error: argument --today: 'next friday' is not a date like 2025-03-31",
        ),
        (
            ("remind", "--queue", "--today", "2025-05-30"),
            1,
            "CommandError: --queue runs as of the day the worker takes it; drop --today",
        ),
    ],
)
def test_remind_bad_input_exits_non_zero_with_one_line(args: Any, status: int, stderr: str) -> None:
    result: subprocess.CompletedProcess[str] = run_redress(*args)
    assert result.returncode == status
    assert result.stderr.splitlines() == [stderr]


def test_remind_at_the_console_exits_zero_when_nothing_is_due() -> None:
    """The child process sees none of this test's (uncommitted) rows: nothing is due."""
    result = run_redress("remind")
    assert (result.returncode, result.stdout, result.stderr) == (0, "0 reminder(s) sent\n", "")
