"""Loading rulebooks: the default loads, a broken one is refused naming the key and the line, and
a case stays on the version it started under."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.rulebook.loader import (
    RulebookError,
    default_rulebook_source,
    parse_rulebook,
    read_rulebook_file,
    source_digest,
)
from redress.rulebook.models import RulebookVersion
from redress.rulebook.selectors import current_version, parsed
from redress.rulebook.services import adopt_rulebook
from redress.rulebook.workflow import CASE_ROLES, GUARDS, TransitionRefused
from tests.factories import REASONS, file_case

DEFAULT = default_rulebook_source()


def edited(old: str, new: str) -> str:
    """The default rulebook with one passage changed."""
    assert DEFAULT.count(old) == 1, f"not exactly one {old!r} in the default rulebook"
    return DEFAULT.replace(old, new)


def line_of(source: str, marker: str) -> int:
    assert source.count(marker) == 1, f"not exactly one {marker!r} in the source"
    return source[: source.index(marker)].count("\n") + 1


# --- The default rulebook ---------------------------------------------------------------------


def test_the_default_rulebook_loads_and_its_references_check():
    rulebook = parse_rulebook(DEFAULT)
    assert rulebook.name == "Redress default procedure"
    assert rulebook.first_stage == "received"
    assert [code for code, stage in rulebook.stages.items() if stage.final] == ["closed"]


def test_the_default_rulebook_has_the_acas_stages_in_order():
    assert list(parse_rulebook(DEFAULT).stages) == [
        "received",
        "triage",
        "informal_resolution",
        "investigation",
        "charging",
        "hearing",
        "decision",
        "review",
        "appeal_window",
        "appeal",
        "closed",
    ]


def test_triage_decides_no_further_action_informal_resolution_or_investigation():
    rulebook = parse_rulebook(DEFAULT)
    assert set(rulebook.decisions["triage"].outcomes) == {
        "no_further_action",
        "informal_resolution",
        "investigation",
    }
    assert {t.to for t in rulebook.transitions_from("triage")} == {
        "closed",
        "informal_resolution",
        "investigation",
    }


def test_every_guard_the_default_rulebook_names_is_in_the_engine():
    rulebook = parse_rulebook(DEFAULT)
    named = {guard.name for t in rulebook.transitions for guard in t.guards}
    assert named <= set(GUARDS)
    assert "no_allegation_charged" in named


def test_every_stage_of_the_default_rulebook_is_reachable_from_receipt():
    rulebook = parse_rulebook(DEFAULT)
    reached, frontier = {rulebook.first_stage}, [rulebook.first_stage]
    while frontier:
        stage = frontier.pop()
        for transition in rulebook.transitions_from(stage):
            if transition.to not in reached:
                reached.add(transition.to)
                frontier.append(transition.to)
    assert reached == set(rulebook.stages)


def test_the_default_figures_are_those_the_rulebook_documentation_gives():
    rulebook = parse_rulebook(DEFAULT)
    assert rulebook.charge_time_limit_years == 5
    assert rulebook.clocks["response"].working_days == 15
    assert (rulebook.response_extension.max_working_days, rulebook.response_extension.times) == (
        10,
        1,
    )
    assert rulebook.clocks["acknowledgement"].calendar_days == 7
    assert rulebook.clocks["feedback"].calendar_months == 3
    assert rulebook.hearing_notice_working_days == 10
    assert rulebook.stages["appeal_window"].target.working_days == 10  # type: ignore[union-attr]
    assert rulebook.suspension.review_every_working_days == 20
    assert rulebook.suspension.lapses_after_working_days == 60


def test_suspension_is_decided_by_neither_the_investigator_nor_a_local_officer():
    decided_by = parse_rulebook(DEFAULT).suspension.decided_by
    assert decided_by == ("decision_maker",)
    assert set(decided_by) <= set(CASE_ROLES)


def test_the_suspension_notice_exists_and_goes_to_the_respondent():
    assert parse_rulebook(DEFAULT).notices["suspension"].party == "respondent"


def test_a_rulebook_file_is_read_and_checked(tmp_path):
    path = tmp_path / "procedure.yaml"
    path.write_text(DEFAULT, encoding="utf-8")
    source, rulebook = read_rulebook_file(str(path))
    assert source == DEFAULT
    assert rulebook == parse_rulebook(DEFAULT)


# --- Broken rulebooks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A broken rulebook, the key it must name, its message, and a marker for the line."""

    source: str
    key: str
    message: str
    marker: str


