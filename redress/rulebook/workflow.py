"""The workflow engine: pure Python over a rulebook, with no database and no I/O.

Given what is true of a case (`CaseFacts`) and who is asking (`Actor`), it says which of the
rulebook's transitions from the case's stage are allowed and, for each refused one, why, in words
a case officer can act on. Services gather the facts, ask the engine, and apply the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from redress.lib.workdays import WorkingCalendar, add_calendar_months

if TYPE_CHECKING:
    from redress.rulebook.schema import Rulebook, Target, Transition

SYSTEM_ROLE = "system"
CASE_ROLES = (
    "officer",
    "investigator",
    "decision_maker",
    "panellist",
    "reviewer",
    "appeal_panellist",
)
ROLE_LABELS = {
    "officer": "the case officer",
    "investigator": "the investigator",
    "decision_maker": "the decision-maker",
    "panellist": "a member of the panel",
    "reviewer": "the independent reviewer",
    "appeal_panellist": "a member of the appeal panel",
    SYSTEM_ROLE: "Redress itself",
}


@dataclass(frozen=True)
class AllegationFacts:
    category: str
    conduct_on: date | None = None
    charged: bool | None = None
    has_time_limit_exception: bool = False
    finding: str = ""
    has_finding_reasons: bool = False
    sanction: str = ""
    has_sanction_reasons: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """Everything the rulebook's guards may ask about a case, as plain values."""

    stage: str
    today: date
    received_on: date
    anonymous: bool = False
    complainant_contactable: bool = True
    decisions: Mapping[str, str] = field(default_factory=dict)
    notices_served: Mapping[str, date] = field(default_factory=dict)
    team_roles: frozenset[str] = frozenset()
    allegations: tuple[AllegationFacts, ...] = ()
    response_received: bool = False
    response_due_on: date | None = None
    hearing_starts_on: date | None = None
    hearing_held: bool = False
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(a.category for a in self.allegations)

    @property
    def charges(self) -> tuple[AllegationFacts, ...]:
        return tuple(a for a in self.allegations if a.charged)


@dataclass(frozen=True)
class Actor:
    """Who asks: the role they hold on this case's team, if any."""

    case_role: str | None = None
    is_system: bool = False
    is_oversight: bool = False

    @classmethod
    def system(cls) -> Actor:
        return cls(is_system=True)


@dataclass(frozen=True)
class Option:
    """One transition from the case's stage and, if it is refused, every reason why."""

    transition: Transition
    reasons: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def to(self) -> str:
        return self.transition.to


class TransitionRefused(Exception):
    """A transition the rulebook does not allow now. `reasons` are for the person who asked."""

    def __init__(self, reasons: tuple[str, ...] | list[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


def evaluate(rulebook: Rulebook, facts: CaseFacts, actor: Actor) -> list[Option]:
    """Every transition out of the case's stage, with the reasons each one is refused."""
    return [
        Option(transition, tuple(refusals(rulebook, transition, facts, actor)))
        for transition in rulebook.transitions_from(facts.stage)
    ]


def check(rulebook: Rulebook, facts: CaseFacts, actor: Actor, to: str) -> Transition:
    """The transition to `to`, if it is allowed now; otherwise TransitionRefused."""
    transition = rulebook.transition(facts.stage, to)
    if transition is None:
        here = rulebook.stage_label(facts.stage)
        if to not in rulebook.stages:
            raise TransitionRefused([f"there is no stage called “{to}”"])
        there = rulebook.stage_label(to)
        raise TransitionRefused([f"the rulebook has no step from {here} to {there}"])
    reasons = refusals(rulebook, transition, facts, actor)
    if reasons:
        raise TransitionRefused(reasons)
    return transition


def refusals(
    rulebook: Rulebook, transition: Transition, facts: CaseFacts, actor: Actor
) -> list[str]:
    reasons = actor_refusals(transition.by, actor)
    for guard in transition.guards:
        reason = GUARDS[guard.name].test(rulebook, facts, guard.args)
        if reason:
            reasons.append(reason)
    return reasons


def actor_refusals(allowed_roles: tuple[str, ...], actor: Actor) -> list[str]:
    """Why this actor may not take a step that `allowed_roles` may take (empty if they may)."""
    if actor.is_system:
        return [] if SYSTEM_ROLE in allowed_roles else ["this step needs a person, not Redress"]
    if actor.case_role in allowed_roles:
        return []
    people = [_role_label(r) for r in allowed_roles if r != SYSTEM_ROLE]
    # A step only Redress takes names no person who could take it instead.
    who = (
        f"only {_or_list(people)} may take this step" if people else "only Redress takes this step"
    )
    if actor.case_role is None:
        if actor.is_oversight:
            return [f"oversight reads every case and changes none; {who}"]
        return [f"you are not on this case's team; {who}"]
    return [f"{who}, and you are {_role_label(actor.case_role)}"]


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))


