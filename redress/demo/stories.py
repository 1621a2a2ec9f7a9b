"""The life of each demo case, planned first and then played through the case services.

A story is a complaint (who made it, about whom, in which categories) and the route its case
takes: closed at triage, resolved informally, no case to answer, decided on findings, or appealed.
Its steps are the sittings in which staff act on it, each a number of working days after the one
before, and each names the stage the case is at when it is done. A story is cut at the stage the
case is to be found at today, and left there a while: some within their targets, some overdue.

Everything random is drawn while planning, from the story's own generator, so the same seed gives
the same organisation whatever day it is built on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from redress.cases import services, suspensions
from redress.cases.facts import calendar_of
from redress.cases.models import Allegation, Case, Channel, InterimSuspension
from redress.demo import corpus
from redress.demo.register import Register
from redress.people.models import Person, StaffRole, User
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import parsed

ROUTES = {
    "no_further_action": 25,
    "informal_resolution": 10,
    "no_case_to_answer": 10,
    "findings": 45,
    "appeal": 10,
}
# Before any case is drawn at random: one at each stage a case can rest at, and one closed by
# each route. (No case rests at "received": Redress moves a complaint to triage as it arrives.)
COVERAGE = (
    ("findings", "triage"),
    ("informal_resolution", "informal_resolution"),
    ("findings", "investigation"),
    ("findings", "charging"),
    ("findings", "hearing"),
    ("findings", "decision"),
    ("findings", "review"),
    ("findings", "appeal_window"),
    ("appeal", "appeal"),
    ("no_further_action", "closed"),
    ("informal_resolution", "closed"),
    ("no_case_to_answer", "closed"),
    ("findings", "closed"),
    ("appeal", "closed"),
)
SUSPENDED, ANONYMOUS, CONFIDENTIAL, EMERGENCY, REVIEWED = 2, 3, 4, 5, 6  # indexes in COVERAGE

# A realistic mix: bullying the most common, every protected characteristic present.
CATEGORY_WEIGHTS = {
    "bullying": 24,
    "antisemitism": 12,
    "other": 12,
    "islamophobia": 9,
    "anti_black_racism": 8,
    "sexism": 8,
    "other_racism": 7,
    "sexual_harassment": 7,
    "homophobia_transphobia": 7,
    "disability": 6,
}
SECOND_CATEGORY_SHARE = 0.15
ANONYMOUS_SHARE = 0.05
CONFIDENTIAL_SHARE = 0.04
FREQUENT_COMPLAINANT_SHARE = 0.1
OUTSIDER_COMPLAINANT_SHARE = 0.1
STAFF_RESPONDENT_SHARE = 0.1
CLOSED_SHARE = 0.4
OVERDUE_SHARE = 0.25

# How long an open case has been left at its stage since its last step, in working days:
# (within target), (overdue). An appeal window is never left open past its ten days, because
# Redress closes it on the next look; a scheduled hearing is still to come.
LINGER = {
    "triage": ((1, 7), (14, 35)),
    "informal_resolution": ((2, 15), (25, 45)),
    "investigation": ((1, 15), (35, 70)),
    "charging": ((1, 7), (12, 30)),
    "hearing": ((1, 9), (1, 9)),
    "decision": ((1, 3), (7, 15)),
    "review": ((1, 7), (12, 25)),
    "appeal_window": ((1, 8), (1, 8)),
    "appeal": ((2, 25), (32, 50)),
    "closed": ((3, 150), (3, 150)),
}
OPEN_STAGE_WEIGHTS = {
    "triage": 20,
    "informal_resolution": 10,
    "investigation": 35,
    "charging": 10,
    "hearing": 12,
    "decision": 6,
    "review": 6,
    "appeal_window": 5,
    "appeal": 6,
}
HEARING_NOTICE_WORKING_DAYS = 12  # the rulebook needs 10; staff give a little more
HEARING_STARTS = time(9, 30)  # before any sitting of the day it is held on
RESPONSE_WINDOW_WORKING_DAYS = 15
APPEAL_WINDOW_WORKING_DAYS = 10
SUSPENSION_REVIEW_WORKING_DAYS = 20

Act = Callable[["Story"], None]


@dataclass(frozen=True)
class Step:
    gap: int  # working days after the previous step; 0 is later the same day
    stage: str  # where the case is once the step is done
    act: Act


@dataclass
class Team:
    coordinator: User
    officer: User
    investigator: User
    decision_maker: User
    panel: list[User]
    appeal_panel: list[User]
    reviewer: User


@dataclass
class Story:
    """One case, from the complaint to the stage it is at today."""

    register: Register
    team: Team
    route: str
    resting: str
    categories: list[str]
    summary: str
    respondent: Person
    complainant: Person | None
    channel: str
    confidential: bool = False
    suspended: bool = False
    emergency_access: bool = False
    needs_review: bool = False
    responds: bool = True
    response: str = ""
    hearing_requested: bool = True
    extra_allegation: str = ""
    extra_conduct_days_ago: int = 0
    findings: list[str] = field(default_factory=list)
    sanction: str = ""
    appeal_outcome: str = "dismissed"
    steps: list[Step] = field(default_factory=list)
    linger: int = 0
    timing_seed: int = 0
    case: Case | None = None

    @property
    def anonymous(self) -> bool:
        return self.complainant is None

    @property
    def contactable(self) -> bool:
        return self.complainant is not None and self.complainant.contactable

    @property
    def the_case(self) -> Case:
        assert self.case is not None, "the complaint has not been filed yet"
        return self.case


def plan_story(
    rng: random.Random, index: int, register: Register, rulebook: Rulebook, frequent: Person
) -> Story:
    """Draw one story; the first ones cover every stage and the special cases."""
    covered = index < len(COVERAGE)
    route, resting = COVERAGE[index] if covered else _draw_route_and_stage(rng)
    review_categories = list(rulebook.independent_review_categories)
    categories = (
        [rng.choice(review_categories)] if covered and index == REVIEWED else _categories(rng)
    )
    anonymous = (covered and index == ANONYMOUS) or (
        not covered and route != "informal_resolution" and rng.random() < ANONYMOUS_SHARE
    )
    respondent = _respondent(rng, register)
    complainant = None if anonymous else _complainant(rng, register, frequent, respondent)
    story = Story(
        register=register,
        team=_team(rng, register),
        route=route,
        resting=resting,
        categories=categories,
        summary=corpus.complaint_summary(
            rng, categories[0], (respondent.unit or rng.choice(register.branches)).name
        ),
        respondent=respondent,
        complainant=complainant,
        channel=_channel(rng, complainant),
        confidential=(covered and index == CONFIDENTIAL)
        or (not covered and not anonymous and rng.random() < CONFIDENTIAL_SHARE),
        suspended=covered and index == SUSPENDED,
        emergency_access=covered and index == EMERGENCY,
        responds=rng.random() < 0.8,
        response=rng.choice(corpus.RESPONSES),
        hearing_requested=rng.random() < 0.6,
        extra_allegation=rng.choice(list(CATEGORY_WEIGHTS)) if rng.random() < 0.25 else "",
        extra_conduct_days_ago=rng.randint(20, 300),
        sanction=rng.choice([s.code for s in rulebook.sanctions]),
        appeal_outcome=rng.choice(("dismissed", "dismissed", "varied")),
    )
    # Whether the decision goes to independent review depends on every allegation's category.
    story.needs_review = bool({*categories, story.extra_allegation} & set(review_categories))
    allegations = len(dict.fromkeys(categories)) + bool(story.extra_allegation)
    story.findings = [
        Allegation.Finding.UPHELD if rng.random() < 0.6 else Allegation.Finding.NOT_UPHELD
        for _ in range(allegations)
    ]
    story.steps = _cut(rng, story, route_steps(rng, story))
    story.linger = _linger(rng, story)
    story.timing_seed = rng.getrandbits(64)
    return story


def _draw_route_and_stage(rng: random.Random) -> tuple[str, str]:
    route = rng.choices(list(ROUTES), weights=list(ROUTES.values()))[0]
    if rng.random() < CLOSED_SHARE:
        return route, "closed"
    return route, ""  # an open stage on the route, chosen once its steps are known


def _categories(rng: random.Random) -> list[str]:
    names, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    first = rng.choices(names, weights=weights)[0]
    if rng.random() >= SECOND_CATEGORY_SHARE:
        return [first]
    second = rng.choices(names, weights=weights)[0]
    return [first] if second == first else [first, second]


def _respondent(rng: random.Random, register: Register) -> Person:
    if rng.random() < STAFF_RESPONDENT_SHARE:
        return rng.choice(register.staff_people)
    return rng.choice(register.members)


def _complainant(
    rng: random.Random, register: Register, frequent: Person, respondent: Person
) -> Person:
    draw = rng.random()
    if draw < FREQUENT_COMPLAINANT_SHARE and frequent != respondent:
        return frequent
    if draw < FREQUENT_COMPLAINANT_SHARE + OUTSIDER_COMPLAINANT_SHARE:
        return rng.choice(register.outsiders)
    while True:
        member = rng.choice(register.members)
        if member != respondent:
            return member


def _channel(rng: random.Random, complainant: Person | None) -> str:
    if complainant is not None and not complainant.contactable:
        return rng.choice((Channel.POST, Channel.PHONE))
    return rng.choices((Channel.WEB, Channel.EMAIL, Channel.PHONE), weights=(65, 25, 10))[0]


def _team(rng: random.Random, register: Register) -> Team:
    staff = register.staff
    panellists = list(staff.pool(StaffRole.PANELLIST))
    panel = rng.sample(panellists, 3)
    # The demo logins get most of the work, so each sees a full list.
    return Team(
        coordinator=staff.first(StaffRole.COORDINATOR),
        officer=_mostly_first(rng, staff.pool(StaffRole.OFFICER)),
        investigator=_mostly_first(rng, staff.pool(StaffRole.INVESTIGATOR)),
        decision_maker=staff.first(StaffRole.DECISION_MAKER),
        panel=panel,
        appeal_panel=[p for p in panellists if p not in panel][:3],
        reviewer=staff.first(StaffRole.REVIEWER),
    )


def _mostly_first(rng: random.Random, pool: list[User]) -> User:
    return pool[0] if rng.random() < 0.7 else rng.choice(pool)


# --- Routes ----------------------------------------------------------------------------------


def route_steps(rng: random.Random, story: Story) -> list[Step]:
    """Every step of the story's route, to its closure."""
    steps = [Step(0, "triage", file_complaint), Step(rng.randint(0, 2), "triage", assign_officer)]
    if story.route == "no_further_action":
        return [*steps, Step(rng.randint(2, 9), "closed", close_at_triage)]
    if story.route == "informal_resolution":
        return [
            *steps,
            Step(rng.randint(3, 9), "informal_resolution", refer_to_informal_resolution),
            Step(rng.randint(8, 25), "closed", resolve_informally),
        ]
    steps += [Step(rng.randint(2, 9), "investigation", refer_to_investigation)]
    steps += _investigation(rng, story)
    if story.route == "no_case_to_answer":
        return [*steps, Step(rng.randint(3, 12), "closed", find_no_case_to_answer)]
    steps += [Step(rng.randint(3, 12), "hearing", charge)]
    steps += _hearing(rng, story)
    after = "review" if story.needs_review else "appeal_window"
    steps += [Step(rng.randint(1, 4), after, record_findings)]
    if story.needs_review:
        steps += [Step(rng.randint(3, 9), "appeal_window", verify_on_review)]
    if story.route == "findings":
        closes = APPEAL_WINDOW_WORKING_DAYS + rng.randint(1, 3)
        return [*steps, Step(closes, "closed", close_after_appeal_window)]
    return [
        *steps,
        Step(rng.randint(3, 8), "appeal", lodge_appeal),
        Step(rng.randint(10, 28), "closed", decide_appeal),
    ]


