"""A finding per allegation with reasons; sanctions within the rulebook's guidance, or outside
it only with recorded reasons for the departure."""

from __future__ import annotations

import pytest

from redress.cases import services
from redress.cases.models import Allegation, Case
from redress.cases.services import CaseError
from tests.factories import REASONS, Cast, file_case, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def deciding(cast: Cast) -> Case:
    return walk_to(file_case(cast), "decision", cast)


def find(case: Case, cast: Cast, **kwargs: str) -> Allegation:
    allegation = case.allegations.get()
    return services.record_finding(allegation, actor=cast.panellist, **kwargs)  # type: ignore[arg-type]


def test_a_finding_without_reasons_is_refused(cast: Cast, deciding: Case) -> None:
    with pytest.raises(CaseError, match="write the reasons"):
        find(deciding, cast, finding="not_upheld", reasons="  ")
    assert deciding.allegations.get().finding == ""


def test_a_withdrawn_allegation_is_a_finding_with_reasons_and_no_sanction(
    cast: Cast, deciding: Case
) -> None:
    allegation = find(deciding, cast, finding="withdrawn", reasons="The complainant withdrew it.")
    assert (allegation.finding, allegation.sanction) == ("withdrawn", "")
    with pytest.raises(CaseError, match="only an upheld finding"):
        find(deciding, cast, finding="withdrawn", reasons=REASONS, sanction="warning")


def test_a_sanction_within_the_guidance_for_the_conduct(cast: Cast, deciding: Case) -> None:
    allegation = find(
        deciding,
        cast,
        finding="upheld",
        reasons=REASONS,
        sanction="suspension",
        sanction_reasons=REASONS,
        conduct="abusive_language_repeated",
    )
    assert (allegation.conduct, allegation.departure_reasons) == ("abusive_language_repeated", "")


def test_a_sanction_outside_the_guidance_without_reasons_is_refused(
    cast: Cast, deciding: Case
) -> None:
    with pytest.raises(CaseError) as refused:
        find(
            deciding,
            cast,
            finding="upheld",
            reasons=REASONS,
            sanction="expulsion",
            sanction_reasons=REASONS,
            conduct="abusive_language_single",
        )
    assert str(refused.value) == (
        "the guidance for this conduct ranges from no action, with advice to required training; "
        "a sanction outside it needs recorded reasons for departing from the guidance"
    )
    assert deciding.allegations.get().finding == ""


def test_a_sanction_outside_the_guidance_with_reasons_is_recorded(
    cast: Cast, deciding: Case
) -> None:
    allegation = find(
        deciding,
        cast,
        finding="upheld",
        reasons=REASONS,
        sanction="expulsion",
        sanction_reasons=REASONS,
        conduct="abusive_language_single",
        departure_reasons="Posted while holding office, to thousands, after two warnings.",
    )
    assert allegation.sanction == "expulsion"
    assert allegation.departure_reasons.startswith("Posted while holding office")


def test_the_conduct_must_be_a_row_of_the_guidance_for_the_category(
    cast: Cast, deciding: Case
) -> None:
    with pytest.raises(CaseError, match="say which conduct in the sanctions guidance"):
        find(
            deciding,
            cast,
            finding="upheld",
            reasons=REASONS,
            sanction="warning",
            sanction_reasons=REASONS,
            conduct="sexual_misconduct",  # a row only for sexual harassment and sexism
        )


def test_a_sanction_without_its_reasons_is_refused(cast: Cast, deciding: Case) -> None:
    with pytest.raises(CaseError, match="reasons for the sanction"):
        find(
            deciding,
            cast,
            finding="upheld",
            reasons=REASONS,
            sanction="warning",
            conduct="harassment_of_a_person",
        )
