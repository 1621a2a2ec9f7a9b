"""`redress stats release --period 2026Q3`."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management.base import CommandError

from redress.people.models import Organisation
from redress.transparency.models import Release
from tests.commands.conftest import redress
from tests.commands.test_console import run_redress

from .conftest import add_facts


@time_machine.travel("2026-11-25 09:00Z", tick=False)
def test_release_publishes_and_prints_where_and_the_audit_head(
    organisation: Organisation,
) -> None:
    add_facts(organisation, 20, received_on=date(2026, 7, 6))

    out = redress("stats", "release", "--period", "2026Q3", "--organisation", organisation.slug)

    release = Release.objects.get(organisation=organisation)
    lines = out.splitlines()
    assert lines[0].startswith(
        f"Published 2026Q3 for {organisation.name} at /transparency/{organisation.slug}/2026Q3/"
    )
    assert lines[1] == (f"Audit log head at event {release.audit_seq}: {release.audit_head_hash}")


@time_machine.travel("2026-11-25 09:00Z", tick=False)
def test_a_refused_release_is_one_line_naming_the_reason(organisation: Organisation) -> None:
    with pytest.raises(CommandError, match=r"^2026Q4 has not ended yet"):
        redress("stats", "release", "--period", "2026Q4", "--organisation", organisation.slug)

    assert not Release.objects.exists()


def test_a_bad_quarter_exits_non_zero_with_one_line_on_stderr(db: None) -> None:
    result = run_redress("stats", "release", "--period", "2026-09")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "CommandError: '2026-09' is not a quarter: write it as 2026Q3"
    ]


@time_machine.travel("2026-11-25 09:00Z", tick=False)
def test_a_release_that_would_reveal_a_small_count_is_refused_naming_the_cell(
    organisation: Organisation,
) -> None:
    add_facts(organisation, 12, received_on=date(2026, 2, 2))
    add_facts(organisation, 15, received_on=date(2026, 5, 5))
    redress("stats", "release", "--period", "2026Q2", "--organisation", organisation.slug)
    add_facts(organisation, 5, received_on=date(2026, 8, 3))

    with pytest.raises(CommandError) as refused:
        redress("stats", "release", "--period", "2026Q3", "--organisation", organisation.slug)

    message = str(refused.value)
    assert message.startswith(
        "2026Q3 is refused: 2026Q3 received: Bullying and harassment could be worked out"
    )
    assert "\n" not in message
    assert list(Release.objects.values_list("period", flat=True)) == ["2026Q2"]