def _investigation(rng: random.Random, story: Story) -> list[Step]:
    before: list[Step] = []
    if story.suspended:
        before += [Step(0, "investigation", decide_suspension)]
        before += [Step(1, "investigation", serve_suspension)]
    notice = Step(rng.randint(1, 4), "investigation", serve_investigation_notice)
    after: list[Step] = []
    if story.responds:
        after += [Step(rng.randint(5, 14), "investigation", record_response)]
    if story.suspended:
        since_served = notice.gap + sum(s.gap for s in after)
        review_gap = max(1, SUSPENSION_REVIEW_WORKING_DAYS - 1 - since_served)
        after += [Step(review_gap, "investigation", review_suspension)]
    if story.extra_allegation:
        after += [Step(rng.randint(2, 6), "investigation", add_allegation)]
    if story.contactable:
        after += [Step(rng.randint(2, 8), "investigation", give_feedback)]
    report = rng.randint(10, 30)
    if not story.responds:
        # Without an answer, the report waits until the time to answer has run out.
        report = max(report, RESPONSE_WINDOW_WORKING_DAYS + 1 - sum(s.gap for s in after))
    return [*before, notice, *after, Step(report, "charging", report_and_refer_to_charging)]


def _hearing(rng: random.Random, story: Story) -> list[Step]:
    steps = [Step(rng.randint(1, 4), "hearing", convene_panel)]
    if not story.hearing_requested:
        return [*steps, Step(rng.randint(2, 8), "decision", decide_on_the_papers)]
    return [
        *steps,
        Step(rng.randint(0, 2), "hearing", schedule_hearing),
        Step(HEARING_NOTICE_WORKING_DAYS, "decision", hold_hearing),
    ]


