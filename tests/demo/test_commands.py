"""`redress demo`, `seed`, `worker` and `serve`: what they do and what they refuse."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from redress.cases.models import Case
from redress.demo.register import DEMO_PASSWORD
from redress.people.models import Organisation

DEMO = ("demo", "--no-serve", "--members", "20", "--cases", "15")


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_demo_seeds_an_empty_database_and_prints_a_sign_in_per_role(var_dir: Path) -> None:
    out = run(*DEMO)
    assert "Seeded Fairhaven" in out
    assert DEMO_PASSWORD in out
    for username in ("coordinator", "officer", "oversight", "admin"):
        assert f" {username}\n" in out


@pytest.mark.django_db
def test_demo_does_not_seed_a_database_that_has_an_organisation(var_dir: Path) -> None:
    run(*DEMO)
    cases = Case.objects.count()
    out = run(*DEMO)
    assert "not seeding again" in out
    assert Organisation.objects.count() == 1
    assert Case.objects.count() == cases
    assert DEMO_PASSWORD in out  # the sign-ins are printed on every start


@pytest.mark.django_db
def test_seed_refuses_a_slug_already_taken() -> None:
    run("seed", "--members", "20", "--cases", "2")
    with pytest.raises(CommandError, match="already exists"):
        run("seed", "--members", "20", "--cases", "2")


@pytest.mark.django_db
def test_seed_refuses_too_few_members() -> None:
    with pytest.raises(CommandError, match="at least 10 members"):
        run("seed", "--members", "2")
    assert not Organisation.objects.exists()


@task()
def send_test_mail(subject: str) -> None:
    mail.send_mail(subject, "body", "from@example.org", ["to@example.org"])


@pytest.mark.django_db
def test_worker_runs_the_queued_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker drops stale connections each time it wakes; inside the test's transaction
    # that would end the transaction, so it is told the connection is fine.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    send_test_mail.enqueue("queued for the worker")
    assert not mail.outbox
    run("worker", "--batch")
    assert [m.subject for m in mail.outbox] == ["queued for the worker"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_worker_refuses_when_tasks_run_inline(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(CommandError, match="runs tasks without a worker"):
        run("worker")


@pytest.mark.parametrize(("option", "value"), [("--port", "70000"), ("--workers", "0")])
def test_serve_refuses_a_bad_port_or_worker_count(option: str, value: str) -> None:
    with pytest.raises(CommandError):
        run("serve", option, value, "--no-collectstatic")