def closing_outcome(transition: Transition, facts: CaseFacts) -> str:
    """The outcome a case closes with: as the transition says, or worked out from findings or
    the appeal."""
    outcome = transition.outcome or ""
    if outcome == "by_findings":
        return _outcome_of_findings(facts)
    if outcome == "by_appeal":
        appeal = facts.decisions.get("appeal_outcome", "")
        return "quashed_on_appeal" if appeal == "quashed" else _outcome_of_findings(facts)
    return outcome


def _outcome_of_findings(facts: CaseFacts) -> str:
    return "upheld" if any(a.finding == "upheld" for a in facts.charges) else "not_upheld"


# --- Guards ----------------------------------------------------------------------------------
# Each guard tests one condition and, when it fails, says what is missing. The rulebook names
# them; `loader` refuses a rulebook that names one not here or gives it the wrong arguments.

GuardTest = Callable[["Rulebook", CaseFacts, dict[str, Any]], str | None]
ArgsCheck = Callable[["Rulebook", dict[str, Any]], str | None]


@dataclass(frozen=True)
class GuardSpec:
    test: GuardTest
    check_args: ArgsCheck


def _no_args(rulebook: Rulebook, args: dict[str, Any]) -> str | None:
    return "this guard takes no arguments" if args else None


GUARDS: dict[str, GuardSpec] = {}


def guard(name: str, check_args: ArgsCheck = _no_args) -> Callable[[GuardTest], GuardTest]:
    def register(test: GuardTest) -> GuardTest:
        GUARDS[name] = GuardSpec(test, check_args)
        return test

    return register


def _outcomes(args: dict[str, Any]) -> tuple[str, ...]:
    wanted = args.get("outcome")
    if wanted is None:
        return ()
    return tuple(wanted) if isinstance(wanted, list) else (str(wanted),)


def _check_decided_args(rulebook: Rulebook, args: dict[str, Any]) -> str | None:
    if set(args) - {"kind", "outcome"} or not isinstance(args.get("kind"), str):
        return "decided takes kind and, optionally, outcome"
    kind = rulebook.decisions.get(args["kind"])
    if kind is None:
        return f"unknown decision {args['kind']!r}"
    for outcome in _outcomes(args):
        if not isinstance(outcome, str) or outcome not in kind.outcomes:
            return f"the decision {args['kind']!r} has no outcome {outcome!r}"
    return None