REVIEW_TO_HEARING_AGAIN = """  - from: review   # again
    to: hearing
    by: [reviewer]
    outcome: null
"""
FROM_CLOSED = """  - from: closed
    to: triage
    by: [officer]

# Sanctions guidance"""

UNCLOSED_BRACE = edited("target: {working_days: 40}", "target: {working_days: 40")
OPEN_QUOTE = 'label: "Triage'
UNCLOSED_QUOTE = edited("    label: Triage\n", f"    {OPEN_QUOTE}\n")

BROKEN: dict[str, Broken] = {
    # YAML itself
    "yaml-tab-indent": Broken(
        edited("  triage:\n    label: Triage\n", "  triage:\n\tlabel: Triage\n"),
        "",
        "this is not valid YAML: found character '\\t' that cannot start any token",
        "\tlabel: Triage",
    ),
    # PyYAML notices an unclosed bracket or quote lines later: the error says where it began.
    "yaml-unclosed-flow-mapping": Broken(
        UNCLOSED_BRACE,
        "",
        "this is not valid YAML: expected ',' or '}', but got ':' (while parsing a flow "
        f"mapping that starts on line {line_of(UNCLOSED_BRACE, '{working_days: 40')})",
        "  charging:\n    label: Charging decision\n    target",
    ),
    "yaml-unclosed-quote": Broken(
        UNCLOSED_QUOTE,
        "",
        "this is not valid YAML: expected <block end>, but found '<scalar>' (while parsing a "
        f"block mapping that starts on line {line_of(UNCLOSED_QUOTE, OPEN_QUOTE)})",
        "# Decisions recorded on a case",
    ),
    "yaml-duplicate-key": Broken(
        edited(
            "hearing_notice_working_days: 10",
            "hearing_notice_working_days: 10\nhearing_notice_working_days: 12",
        ),
        "hearing_notice_working_days",
        "this key appears twice",
        "hearing_notice_working_days: 12",
    ),
    "yaml-duplicate-stage": Broken(
        edited("  closed:\n", "  hearing:\n    label: Hearing again\n  closed:\n"),
        "stages.hearing",
        "this key appears twice",
        "  hearing:\n    label: Hearing again",
    ),
    # Unknown keys
    "unknown-top-level-key": Broken(
        edited("suspension:\n  review", "suspension:\n  appeal_to: board\n  review"),
        "suspension.appeal_to",
        "this key is not part of a rulebook",
        "  appeal_to: board",
    ),
    "unknown-key-in-a-transition": Broken(
        edited("    outcome: no_further_action\n", "    result: no_further_action\n"),
        "transitions[1].result",
        "this key is not part of a rulebook",
        "    result: no_further_action",
    ),
    # Missing keys
    "missing-stage-label": Broken(
        edited("  triage:\n    label: Triage\n", "  triage:\n"),
        "stages.triage.label",
        "this key is required",
        "  triage:\n    target",
    ),
    "missing-transition-roles": Broken(
        edited("    to: triage\n    by: [officer, system]\n", "    to: triage\n"),
        "transitions[0].by",
        "this key is required",
        "  - from: received",
    ),
    "missing-top-level-key": Broken(
        edited("hearing_notice_working_days: 10", ""),
        "hearing_notice_working_days",
        "this key is required",
        "name: Redress default procedure",  # a missing key has no line: the rulebook's first
    ),
    # Wrong types
    "text-where-a-number-goes": Broken(
        edited("charge_time_limit_years: 5", "charge_time_limit_years: five"),
        "charge_time_limit_years",
        "Input should be a valid integer, unable to parse string as an integer",
        "charge_time_limit_years: five",
    ),
    "text-where-yes-or-no-goes": Broken(
        edited("    final: true", "    final: sometimes"),
        "stages.closed.final",
        "Input should be a valid boolean, unable to interpret input",
        "    final: sometimes",
    ),
    "one-role-where-a-list-goes": Broken(
        edited(
            "    by: [reviewer]\n    guards:\n      - decided: {kind: review, outcome: verified}",
            "    by: reviewer\n    guards:\n      - decided: {kind: review, outcome: verified}",
        ),
        "transitions[12].by",
        "Input should be a valid tuple",
        "    by: reviewer",
    ),
    "a-party-that-is-not-one": Broken(
        edited("    party: respondent\n  feedback:", "    party: investigator\n  feedback:"),
        "notices.investigation.party",
        "Input should be 'complainant', 'respondent' or 'both'",
        "    party: investigator",
    ),
    "a-list-where-a-mapping-goes": Broken(
        "- received\n- closed\n",
        "",
        "a rulebook is a mapping of keys such as stages and transitions",
        "- received",
    ),
    "an-empty-file": Broken(
        "", "", "a rulebook is a mapping of keys such as stages and transitions", ""
    ),
    # Stages named in transitions and decisions
    "unknown-stage-transitioned-to": Broken(
        edited("  - from: charging\n    to: hearing", "  - from: charging\n    to: hearings"),
        "transitions[8].to",
        "unknown stage 'hearings'",
        "    to: hearings",
    ),
    "unknown-stage-transitioned-from": Broken(
        edited("  - from: hearing\n", "  - from: heering\n"),
        "transitions[9].from",
        "unknown stage 'heering'",
        "  - from: heering",
    ),
    "unknown-stage-of-a-decision": Broken(
        edited("    stages: [appeal_window]", "    stages: [appeals]"),
        "decisions.appeal_lodged.stages[0]",
        "unknown stage 'appeals'",
        "    stages: [appeals]",
    ),
    "a-way-out-of-a-final-stage": Broken(
        edited("\n# Sanctions guidance", "\n" + FROM_CLOSED),
        "transitions[18].from",
        "a final stage has no way out",
        "  - from: closed",
    ),
    "a-step-to-a-final-stage-without-an-outcome": Broken(
        edited("    outcome: no_case_to_answer\n", ""),
        "transitions[7]",
        "a transition to a final stage must say its outcome",
        "  - from: charging\n    to: closed",
    ),
    "a-stage-that-never-ends": Broken(
        edited(
            "  closed:\n    label: Closed\n",
            "  limbo:\n    label: Limbo\n  closed:\n    label: Closed\n",
        ),
        "stages.limbo",
        "no sequence of transitions leads from this stage to a final stage",
        "  limbo:",
    ),
    "no-final-stage": Broken(
        edited("    label: Closed\n    final: true\n", "    label: Closed\n"),
        "stages",
        "at least one stage must be final",
        "stages:\n  received:",
    ),
    "duplicate-transition": Broken(
        edited(
            "  - from: appeal_window\n    to: appeal\n",
            REVIEW_TO_HEARING_AGAIN + "  - from: appeal_window\n    to: appeal\n",
        ),
        "transitions[14]",
        "a second transition from 'review' to 'hearing'",
        "  - from: review   # again",
    ),
    # Guards
    "unknown-guard": Broken(
        edited("      - hearing_held_or_papers_only", "      - hearing_held"),
        "transitions[9].guards[1]",
        "unknown guard 'hearing_held'",
        "      - hearing_held",
    ),
    "guard-given-an-argument-it-does-not-take": Broken(
        edited("      - appeal_window_passed", "      - appeal_window_passed: 10"),
        "transitions[15].guards[0]",
        "this guard takes no arguments",
        "      - appeal_window_passed: 10",
    ),
    "guard-naming-an-unknown-role": Broken(
        edited("      - team_includes: appeal_panellist", "      - team_includes: appeal_panel"),
        "transitions[14].guards[1]",
        "team_includes takes a case role",
        "      - team_includes: appeal_panel",
    ),
    "guard-naming-an-unknown-notice": Broken(
        edited("      - notice_served: investigation", "      - notice_served: summons"),
        "transitions[6].guards[0]",
        "notice_served takes the name of a notice in the rulebook",
        "      - notice_served: summons",
    ),
    "guard-naming-an-unknown-decision": Broken(
        edited("{kind: review, outcome: verified}", "{kind: reviews, outcome: verified}"),
        "transitions[12].guards[0]",
        "unknown decision 'reviews'",
        "{kind: reviews",
    ),
    "guard-naming-an-unknown-outcome": Broken(
        edited("[dismissed, varied, quashed]", "[dismissed, varied, overturned]"),
        "transitions[16].guards[0]",
        "the decision 'appeal_outcome' has no outcome 'overturned'",
        "[dismissed, varied, overturned]",
    ),
    # Clocks
    "clock-starting-at-an-unknown-stage": Broken(
        edited("starts_on: stage:investigation", "starts_on: stage:inquiry"),
        "clocks.investigation_notice.starts_on",
        "unknown stage 'inquiry'",
        "starts_on: stage:inquiry",
    ),
    "clock-starting-at-an-unknown-notice": Broken(
        edited("starts_on: notice:investigation", "starts_on: notice:summons"),
        "clocks.response.starts_on",
        "unknown notice 'summons'",
        "starts_on: notice:summons",
    ),
    "clock-starting-at-no-kind-of-event": Broken(
        edited(
            "    starts_on: receipt\n    calendar_days: 7",
            "    starts_on: filing\n    calendar_days: 7",
        ),
        "clocks.acknowledgement.starts_on",
        "String should match pattern '^(receipt|stage:[a-z_]+|notice:[a-z_]+)$'",
        "    starts_on: filing",
    ),
    "clock-stopped-by-an-unknown-notice": Broken(
        edited("    stopped_by_notice: feedback", "    stopped_by_notice: update"),
        "clocks.feedback.stopped_by_notice",
        "unknown notice 'update'",
        "    stopped_by_notice: update",
    ),
    "clock-never-stopped": Broken(
        edited("    stopped_by_response: true", "    stopped_by_response: false"),
        "clocks.response",
        "a clock needs stopped_by_notice or stopped_by_response",
        "  response:\n    label: Respondent's response",
    ),
    "clock-with-two-measures": Broken(
        edited("    calendar_months: 3 ", "    working_days: 60\n    calendar_months: 3 "),
        "clocks.feedback",
        "give exactly one of working_days, calendar_days, calendar_months",
        "  feedback:\n    label: Feedback to the complainant",
    ),
    "stage-target-with-no-measure": Broken(
        edited("target: {working_days: 20}", "target: {}"),
        "stages.informal_resolution.target",
        "give exactly one of working_days, calendar_days, calendar_months",
        "target: {}",
    ),
    # Negative and impossible figures
    "negative-stage-target": Broken(
        edited("target: {working_days: 40}", "target: {working_days: -1}"),
        "stages.investigation.target.working_days",
        "Input should be greater than or equal to 0",
        "target: {working_days: -1}",
    ),
    "negative-response-extension": Broken(
        edited("  max_working_days: 10", "  max_working_days: -5"),
        "response_extension.max_working_days",
        "Input should be greater than or equal to 0",
        "  max_working_days: -5",
    ),
    "clock-of-no-days": Broken(
        edited("    working_days: 15 ", "    working_days: 0 "),
        "clocks.response.working_days",
        "Input should be greater than or equal to 1",
        "    working_days: 0 ",
    ),
    "negative-suspension-length": Broken(
        edited("lapses_after_working_days: 60", "lapses_after_working_days: -60"),
        "suspension.lapses_after_working_days",
        "Input should be greater than or equal to 1",
        "lapses_after_working_days: -60",
    ),
    "negative-hearing-notice": Broken(
        edited("hearing_notice_working_days: 10", "hearing_notice_working_days: -10"),
        "hearing_notice_working_days",
        "Input should be greater than or equal to 0",
        "hearing_notice_working_days: -10",
    ),
    "no-time-limit-on-charges": Broken(
        edited("charge_time_limit_years: 5", "charge_time_limit_years: 0"),
        "charge_time_limit_years",
        "Input should be greater than or equal to 1",
        "charge_time_limit_years: 0",
    ),
    "suspension-reviewed-only-after-it-lapses": Broken(
        edited("review_every_working_days: 20", "review_every_working_days: 60"),
        "suspension",
        "review_every_working_days must be fewer than lapses_after_working_days, so that a "
        "suspension is reviewed before it lapses",
        "suspension:\n  review",
    ),
    # Roles, notices, categories
    "unknown-role-on-a-transition": Broken(
        edited("    to: charging\n    by: [investigator]", "    to: charging\n    by: [inspector]"),
        "transitions[6].by[0]",
        "unknown role 'inspector'",
        "    by: [inspector]",
    ),
    "unknown-role-on-a-decision": Broken(
        edited(
            "    by: [decision_maker]\n    stages: [charging]",
            "    by: [chair]\n    stages: [charging]",
        ),
        "decisions.charging.by[0]",
        "unknown role 'chair'",
        "    by: [chair]",
    ),
    "unknown-role-deciding-suspensions": Broken(
        edited("decided_by: [decision_maker]", "decided_by: [decision_maker, local_officer]"),
        "suspension.decided_by[1]",
        "unknown role 'local_officer'",
        "decided_by: [decision_maker, local_officer]",
    ),
    "unknown-notice-on-a-transition": Broken(
        edited(
            "      - appeal_window_passed\n    notices: [closure]",
            "      - appeal_window_passed\n    notices: [closing]",
        ),
        "transitions[15].notices[0]",
        "unknown notice 'closing'",
        "    notices: [closing]",
    ),
    "unknown-category-for-independent-review": Broken(
        edited("  - disability\n", "  - disabilities\n"),
        "independent_review_categories[7]",
        "unknown category 'disabilities'",
        "  - disabilities",
    ),
    "category-code-not-in-lower-case": Broken(
        edited("  other:\n    label: Other breach", "  Other-Breach:\n    label: Other breach"),
        "categories.Other-Breach",
        "names are lower-case letters, digits and underscores",
        "  Other-Breach:",
    ),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_rulebook_is_refused_naming_the_key_and_the_line(broken):
    with pytest.raises(RulebookError) as refused:
        parse_rulebook(broken.source)
    line = line_of(broken.source, broken.marker) if broken.marker else 1
    assert (refused.value.key, refused.value.line) == (broken.key, line)
    where = f"line {line}, {broken.key}: " if broken.key else f"line {line}, "
    assert str(refused.value) == where + broken.message


def test_deleting_a_line_loads_or_is_refused_with_a_line_in_the_file():
    lines = DEFAULT.splitlines(keepends=True)
    meaningful = [n for n, text in enumerate(lines) if text.strip() and text.strip()[0] != "#"]
    refused = 0
    # Every tenth line that says something: parsing takes a tenth of a second each.
    for number in meaningful[::10]:
        source = "".join(lines[:number] + lines[number + 1 :])
        try:
            parse_rulebook(source)
        except RulebookError as error:
            refused += 1
            assert error.line is not None and 1 <= error.line <= len(lines), (number, error)
    assert refused  # some lines matter, and every refusal said where


def test_every_broken_rulebook_differs_from_the_default():
    assert all(broken.source != DEFAULT for broken in BROKEN.values())


# --- Adopting versions ------------------------------------------------------------------------

SECOND_EDITION = edited(
    "      - corroboration_assessed_if_anonymous\n      - team_includes: investigator",
    "      - corroboration_assessed_if_anonymous\n      - decided: {kind: corroboration}\n"
    "      - team_includes: investigator",
).replace("name: Redress default procedure", "name: Redress procedure, second edition")


def ready_for_investigation(case, cast):
    for kind, outcome in [("triage", "investigation"), ("interim_measures", "not_needed")]:
        services.record_decision(
            case, kind=kind, outcome=outcome, reasons=REASONS, actor=cast.officer
        )
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)


