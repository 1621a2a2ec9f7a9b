"""`redress similar-cases embed` and `redress similar-cases index`."""

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from redress.consistency.models import CaseEmbedding
from tests.factories import file_case


@pytest.mark.django_db
def test_embed_backfills_the_cases_without_an_embedding_and_index_saves_them(
    cast, similar_cases_dir
):
    cases = [file_case(cast), file_case(cast, categories=("sexism",))]
    out = StringIO()
    call_command("similar-cases", "embed", stdout=out)
    assert out.getvalue().strip() == "2 case(s) embedded"
    assert set(CaseEmbedding.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}
    out = StringIO()
    call_command("similar-cases", "embed", stdout=out)
    assert out.getvalue().strip() == "0 case(s) embedded"

    out = StringIO()
    call_command("similar-cases", "index", "--organisation", cast.organisation.slug, stdout=out)
    assert (
        out.getvalue().strip() == f"{cast.organisation.slug}: 2 case(s) in the similar-case index"
    )
    assert (similar_cases_dir / f"organisation-{cast.organisation.pk}.json").exists()


@pytest.mark.django_db
def test_index_refuses_an_unknown_organisation():
    with pytest.raises(CommandError, match="no organisation 'nowhere'"):
        call_command("similar-cases", "index", "--organisation", "nowhere")


def test_a_missing_action_is_one_line_on_stderr():
    run = subprocess.run(
        [sys.executable, "-m", "redress.cli", "similar-cases"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1
