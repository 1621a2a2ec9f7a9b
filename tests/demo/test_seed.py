"""The synthetic organisation: reproducible, complete, and built through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from redress.audit.services import seal_pending
from redress.audit.verify import verify_audit_log
from redress.cases.models import Case, Complaint, Deadline, EmergencyAccess, InterimSuspension
from redress.demo.register import DEMO_PASSWORD, LOGIN_ROLES
from redress.demo.seed import SeedError, seed_organisation
from redress.people.equality import profiles_of
from redress.people.models import Person, Unit, User
from redress.rulebook.selectors import current_version, parsed

from .helpers import FAST_HASHERS

MEMBERS, CASES = 50, 30


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class SeededOrganisationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = seed_organisation(members=MEMBERS, cases=CASES, seed=11)
        cls.organisation = cls.summary.organisation
        cls.cases = Case.objects.filter(organisation=cls.organisation)

    def test_most_members_declare_equality_and_some_an_ethnic_minority(self) -> None:
        members = Person.objects.filter(organisation=self.organisation, kind="member")
        profiles = list(profiles_of(self.organisation).filter(person__in=members))

        assert MEMBERS // 2 <= len(profiles) <= MEMBERS
        assert {"woman", "man"} <= {p.gender for p in profiles}
        assert any(p.declares_ethnic_minority for p in profiles)
        assert any(not p.declares_ethnic_minority for p in profiles)

    def test_a_case_rests_at_every_stage_it_can(self) -> None:
        stages = set(parsed(current_version(self.organisation)).stages)
        # Redress moves every complaint from "received" to triage as it arrives.
        assert set(self.cases.values_list("stage", flat=True)) == stages - {"received"}
        assert self.summary.cases == CASES

    def test_closed_cases_were_closed_by_every_route(self) -> None:
        outcomes = set(self.cases.filter(stage="closed").values_list("outcome", flat=True))
        assert {"no_further_action", "informal_resolution", "no_case_to_answer"} <= outcomes
        assert outcomes & {"upheld", "not_upheld"}

    def test_the_audit_log_verifies(self) -> None:
        seal_pending(self.organisation.pk)  # as the seed's commit would (this one never commits)
        result = verify_audit_log(organisation=self.organisation.slug)
        assert result.ok, result.failure
        assert result.events_checked > MEMBERS + CASES * 5

    def test_history_spans_months_and_nothing_is_in_the_future(self) -> None:
        now = timezone.now()
        oldest = self.cases.order_by("opened_at").first()
        newest = self.cases.order_by("-opened_at").first()
        assert oldest is not None and newest is not None
        assert now - oldest.opened_at > timedelta(days=180)
        assert newest.opened_at < now
        assert not self.cases.filter(stage_entered_at__gt=now).exists()

    def test_some_open_cases_are_overdue_and_some_are_not(self) -> None:
        today = timezone.localdate()
        running = Deadline.objects.filter(case__in=self.cases, met_at__isnull=True)
        assert running.filter(due_on__lt=today).exists()
        assert running.filter(due_on__gte=today).exists()

    def test_a_sign_in_for_every_role_with_the_demo_password(self) -> None:
        for role in LOGIN_ROLES:
            user = authenticate(username=str(role), password=DEMO_PASSWORD)
            assert isinstance(user, User), role
            assert user.has_role(role)

    def test_units_form_a_tree_of_nations_regions_and_branches(self) -> None:
        units = Unit.objects.filter(organisation=self.organisation)
        for branch in units.filter(kind=Unit.Kind.BRANCH).select_related("parent__parent"):
            assert branch.parent is not None and branch.parent.kind == Unit.Kind.REGION
            assert branch.parent.parent is not None
            assert branch.parent.parent.kind == Unit.Kind.NATION
        members = Person.objects.filter(organisation=self.organisation, kind=Person.Kind.MEMBER)
        assert members.count() == MEMBERS
        assert not members.filter(unit=None).exists()

    def test_an_anonymous_and_a_confidential_complaint(self) -> None:
        complaints = Complaint.objects.filter(case__in=self.cases)
        assert complaints.filter(anonymous=True, complainant=None).exists()
        assert complaints.filter(submitted__identity_confidential=True).exists()

    def test_an_interim_suspension_in_force_after_its_notice(self) -> None:
        suspension = InterimSuspension.objects.get(case__in=self.cases)
        assert suspension.status == InterimSuspension.Status.IN_FORCE
        assert suspension.notice is not None
        assert suspension.lapses_on is not None and suspension.lapses_on > timezone.localdate()

    def test_an_emergency_access_awaits_oversight(self) -> None:
        access = EmergencyAccess.objects.get(case__in=self.cases)
        assert access.reviewed_by_oversight_at is None
        assert not access.case.assignments.filter(user=access.user).exists()


def _fingerprint(seed: int) -> list[tuple[str, ...]]:
    """What the organisation built from `seed` is, independent of ids and dates."""
    with transaction.atomic():
        summary = seed_organisation(members=20, cases=15, seed=seed)
        cases = Case.objects.filter(organisation=summary.organisation)
        rows = sorted(
            (
                case.stage,
                case.outcome,
                ",".join(complaint.categories),
                case.respondent.name,
                complaint.complainant.name if complaint.complainant else "(anonymous)",
                complaint.summary,
            )
            for case in cases.select_related("respondent")
            for complaint in case.complaints.select_related("complainant")
        )
        people = sorted(
            Person.objects.filter(organisation=summary.organisation).values_list(
                "name", "unit__name"
            )
        )
        transaction.set_rollback(True)
    return [*rows, *people]


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_organisation_and_another_seed_another() -> None:
    first = _fingerprint(5)
    assert _fingerprint(5) == first
    assert _fingerprint(6) != first


@pytest.mark.django_db
def test_too_few_members_is_refused() -> None:
    with pytest.raises(SeedError, match="at least 10 members"):
        seed_organisation(members=3, cases=1, seed=1)