def test_adopting_a_new_version_leaves_open_cases_on_the_version_they_started_under(cast):
    old_case = file_case(cast)
    first = current_version(cast.organisation)
    second = adopt_rulebook(cast.organisation, source=SECOND_EDITION, actor=cast.coordinator)
    new_case = file_case(cast)
    old_case.refresh_from_db()

    assert (first.number, second.number) == (1, 2)
    assert current_version(cast.organisation) == second
    assert (old_case.rulebook, new_case.rulebook) == (first, second)
    assert parsed(new_case.rulebook).name == "Redress procedure, second edition"

    # The second edition wants every complaint's corroboration assessed; the first did not.
    ready_for_investigation(old_case, cast)
    ready_for_investigation(new_case, cast)
    services.transition_case(old_case, to="investigation", actor=cast.officer)
    with pytest.raises(TransitionRefused) as refused:
        services.transition_case(new_case, to="investigation", actor=cast.officer)
    assert refused.value.reasons == ("no assessment of an anonymous complaint has been recorded",)
    assert old_case.stage == "investigation"


def test_an_adopted_version_is_stored_exactly_as_written_and_audited(cast):
    version = adopt_rulebook(cast.organisation, source=SECOND_EDITION, actor=cast.coordinator)
    version.refresh_from_db()
    assert version.source == SECOND_EDITION
    assert version.sha256 == source_digest(SECOND_EDITION)
    assert version.name == "Redress procedure, second edition"
    assert version.adopted_by == cast.coordinator
    event = AuditEvent.objects.get(organisation=cast.organisation, object_id=str(version.pk))
    assert (event.action, event.data) == (
        "rulebook.adopted",
        {"number": 2, "sha256": version.sha256},
    )


def test_a_broken_rulebook_is_not_adopted(cast):
    broken = BROKEN["unknown-guard"].source
    with pytest.raises(RulebookError, match="unknown guard 'hearing_held'"):
        adopt_rulebook(cast.organisation, source=broken, actor=cast.coordinator)
    assert list(
        RulebookVersion.objects.filter(organisation=cast.organisation).values_list(
            "number", flat=True
        )
    ) == [1]
