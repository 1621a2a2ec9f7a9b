"""The fact table follows live cases through their milestones, by the hooks and the refresh."""

import time_machine
from django.utils import timezone

from redress.analytics.facts import complainant_ref, refresh_case_facts
from redress.analytics.models import CaseFact, Source
from redress.analytics.selectors import case_facts, closed_between, fact_of_case, open_on
from redress.cases import services
from redress.people.equality import Declaration, declare_equality
from redress.people.models import Unit
from tests.factories import file_case, walk_to


def test_a_filed_complaint_has_a_fact_row_at_once(cast):
    declare_equality(cast.complainant, declaration=Declaration(ethnic_group="black"))
    case = file_case(cast, categories=("islamophobia",))
    fact = fact_of_case(case.pk)
    assert fact is not None
    assert fact.source == Source.LIVE
    assert fact.reference == case.reference
    assert fact.category == "islamophobia"
    assert fact.complainant_group == "black"
    assert fact.complainant_ref == complainant_ref(cast.organisation.pk, cast.complainant.pk)
    assert str(cast.complainant.pk) != fact.complainant_ref
    assert fact.received_on == timezone.localdate()
    assert (fact.triaged_on, fact.closed_on, fact.outcome) == (None, None, "")


def test_an_anonymous_complaint_has_no_complainant_ref(cast):
    case = file_case(cast, anonymous=True)
    fact = fact_of_case(case.pk)
    assert fact is not None
    assert (fact.complainant_ref, fact.complainant_group) == ("", "")


def test_milestones_outcome_and_sanction_follow_the_case_to_closure(cast):
    cast.respondent.unit = Unit.objects.create(
        organisation=cast.organisation, name="North Branch", kind="branch"
    )
    cast.respondent.save()
    case = file_case(cast, categories=("antisemitism", "bullying"))
    filed_on = timezone.localdate()
    walk_to(case, "investigation", cast)
    fact = fact_of_case(case.pk)
    assert fact is not None
    assert fact.triaged_on == filed_on
    assert fact.investigation_started_on == filed_on
    assert fact.respondent_unit == "North Branch"
    assert fact.category == "antisemitism"
    walk_to(case, "appeal_window", cast)
    fact.refresh_from_db()
    assert fact.decided_on == filed_on
    assert fact.closed_on is None
    with time_machine.travel(timezone.now() + timezone.timedelta(days=30)):
        services.transition_case(case, to="closed", actor=cast.officer)
        closed_on = timezone.localdate()
    fact.refresh_from_db()
    assert (fact.closed_on, fact.outcome, fact.sanction) == (closed_on, "upheld", "warning")
    assert list(closed_between(cast.organisation, closed_on, closed_on)) == [fact]
    assert not open_on(cast.organisation, closed_on).exists()
    assert list(open_on(cast.organisation, filed_on)) == [fact]


def test_a_case_closed_at_triage_was_decided_when_it_closed(cast):
    case = file_case(cast)
    for kind, outcome in (("triage", "no_further_action"), ("interim_measures", "not_needed")):
        services.record_decision(
            case, kind=kind, outcome=outcome, reasons="Reasons in full.", actor=cast.officer
        )
    services.transition_case(case, to="closed", actor=cast.officer)
    fact = fact_of_case(case.pk)
    assert fact is not None
    assert fact.outcome == "no_further_action"
    assert fact.decided_on == fact.closed_on == fact.triaged_on == timezone.localdate()
    assert fact.investigation_started_on is None


def test_refresh_rebuilds_rows_and_leaves_imported_ones_alone(cast):
    cases = [file_case(cast) for _ in range(3)]
    CaseFact.objects.filter(case__in=cases).delete()
    imported = CaseFact.objects.create(
        organisation=cast.organisation,
        source=Source.IMPORTED,
        reference="OLD-1",
        category="other",
        received_on=timezone.localdate(),
        refreshed_at=timezone.now(),
    )
    result = refresh_case_facts(organisation=cast.organisation)
    assert result.refreshed == 3
    assert case_facts(cast.organisation, source=Source.LIVE).count() == 3
    assert case_facts(cast.organisation).get(reference="OLD-1") == imported
    assert refresh_case_facts(organisation=cast.organisation).refreshed == 3
    assert case_facts(cast.organisation).count() == 4