def _cut(rng: random.Random, story: Story, steps: list[Step]) -> list[Step]:
    """The steps taken so far: up to one that leaves the case at its resting stage."""
    if not story.resting:
        stages = list(dict.fromkeys(s.stage for s in steps if s.stage != "closed"))
        weights = [OPEN_STAGE_WEIGHTS[s] for s in stages]
        story.resting = rng.choices(stages, weights=weights)[0]
    at_rest = [i for i, s in enumerate(steps) if s.stage == story.resting]
    if not at_rest:
        raise ValueError(f"the {story.route} route does not pass {story.resting}")
    last = at_rest[-1] if story.suspended or story.resting == "closed" else rng.choice(at_rest)
    return steps[: last + 1]


def _linger(rng: random.Random, story: Story) -> int:
    within, overdue = LINGER[story.resting]
    if story.suspended:
        return rng.randint(1, 5)  # the suspension is in force, reviewed, not yet lapsed
    low, high = overdue if rng.random() < OVERDUE_SHARE else within
    return rng.randint(low, high)


# --- Acts: each one sitting of staff on the case, through the services --------------------


def _decide(story: Story, kind: str, outcome: str, reasons: str, actor: User) -> None:
    services.record_decision(
        story.the_case, kind=kind, outcome=outcome, reasons=corpus.REASONS[reasons], actor=actor
    )


