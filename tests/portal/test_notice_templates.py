"""Notice templates: Redress's defaults say what each notice must; an organisation's own
wording is checked, sandboxed, audited and used."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases import services, suspensions
from redress.cases.models import Notice
from redress.portal import notice_templates
from redress.portal.notice_templates import NoticeTemplateError, check_template, save_template
from tests.factories import REASONS, Cast, file_case, walk_to

pytestmark = pytest.mark.django_db

KINDS_WITH_REQUIREMENTS = sorted(notice_templates.REQUIREMENTS)


@pytest.mark.parametrize("kind", KINDS_WITH_REQUIREMENTS)
def test_every_default_template_says_what_its_notice_must(kind: str) -> None:
    subject, body = notice_templates.split_subject(notice_templates.default_source(kind))
    check_template(kind, subject, body)


@pytest.mark.parametrize(
    "source",
    [
        '{% include "base.html" %}',
        '{% extends "base.html" %}',
        "{% load static %}",
        "{% debug %}",
        "{% url 'portal:sign_in' %}",
        "{{ allegations|pprint }}",
        "{% csrf_token %}",
    ],
)
def test_a_template_cannot_reach_beyond_its_data(source: str) -> None:
    with pytest.raises(NoticeTemplateError, match="cannot be read"):
        notice_templates.render_text(source, notice_templates.sample_context("generic"))


def test_a_template_is_given_plain_data_only(cast: Cast) -> None:
    case = walk_to(file_case(cast), "investigation", cast)
    from redress.cases.notices import notice_context
    from redress.rulebook.selectors import parsed

    context = notice_context(case, parsed(case.rulebook), kind="investigation", party="respondent")
    text = notice_templates.render_text(
        "[{{ case.complaints }}][{{ case.respondent.email }}][{{ allegations.0.clear }}]"
        "[{{ allegations.0.particulars }}]",
        context,
    )
    assert text == "[][][][Repeated abusive messages in the branch group chat.]"


def test_a_template_missing_a_required_content_is_refused(cast: Cast) -> None:
    with pytest.raises(NoticeTemplateError, match="the date the response is due"):
        save_template(
            cast.organisation.pk,
            kind="investigation",
            subject="Investigation {{ case.reference }}",
            body="{% for a in allegations %}{{ a.particulars }}{% endfor %}",
            actor=None,
        )


def test_an_organisations_template_is_used_and_audited(cast: Cast) -> None:
    body = (
        "Dear {{ recipient.name }}, we are looking into: "
        "{% for a in allegations %}{{ a.particulars }}{% endfor %}. "
        'Reply by {{ respond_by|date:"j F Y" }}.'
    )
    save_template(
        cast.organisation.pk,
        kind="investigation",
        subject="Our letter about {{ case.reference }}",
        body=body,
        actor=cast.officer,
    )
    assert AuditEvent.objects.filter(action="notice_template.saved").exists()
    case = walk_to(file_case(cast), "investigation", cast)
    (notice,) = services.serve_notice(case, kind="investigation", actor=cast.investigator)
    assert notice.subject == f"Our letter about {case.reference}"
    assert notice.body.startswith(f"Dear {cast.respondent.name}, we are looking into: Repeated")
    assert str(timezone.localdate().year) in notice.body


def test_the_suspension_notice_gives_reasons_review_date_and_challenge(cast: Cast) -> None:
    case = walk_to(file_case(cast), "investigation", cast)
    services.assign(case, user=cast.decision_maker, role="decision_maker", actor=cast.coordinator)
    suspension = suspensions.decide_suspension(
        case,
        ground="risk_to_investigation",
        reasons="Witnesses report being contacted.",
        actor=cast.decision_maker,
    )
    suspension = suspensions.serve_suspension(suspension, actor=cast.decision_maker)
    body = Notice.objects.get(pk=suspension.notice_id).body
    assert "Witnesses report being contacted." in body
    assert "This is not a sanction." in body
    assert suspension.review_due_on is not None
    assert f"{suspension.review_due_on:%B %Y}" in body
    assert "How to challenge it" in body


def test_the_hearing_notice_names_the_date_the_panel_and_the_companion(cast: Cast) -> None:
    case = walk_to(file_case(cast), "hearing", cast)
    for panellist in cast.panellists:
        panellist.first_name, panellist.last_name = "Pat", f"Panel{panellist.pk}"
        panellist.save()
        services.assign(case, user=panellist, role="panellist", actor=cast.coordinator)
    starts = timezone.now() + timedelta(days=21)
    services.schedule_hearing(case, starts_at=starts, place="Committee Room 2", actor=cast.officer)
    notices = services.serve_notice(case, kind="hearing", actor=cast.officer)
    assert {n.party for n in notices} == {"complainant", "respondent"}
    body = next(n.body for n in notices if n.party == "respondent")
    assert "Committee Room 2" in body
    assert f"{timezone.localtime(starts):%B %Y}" in body
    for panellist in cast.panellists:
        assert f"Pat Panel{panellist.pk}" in body
    assert "right to be accompanied" in body


def test_the_decision_and_appeal_outcome_give_reasons(cast: Cast) -> None:
    case = walk_to(file_case(cast), "appeal", cast)
    decision = Notice.objects.get(case=case, kind="decision", party="respondent")
    assert "Reasons: " + REASONS in decision.body
    assert "appeal" in decision.body.lower()
    services.record_decision(
        case,
        kind="appeal_outcome",
        outcome="dismissed",
        reasons="The panel's findings were open to it on the evidence.",
        actor=cast.appeal_panellist,
    )
    services.transition_case(case, to="closed", actor=cast.appeal_panellist)
    outcome = Notice.objects.get(case=case, kind="appeal_outcome", party="respondent")
    assert "Outcome: Dismissed" in outcome.body
    assert "The panel's findings were open to it on the evidence." in outcome.body


def test_the_command_refuses_a_bad_template_in_one_line(cast: Cast, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("{% include 'base.html' %}")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command(
            "notice-template",
            "set",
            "investigation",
            "--subject",
            "x",
            "--body-file",
            str(bad),
            "--organisation",
            cast.organisation.slug,
        )
    out = StringIO()
    call_command("notice-template", "list", "--organisation", cast.organisation.slug, stdout=out)
    assert "investigation\tdefault" in out.getvalue()

    good = tmp_path / "good.txt"
    good.write_text("{% for a in allegations %}{{ a.particulars }}{% endfor %} by {{ respond_by }}")
    call_command(
        "notice-template",
        "set",
        "investigation",
        "--subject",
        "About {{ case.reference }}",
        "--body-file",
        str(good),
        "--organisation",
        cast.organisation.slug,
        stdout=StringIO(),
    )
    out = StringIO()
    call_command(
        "notice-template",
        "show",
        "investigation",
        "--organisation",
        cast.organisation.slug,
        stdout=out,
    )
    assert out.getvalue().startswith("About {{ case.reference }}")
    call_command(
        "notice-template", "reset", "investigation", "--organisation", cast.organisation.slug
    )
    with pytest.raises(CommandError, match="already uses"):
        call_command(
            "notice-template", "reset", "investigation", "--organisation", cast.organisation.slug
        )


def test_a_notice_to_the_parties_never_reports_interim_measures(cast: Cast) -> None:
    case = file_case(cast)
    services.record_decision(
        case,
        kind="interim_measures",
        outcome="needed",
        reasons="The respondent has contacted witnesses.",
        actor=cast.officer,
    )
    case = walk_to(case, "investigation", cast)
    served = Notice.objects.filter(case=case, kind="triage_outcome")
    assert {n.party for n in served} == {"complainant", "respondent"}
    for notice in served:
        assert "Triage assessment: Investigation." in notice.body
        assert "interim" not in notice.body.lower()
        assert "contacted witnesses" not in notice.body
