"""Nobody conflicted or untrained can be put on a case, over any interface: the service, the
staff page, the API and `redress case assign` all refuse, and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Assignment, Case, Representation
from redress.cases.services import CaseError
from redress.panels.models import TrainingRecord
from redress.panels.services import PanelError, declare_interest, record_training
from redress.people.models import Person, Unit
from redress.people.services import create_unit, link_person, register_person
from tests.api.conftest import ApiClient
from tests.commands.conftest import redress
from tests.factories import REASONS, Cast, file_case, make_staff, walk_to
from tests.pages.helpers import signed_in, text_of

pytestmark = pytest.mark.django_db


def branch(cast: Cast, name: str = "Eastside") -> Unit:
    region = create_unit(organisation=cast.organisation, name=f"{name} region", kind="region")
    return create_unit(organisation=cast.organisation, name=name, kind="branch", parent=region)


def on_register(cast: Cast, user, name: str, unit: Unit | None = None) -> Person:  # type: ignore[no-untyped-def]
    person = register_person(
        organisation=cast.organisation, name=name, kind=Person.Kind.STAFF, unit=unit
    )
    link_person(user=user, person=person)
    return person


def refused(case: Case, user, role: str, because: str) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.filter(case_id=case.pk).count()
    with pytest.raises(CaseError) as refusal:
        services.assign(case, user=user, role=role, actor=case_coordinator(case))
    assert because in str(refusal.value)
    assert not Assignment.objects.filter(
        case=case, user=user, role=role, ended_at__isnull=True
    ).exists()
    assert AuditEvent.objects.filter(case_id=case.pk).count() == before


def case_coordinator(case: Case):  # type: ignore[no-untyped-def]
    return case.organisation.users.filter(role_grants__role="coordinator").first()


# --- The rule, at the service -------------------------------------------------------------------


def test_a_party_cannot_sit_on_their_own_case(cast: Cast) -> None:
    case = walk_to(file_case(cast), "hearing", cast)
    member = make_staff(cast.organisation, "member", "panellist")
    link_person(user=member, person=cast.respondent)
    refused(case, member, "panellist", "is a party to this case")


def test_someone_named_in_the_complaint_cannot_sit(cast: Cast) -> None:
    case = services.file_complaint(
        cast.organisation,
        categories=["bullying"],
        summary="Kim Okafor-Lane watched it happen and laughed along with the others.",
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case
    services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    member = make_staff(cast.organisation, "kim", "panellist")
    on_register(cast, member, "Kim Okafor-Lane")
    refused(case, member, "panellist", "is named in this case")


def test_someone_who_made_a_representation_cannot_sit(cast: Cast) -> None:
    case = file_case(cast)
    member = make_staff(cast.organisation, "rep", "panellist")
    person = on_register(cast, member, "Lee Representer")
    Representation.objects.create(
        organisation=cast.organisation,
        case=case,
        made_by_name="L. R.",
        made_by_person=person,
        position="senior_official",
        received_at=timezone.now(),
        channel="email",
        summary="Asked for the case to be dropped.",
        recorded_at=timezone.now(),
    )
    refused(case, member, "panellist", "is named in this case")


def test_the_same_local_unit_as_a_party_is_a_conflict(cast: Cast) -> None:
    unit = branch(cast)
    cast.complainant.unit = unit
    cast.complainant.save(update_fields=["unit"])
    case = file_case(cast)
    member = make_staff(cast.organisation, "local", "officer")
    on_register(cast, member, "Pat Neighbour", unit=unit)
    refused(case, member, "officer", "same local unit as a party")


@pytest.mark.parametrize("what", ["person", "unit", "case"])
def test_a_declared_interest_is_a_conflict(cast: Cast, what: str) -> None:
    unit = branch(cast)
    cast.respondent.unit = unit
    cast.respondent.save(update_fields=["unit"])
    case = file_case(cast)
    member = make_staff(cast.organisation, "ally", "investigator")
    target = {"person": cast.respondent, "unit": unit, "case": case}[what]
    declare_interest(member, kind="political", description="An ally.", **{what: target})
    refused(case, member, "investigator", "declared an interest")


def test_a_withdrawn_interest_no_longer_stands_in_the_way(cast: Cast) -> None:
    from redress.panels.services import withdraw_interest

    case = file_case(cast)
    member = make_staff(cast.organisation, "former", "investigator")
    interest = declare_interest(member, kind="personal", description="Old friend.", case=case)
    withdraw_interest(interest, actor=member)
    services.assign(case, user=member, role="investigator", actor=cast.coordinator)


def test_an_investigator_never_sits_on_its_panel(cast: Cast) -> None:
    both = make_staff(cast.organisation, "both", "investigator", "panellist")
    case = file_case(cast)
    services.assign(case, user=both, role="investigator", actor=cast.coordinator)
    refused(case, both, "panellist", "cannot also be panel member")


def test_the_appeal_panel_shares_nobody_with_the_first_panel(cast: Cast) -> None:
    case = walk_to(file_case(cast), "appeal_window", cast)
    refused(case, cast.panellist, "appeal_panellist", "cannot also be appeal panel member")


def test_a_panellist_stood_down_by_a_set_aside_round_never_returns(cast: Cast) -> None:
    case = walk_to(file_case(cast), "appeal", cast)
    services.record_decision(
        case, kind="appeal_outcome", outcome="reheard", reasons=REASONS, actor=cast.appeal_panellist
    )
    services.transition_case(case, to="hearing", actor=cast.appeal_panellist)
    assert Assignment.objects.filter(case=case, user=cast.panellist, stood_down=True).exists()
    refused(case, cast.panellist, "panellist", "panel whose decision was set aside")


def test_an_untrained_decider_cannot_sit(cast: Cast) -> None:
    case = walk_to(file_case(cast, categories=("antisemitism",)), "hearing", cast)
    novice = make_staff(cast.organisation, "novice", "panellist", trained=False)
    record_training(novice, subject="procedure", completed_on=timezone.localdate(), actor=None)
    refused(case, novice, "panellist", "not currently trained in antisemitism")


def test_expired_training_does_not_count(cast: Cast) -> None:
    case = walk_to(file_case(cast), "hearing", cast)
    lapsed = make_staff(cast.organisation, "lapsed", "panellist")
    TrainingRecord.objects.filter(user=lapsed).update(
        completed_on=timezone.localdate() - timedelta(days=900),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    refused(case, lapsed, "panellist", "not currently trained in the rulebook and its procedure")


def test_training_is_not_needed_by_those_who_do_not_decide(cast: Cast) -> None:
    case = file_case(cast)
    untrained = make_staff(cast.organisation, "inv", "investigator", trained=False)
    services.assign(case, user=untrained, role="investigator", actor=cast.coordinator)


def test_training_in_an_unknown_subject_or_in_the_future_is_refused(cast: Cast) -> None:
    with pytest.raises(PanelError, match="no training subject"):
        record_training(
            cast.panellist, subject="astrology", completed_on=timezone.localdate(), actor=None
        )
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(PanelError, match="once it has been completed"):
        record_training(cast.panellist, subject="procedure", completed_on=tomorrow, actor=None)


def test_an_allegation_added_in_a_new_category_needs_the_panel_trained_to_decide_it(
    cast: Cast,
) -> None:
    case = walk_to(file_case(cast), "decision", cast)
    allegation = case.allegations.get()
    TrainingRecord.objects.filter(user=cast.panellist, subject="bullying").delete()
    with pytest.raises(CaseError, match="not currently trained in bullying"):
        services.record_finding(
            allegation, finding="not_upheld", reasons=REASONS, actor=cast.panellist
        )
    allegation.refresh_from_db()
    assert allegation.finding == ""


# --- Every interface refuses --------------------------------------------------------------------


@pytest.fixture
def conflicted(cast: Cast) -> tuple[Case, object]:
    case = walk_to(file_case(cast), "hearing", cast)
    member = make_staff(cast.organisation, "conflicted", "panellist")
    declare_interest(member, kind="relationship", description="Cousin.", person=cast.respondent)
    return case, member


@pytest.fixture
def untrained(cast: Cast) -> tuple[Case, object]:
    case = walk_to(file_case(cast), "hearing", cast)
    return case, make_staff(cast.organisation, "untrained", "panellist", trained=False)


@pytest.fixture(params=["conflicted", "untrained"])
def unfit(request: pytest.FixtureRequest) -> tuple[Case, object, str]:
    case, member = request.getfixturevalue(request.param)
    because = "declared an interest" if request.param == "conflicted" else "not currently trained"
    return case, member, because


def test_the_staff_page_refuses(client: Client, cast: Cast, unfit: tuple) -> None:  # type: ignore[type-arg]
    case, member, because = unfit
    signed_in(client, cast.coordinator)
    response = client.post(
        reverse("cases:team", args=[case.pk]), {"member": f"panellist:{member.pk}"}
    )
    assert response.status_code == 400  # the form again, with the refusal on it
    assert because in text_of(response)
    assert not Assignment.objects.filter(case=case, user=member).exists()


def test_the_api_refuses(cast: Cast, unfit: tuple, api_as: Callable) -> None:  # type: ignore[type-arg]
    case, member, because = unfit
    response = api_as(cast.coordinator).post(
        f"/cases/{case.pk}/team", {"username": member.username, "role": "panellist"}
    )
    assert response.status_code == 409
    assert because in response.json()["error"]
    assert not Assignment.objects.filter(case=case, user=member).exists()


def test_the_console_refuses(cast: Cast, unfit: tuple) -> None:  # type: ignore[type-arg]
    case, member, because = unfit
    with pytest.raises(CommandError, match=because):
        redress("case", "assign", str(case.pk), member.username, "--role", "panellist")
    assert not Assignment.objects.filter(case=case, user=member).exists()


def test_the_api_assigns_someone_fit_and_refuses_callers_who_do_not_staff(
    cast: Cast,
    api_as: Callable,  # type: ignore[type-arg]
) -> None:
    case = file_case(cast)
    refused_call = api_as(cast.officer).post(
        f"/cases/{case.pk}/team", {"username": cast.investigator.username, "role": "investigator"}
    )
    assert refused_call.status_code == 403
    made = api_as(cast.coordinator).post(
        f"/cases/{case.pk}/team", {"username": cast.investigator.username, "role": "investigator"}
    )
    assert made.status_code == 201
    assert made.json()["role"] == "investigator"
    unknown = api_as(cast.coordinator).post(
        f"/cases/{case.pk}/team", {"username": "nobody-at-all", "role": "investigator"}
    )
    assert unknown.status_code == 422


@pytest.fixture
def api_as():  # type: ignore[no-untyped-def]
    from redress.api.auth import create_token

    return lambda user: ApiClient(create_token(user=user))