def file_complaint(story: Story) -> None:
    submitted: dict[str, object] = {
        "how_it_affected_me": "I no longer feel able to attend branch meetings."
    }
    if story.confidential:
        submitted |= {
            "identity_confidential": True,
            "confidentiality_reasons": corpus.CONFIDENTIALITY_REASONS,
        }
    complaint = services.file_complaint(
        story.register.organisation,
        categories=story.categories,
        summary=story.summary,
        respondent=story.respondent,
        complainant=story.complainant,
        anonymous=story.anonymous,
        channel=story.channel,
        submitted=submitted,
    )
    story.case = complaint.case


def assign_officer(story: Story) -> None:
    team = story.team
    services.assign(story.the_case, user=team.officer, role="officer", actor=team.coordinator)


def _triage(story: Story, outcome: str, reasons: str) -> None:
    officer = story.team.officer
    _decide(story, "triage", outcome, reasons, officer)
    if story.suspended:
        _decide(story, "interim_measures", "needed", "interim_needed", officer)
    else:
        _decide(story, "interim_measures", "not_needed", "interim_not_needed", officer)
    if story.anonymous:
        _decide(story, "corroboration", "can_be_corroborated", "corroboration", officer)


def close_at_triage(story: Story) -> None:
    _triage(story, "no_further_action", "triage_nfa")
    services.transition_case(story.the_case, to="closed", actor=story.team.officer)


