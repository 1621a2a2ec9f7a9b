"""A reproducible synthetic organisation, for the demo and for trying Redress out.

Everything is made through the services, so it is what a real organisation would have: the
audit log and its hash chain, the clocks, the notices (queued for the worker to email). History
is replayed with time-machine: the organisation is founded well over a year ago, and each step of
each case happens on its own working day, in the order the days fall, so cases have real ages,
deadlines fall where the rulebook puts them, and some are overdue today.

The same seed gives the same people, complaints and stages whatever day it is run; the dates move
with today. The whole seed is one transaction: it is built completely or not at all.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import perf_counter

import time_machine
from django.db import transaction
from django.utils import timezone

from redress.cases.facts import calendar_of
from redress.cases.models import Case
from redress.demo import stories
from redress.demo.equality import declare_demo_equality
from redress.demo.pool import build_pool
from redress.demo.register import DEMO_PASSWORD, Register, build_register
from redress.demo.stories import Story
from redress.lib.workdays import WorkingCalendar
from redress.people.models import Organisation, StaffRole
from redress.rulebook.selectors import current_version, parsed

DEFAULT_NAME = "Fairhaven Workers' Union (synthetic demo data)"
DEFAULT_SLUG = "demo"
FOUNDED_DAYS_AGO = 560
FIRST_COMPLAINT_AFTER_DAYS = 7
EMERGENCY_ACCESS_HOURS_AGO = 2
SITTING_STARTS = time(10, 0)
SITTING_MINUTES = 390  # a step on a new day starts between ten and half past four
SAME_SITTING_MINUTES = (5, 40)
COMPLAINTS_ARRIVE = (7 * 60, 22 * 60)  # complaints come in from seven in the morning to ten


@dataclass(frozen=True)
class SeedSummary:
    organisation: Organisation
    members: int
    cases: int
    stages: Counter[str]
    logins: list[tuple[str, str]]  # (role, username)
    seconds: float


class SeedError(ValueError):
    """The organisation cannot be seeded as asked."""


def seed_organisation(
    *,
    members: int,
    cases: int,
    seed: int,
    name: str = DEFAULT_NAME,
    slug: str = DEFAULT_SLUG,
    password: str = DEMO_PASSWORD,
) -> SeedSummary:
    """Build the organisation, its register and `cases` cases, replaying their history."""
    if members < 10:
        raise SeedError("an organisation needs at least 10 members to have cases between them")
    if cases < 0:
        raise SeedError("the number of cases cannot be negative")
    started = perf_counter()
    now = timezone.now()
    founded = _at(timezone.localdate(now) - timedelta(days=FOUNDED_DAYS_AGO), time(9, 0))
    rng = random.Random(seed)
    with transaction.atomic(), time_machine.travel(founded, tick=False) as traveller:
        register = build_register(rng, name=name, slug=slug, members=members, password=password)
        # Its own generator, so the answers do not shift the people and cases the seed makes.
        declare_demo_equality(
            random.Random(seed), register.members, register.staff.first(StaffRole.ADMIN)
        )
        build_pool(
            random.Random(seed + 1),
            register,
            calendar_of(register.organisation),
            today=timezone.localdate(now),
        )
        planned = _plan(rng, register, cases)
        for when, story, step in _timeline(planned, register, today=timezone.localdate(now)):
            if when < founded + timedelta(days=FIRST_COMPLAINT_AFTER_DAYS):
                raise SeedError("a case would open before the organisation was founded")
            traveller.move_to(when)
            step.act(story)
        traveller.move_to(now - timedelta(hours=EMERGENCY_ACCESS_HOURS_AGO))
        admin = register.staff.first(StaffRole.ADMIN)
        for story in planned:
            if story.emergency_access:
                stories.grant_emergency_access(story, admin)
    return _summary(register, seconds=perf_counter() - started)


def _plan(rng: random.Random, register: Register, cases: int) -> list[Story]:
    rulebook = parsed(current_version(register.organisation))
    frequent = rng.choice(register.members)  # one member who complains far more than others
    return [
        stories.plan_story(random.Random(rng.getrandbits(64)), index, register, rulebook, frequent)
        for index in range(cases)
    ]


def _timeline(
    planned: list[Story], register: Register, *, today: date
) -> list[tuple[datetime, Story, stories.Step]]:
    """Every step of every story at its moment, earliest first."""
    calendar = calendar_of(register.organisation)
    moments: list[tuple[datetime, int, int, Story, stories.Step]] = []
    for number, story in enumerate(planned):
        for order, (when, step) in enumerate(_moments(story, calendar, today)):
            moments.append((when, number, order, story, step))
    moments.sort(key=lambda moment: moment[:3])
    return [(when, story, step) for when, _, _, story, step in moments]


def _moments(
    story: Story, calendar: WorkingCalendar, today: date
) -> list[tuple[datetime, stories.Step]]:
    """When each step of the story happens: counted back from today by its linger and gaps."""
    clock = random.Random(story.timing_seed)
    last_day = subtract_working_days(calendar, today, story.linger)
    day = subtract_working_days(calendar, last_day, sum(step.gap for step in story.steps))
    when = _at(day, time(0, 0)) + timedelta(minutes=clock.randint(*COMPLAINTS_ARRIVE))
    moments: list[tuple[datetime, stories.Step]] = []
    for step in story.steps:
        if step.gap:
            day = calendar.add_working_days(day, step.gap)
            when = _at(day, SITTING_STARTS) + timedelta(minutes=clock.randint(0, SITTING_MINUTES))
        elif moments:
            when += timedelta(minutes=clock.randint(*SAME_SITTING_MINUTES))
        moments.append((when, step))
    return moments


def subtract_working_days(calendar: WorkingCalendar, end: date, days: int) -> date:
    """The working day `days` working days before `end` (`end` itself when `days` is 0)."""
    day = end
    while days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _summary(register: Register, *, seconds: float) -> SeedSummary:
    organisation = register.organisation
    stages = Counter(Case.objects.filter(organisation=organisation).values_list("stage", flat=True))
    return SeedSummary(
        organisation=organisation,
        members=len(register.members),
        cases=sum(stages.values()),
        stages=stages,
        logins=[(role, user.username) for role, user in register.staff.logins],
        seconds=seconds,
    )