def _or_list(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


@guard("decided", _check_decided_args)
def _decided(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    kind = rulebook.decisions[args["kind"]]
    wanted = _outcomes(args)
    recorded = facts.decisions.get(args["kind"])
    wanted_labels = [f"“{kind.outcomes[o]}”" for o in wanted]
    if recorded is None:
        if wanted:
            return f"no {kind.label.lower()} of {_or_list(wanted_labels)} has been recorded"
        return f"no {kind.label.lower()} has been recorded"
    if wanted and recorded not in wanted:
        return (
            f"the {kind.label.lower()} recorded is “{kind.outcomes[recorded]}”, "
            f"not {_or_list(wanted_labels)}"
        )
    return None


def _check_notice_arg(rulebook: Rulebook, args: dict[str, Any]) -> str | None:
    value = args.get("value")
    if set(args) != {"value"} or not isinstance(value, str) or value not in rulebook.notices:
        return "notice_served takes the name of a notice in the rulebook"
    return None


@guard("notice_served", _check_notice_arg)
def _notice_served(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    kind = args["value"]
    if kind in facts.notices_served:
        return None
    notice = rulebook.notices[kind]
    party = {"both": "the parties"}.get(notice.party, f"the {notice.party}")
    return f"the {notice.label.lower()} has not been served on {party}"


def _check_role_arg(rulebook: Rulebook, args: dict[str, Any]) -> str | None:
    if (
        set(args) != {"value"}
        or not isinstance(args["value"], str)
        or (args["value"] not in CASE_ROLES)
    ):
        return "team_includes takes a case role"
    return None


@guard("team_includes", _check_role_arg)
def _team_includes(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    role = args["value"]
    if role in facts.team_roles:
        return None
    return f"nobody has been assigned as {ROLE_LABELS[role].removeprefix('the ')} on this case"


@guard("acknowledged_if_contactable")
def _acknowledged(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if not facts.complainant_contactable or "acknowledgement" in facts.notices_served:
        return None
    return "the complainant has not been sent an acknowledgement"


@guard("corroboration_assessed_if_anonymous")
def _corroboration(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if not facts.anonymous or "corroboration" in facts.decisions:
        return None
    return "the complaint is anonymous and nobody has recorded whether it can be corroborated"


@guard("response_window_closed_or_response_received")
def _response_window(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if facts.response_received:
        return None
    if facts.response_due_on is None:
        return "the respondent has not been served the allegations, so cannot yet answer them"
    if facts.today > facts.response_due_on:
        return None
    return (
        "the respondent has until "
        f"{facts.response_due_on:%-d %B %Y} to answer and has not answered yet"
    )


@guard("feedback_given_if_due")
def _feedback(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    clock = rulebook.clocks.get("feedback")
    if clock is None or "feedback" in facts.notices_served:
        return None
    if not facts.complainant_contactable:
        return None  # nobody to update; the receipt clocks are not started either
    due = due_date(clock.target, facts.received_on, facts.calendar)
    if facts.today <= due:  # owed "by" the due day: not late until the day after
        return None
    return f"the complainant was owed feedback by {due:%-d %B %Y} and has not been given it"


@guard("charge_decided_for_every_allegation")
def _charge_each(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    undecided = sum(1 for a in facts.allegations if a.charged is None)
    if not undecided:
        return None
    return f"{_count(undecided, 'allegation')} still without a decision to charge or not"


@guard("no_allegation_charged")
def _none_charged(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if not facts.charges:
        return None
    return f"{_count(len(facts.charges), 'allegation')} charged, so there is a case to answer"


@guard("at_least_one_charge")
def _one_charge(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    return None if facts.charges else "no allegation has been charged"


@guard("no_time_barred_charge_without_exception")
def _time_limit(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    years = rulebook.charge_time_limit_years
    barred = [
        a
        for a in facts.charges
        if a.conduct_on is not None
        and _years_before(facts.today, years) > a.conduct_on
        and not a.has_time_limit_exception
    ]
    if not barred:
        return None
    verb = "concerns" if len(barred) == 1 else "concern"
    return (
        f"{_count(len(barred), 'charge')} {verb} conduct more than {years} years ago "
        "without recorded reasons for an exception"
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@guard("hearing_notice_given")
def _hearing_notice(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if facts.decisions.get("hearing_request") == "not_requested":
        return None
    served = facts.notices_served.get("hearing")
    if served is None or facts.hearing_starts_on is None:
        return "the notice of hearing has not been served on the parties"
    needed = rulebook.hearing_notice_working_days
    given = facts.calendar.working_days_between(served, facts.hearing_starts_on)
    if given >= needed:
        return None
    if facts.hearing_starts_on < served:
        return "the notice of hearing was served after the hearing date"
    return (
        f"the notice of hearing gave {_count(given, 'working day')}; the rulebook requires {needed}"
    )


@guard("hearing_held_or_papers_only")
def _hearing_held(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if facts.hearing_held or facts.decisions.get("hearing_request") == "not_requested":
        return None
    return "the hearing has not been held, and the respondent has not waived it"


@guard("finding_for_every_charge")
def _findings(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    missing = sum(1 for a in facts.charges if not (a.finding and a.has_finding_reasons))
    if not missing:
        return None
    return f"{_count(missing, 'charge')} without a finding and its reasons"


@guard("sanction_for_every_upheld_charge")
def _sanctions(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    missing = sum(
        1
        for a in facts.charges
        if a.finding == "upheld" and not (a.sanction and a.has_sanction_reasons)
    )
    if not missing:
        return None
    return f"{_count(missing, 'upheld charge')} without a sanction and its reasons"


def review_required(rulebook: Rulebook, facts: CaseFacts) -> bool:
    return bool(facts.categories & set(rulebook.independent_review_categories))


@guard("independent_review_required")
def _review_needed(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if review_required(rulebook, facts):
        return None
    return "no allegation is in a category that goes to independent review"


@guard("independent_review_not_required")
def _review_skipped(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if not review_required(rulebook, facts):
        return None
    return "the case concerns a protected characteristic and must go to independent review first"


@guard("appeal_window_passed")
def _appeal_window(rulebook: Rulebook, facts: CaseFacts, args: dict[str, Any]) -> str | None:
    if "appeal_lodged" in facts.decisions:
        return "an appeal has been lodged"
    closes = appeal_window_closes_on(rulebook, facts)
    if closes is None:
        return "the decision has not been served on the parties, so the appeal window is not open"
    if facts.today > closes:
        return None
    return f"the parties may appeal until {closes:%-d %B %Y}"


def appeal_window_closes_on(rulebook: Rulebook, facts: CaseFacts) -> date | None:
    opened = max(
        (
            facts.notices_served[k]
            for k in ("decision", "review_outcome")
            if k in facts.notices_served
        ),
        default=None,
    )
    stage = rulebook.stages.get("appeal_window")
    if opened is None or stage is None or stage.target is None:
        return None
    return due_date(stage.target, opened, facts.calendar)


def due_date(target: Target, start: date, calendar: WorkingCalendar) -> date:
    """The day a target of working days, calendar days or calendar months from `start` falls."""
    if target.working_days is not None:
        return calendar.add_working_days(start, target.working_days)
    if target.calendar_days is not None:
        return start + timedelta(days=target.calendar_days)
    return add_calendar_months(start, target.calendar_months or 0)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