def refer_to_informal_resolution(story: Story) -> None:
    officer = story.team.officer
    _triage(story, "informal_resolution", "triage")
    _decide(story, "complainant_consent", "consents", "consent", officer)
    _decide(story, "respondent_consent", "consents", "consent", officer)
    services.transition_case(story.the_case, to="informal_resolution", actor=officer)


def resolve_informally(story: Story) -> None:
    officer = story.team.officer
    _decide(story, "informal_resolution", "resolved", "informal_resolved", officer)
    services.transition_case(story.the_case, to="closed", actor=officer)


def refer_to_investigation(story: Story) -> None:
    team, case = story.team, story.the_case
    _triage(story, "investigation", "triage")
    services.assign(case, user=team.investigator, role="investigator", actor=team.coordinator)
    if story.suspended:
        services.assign(
            case, user=team.decision_maker, role="decision_maker", actor=team.coordinator
        )
    services.transition_case(case, to="investigation", actor=team.officer)


def decide_suspension(story: Story) -> None:
    suspensions.decide_suspension(
        story.the_case,
        ground=InterimSuspension.Ground.RISK_TO_PEOPLE,
        reasons=corpus.REASONS["suspension"],
        actor=story.team.decision_maker,
    )


def _live_suspension(story: Story) -> InterimSuspension:
    return story.the_case.suspensions.get(status__in=suspensions.LIVE)


def serve_suspension(story: Story) -> None:
    suspensions.serve_suspension(_live_suspension(story), actor=story.team.decision_maker)


def review_suspension(story: Story) -> None:
    suspensions.review_suspension(
        _live_suspension(story),
        keep=True,
        reasons=corpus.REASONS["suspension_review"],
        actor=story.team.decision_maker,
    )


def serve_investigation_notice(story: Story) -> None:
    services.serve_notice(story.the_case, kind="investigation", actor=story.team.investigator)


def record_response(story: Story) -> None:
    services.record_response(story.the_case, text=story.response, actor=story.team.investigator)


def add_allegation(story: Story) -> None:
    place = story.respondent.unit.name if story.respondent.unit else "the regional office"
    services.add_allegation(
        story.the_case,
        category=story.extra_allegation,
        particulars="A further witness describes similar conduct: "
        + corpus.SUMMARIES[story.extra_allegation][0].format(where=f"in {place}"),
        conduct_on=timezone.localdate() - timedelta(days=story.extra_conduct_days_ago),
        actor=story.team.investigator,
    )


def give_feedback(story: Story) -> None:
    services.serve_notice(story.the_case, kind="feedback", actor=story.team.investigator)


def report_and_refer_to_charging(story: Story) -> None:
    team, case = story.team, story.the_case
    _decide(story, "investigation_report", "completed", "report", team.investigator)
    if not story.suspended:
        services.assign(
            case, user=team.decision_maker, role="decision_maker", actor=team.coordinator
        )
    services.transition_case(case, to="charging", actor=team.investigator)


def find_no_case_to_answer(story: Story) -> None:
    decider = story.team.decision_maker
    for allegation in story.the_case.allegations.order_by("pk"):
        services.record_charge(allegation, charged=False, actor=decider)
    _decide(story, "charging", "no_case_to_answer", "no_case", decider)
    services.transition_case(story.the_case, to="closed", actor=decider)


def charge(story: Story) -> None:
    decider = story.team.decision_maker
    for allegation in story.the_case.allegations.order_by("pk"):
        services.record_charge(allegation, charged=True, actor=decider)
    _decide(story, "charging", "charges", "charges", decider)
    services.transition_case(story.the_case, to="hearing", actor=decider)


def convene_panel(story: Story) -> None:
    team, case = story.team, story.the_case
    for panellist in team.panel:
        services.assign(case, user=panellist, role="panellist", actor=team.coordinator)
    outcome = "requested" if story.hearing_requested else "not_requested"
    _decide(story, "hearing_request", outcome, "hearing_request", team.officer)


def schedule_hearing(story: Story) -> None:
    case = story.the_case
    day = calendar_of(case.organisation).add_working_days(
        timezone.localdate(), HEARING_NOTICE_WORKING_DAYS
    )
    services.schedule_hearing(
        case,
        starts_at=timezone.make_aware(datetime.combine(day, HEARING_STARTS)),
        place="Regional office, meeting room 2, or by video link",
        actor=story.team.officer,
    )
    services.serve_notice(case, kind="hearing", actor=story.team.officer)


def hold_hearing(story: Story) -> None:
    case, chair = story.the_case, story.team.panel[0]
    hearing = case.hearings.order_by("-starts_at").first()
    assert hearing is not None
    services.record_hearing_held(
        hearing,
        record="The respondent attended, accompanied by a friend; both parties gave evidence.",
        actor=chair,
    )
    services.transition_case(case, to="decision", actor=chair)


def decide_on_the_papers(story: Story) -> None:
    services.transition_case(story.the_case, to="decision", actor=story.team.panel[0])


def record_findings(story: Story) -> None:
    case, chair = story.the_case, story.team.panel[0]
    charged = case.allegations.filter(charged=True).order_by("pk")
    rulebook = parsed(case.rulebook)
    for allegation, finding in zip(charged, story.findings, strict=True):
        upheld = finding == Allegation.Finding.UPHELD
        # The first row of the guidance that fits the category; a sanction the story drew from
        # outside its range is recorded as a departure, with reasons, as the rulebook requires.
        row = rulebook.guidance_for(allegation.category)[0] if upheld else None
        services.record_finding(
            allegation,
            finding=finding,
            reasons=corpus.REASONS[finding],
            sanction=story.sanction if upheld else "",
            sanction_reasons=corpus.REASONS["sanction"] if upheld else "",
            conduct=row.code if row else "",
            departure_reasons=corpus.REASONS["departure"] if upheld else "",
            actor=chair,
        )
    after = "appeal_window"
    if story.needs_review:
        team = story.team
        services.assign(case, user=team.reviewer, role="reviewer", actor=team.coordinator)
        after = "review"
    services.transition_case(case, to=after, actor=chair)


def verify_on_review(story: Story) -> None:
    reviewer = story.team.reviewer
    _decide(story, "review", "verified", "review", reviewer)
    services.transition_case(story.the_case, to="appeal_window", actor=reviewer)


def close_after_appeal_window(story: Story) -> None:
    services.transition_case(
        story.the_case,
        to="closed",
        actor=None,
        reason="the appeal window passed without an appeal",
    )


def lodge_appeal(story: Story) -> None:
    team, case = story.team, story.the_case
    _decide(story, "appeal_lodged", "by_respondent", "appeal_lodged", team.officer)
    for panellist in team.appeal_panel:
        services.assign(case, user=panellist, role="appeal_panellist", actor=team.coordinator)
    services.transition_case(case, to="appeal", actor=team.officer)


def decide_appeal(story: Story) -> None:
    chair = story.team.appeal_panel[0]
    reasons = "appeal_varied" if story.appeal_outcome == "varied" else "appeal_dismissed"
    _decide(story, "appeal_outcome", story.appeal_outcome, reasons, chair)
    services.transition_case(story.the_case, to="closed", actor=chair)


def grant_emergency_access(story: Story, user: User) -> None:
    services.grant_emergency_access(story.the_case, user=user, reason=corpus.EMERGENCY_REASON)
