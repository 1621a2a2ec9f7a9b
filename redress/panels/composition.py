"""Choosing panels under the rulebook's constraints, with OR-Tools CP-SAT. Pure: no database.

A round is a list of hearings to staff and the pool of members who could sit. Each hearing
lists the members who may not sit on it (conflicts and training, decided by
`redress.panels.eligibility`); the solver then chooses, for each hearing, `size` members and a
chair such that
- every member is available on the hearing's date and sits at most once a day;
- the gender balance holds (at least `min_women` women; no more than `max_same_gender` of any
  one declared gender);
- at least one member declares an ethnic minority where the rulebook asks for one;
- the chair is trained to chair;
- nobody's open cases exceed `max_open_cases`;
and spreads the work: it keeps the busiest member's load as low as it can, then prefers the
least loaded members.

Each composition constraint is soft, with a slack variable priced far above any spreading
preference. A round whose best answer has no slack is feasible; otherwise the slack says exactly
which constraint cannot be met, on which hearing, and by how much.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from time import perf_counter

from ortools.sat.python import cp_model

from redress.rulebook.schema import Panels

SLACK_COST = 10_000  # one unmet unit of any constraint outweighs every spreading preference
# An empty seat costs more than a broken composition rule, so that when a full panel can be
# seated only by breaking a rule, the rule is what the report names (not a missing member).
SIZE_WEIGHT = 3
PEAK_COST = 50  # the busiest member's load, against the sum of loads taken
# Above this many candidates for one hearing, each kind of member (gender, minority, chair) is
# cut to its least loaded few before solving; if that leaves slack, the round is solved again
# uncut, so a cut never makes a feasible round look infeasible.
CUT_ABOVE = 60
KEEP_PER_KIND = 8


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    gender: str = ""  # as declared; "" if not declared
    minority: bool = False
    can_chair: bool = False
    load: int = 0  # open cases they sit on now
    available: frozenset[date] | None = None  # None: no availability recorded is needed


@dataclass(frozen=True)
class HearingToStaff:
    case_id: int
    reference: str
    size: int
    hearing_on: date | None = None
    needs_minority: bool = False
    excluded: frozenset[int] = frozenset()  # conflicted or untrained
    excluded_reasons: tuple[str, ...] = ()  # counts by reason, for the report


@dataclass
class Staffing:
    case_id: int
    members: list[int] = field(default_factory=list)
    chair: int | None = None
    shortfalls: list[str] = field(default_factory=list)


@dataclass
class RoundResult:
    staffings: dict[int, Staffing]
    seconds: float
    status: str
    variables: int

    @property
    def feasible(self) -> bool:
        return all(not s.shortfalls for s in self.staffings.values())


def candidates_for(hearing: HearingToStaff, pool: list[Member]) -> list[Member]:
    """The members who may sit on the hearing and are available on its date."""
    return [
        m
        for m in pool
        if m.user_id not in hearing.excluded
        and (hearing.hearing_on is None or m.available is None or hearing.hearing_on in m.available)
    ]


def staff_round(
    hearings: list[HearingToStaff],
    pool: list[Member],
    rules: Panels,
    *,
    seconds: float = 30.0,
    workers: int = 2,
) -> RoundResult:
    """Staff every hearing of the round. Hearings on different days share only the workload
    cap, so the round is solved a day at a time (earliest first), each day's panels counting
    towards the loads the next day sees; each day gets its share of the time allowed."""
    started = perf_counter()
    by_day: dict[date | None, list[HearingToStaff]] = defaultdict(list)
    for hearing in hearings:
        by_day[hearing.hearing_on].append(hearing)
    order = sorted(by_day, key=lambda d: (d is not None, d or date.min))
    loads = {m.user_id: m.load for m in pool}
    staffings: dict[int, Staffing] = {}
    statuses: Counter[str] = Counter()
    variables = 0
    for number, day in enumerate(order):
        budget = max(1.0, (seconds - (perf_counter() - started)) / (len(order) - number))
        today = [replace(m, load=loads[m.user_id]) for m in pool]
        result = _solve(by_day[day], today, rules, seconds=budget, workers=workers, cut=True)
        if not result.feasible and result.status.endswith("(cut)"):
            result = _solve(by_day[day], today, rules, seconds=budget, workers=workers, cut=False)
        for staffing in result.staffings.values():
            for member in staffing.members:
                loads[member] += 1
        staffings.update(result.staffings)
        statuses[result.status] += 1
        variables = max(variables, result.variables)
    status = ", ".join(f"{count} days {name}" for name, count in sorted(statuses.items()))
    return RoundResult(staffings, perf_counter() - started, status, variables)


def _kind(member: Member) -> tuple[str, bool, bool]:
    return (member.gender, member.minority, member.can_chair)


def _cut(hearing: HearingToStaff, members: list[Member]) -> list[Member]:
    if len(members) <= CUT_ABOVE:
        return members
    by_kind: dict[tuple[str, bool, bool], list[Member]] = defaultdict(list)
    for member in members:
        by_kind[_kind(member)].append(member)
    kept: list[Member] = []
    for group in by_kind.values():
        # The least loaded first; among equals, a different order for each hearing, so that
        # hearings on the same day do not all keep the same few members.
        group.sort(key=lambda m: (m.load, zlib.crc32(f"{hearing.case_id}:{m.user_id}".encode())))
        kept += group[:KEEP_PER_KIND]
    return kept


def _solve(
    hearings: list[HearingToStaff],
    pool: list[Member],
    rules: Panels,
    *,
    seconds: float,
    workers: int,
    cut: bool,
) -> RoundResult:
    model = cp_model.CpModel()
    by_id = {m.user_id: m for m in pool}
    seat: dict[tuple[int, int], cp_model.IntVar] = {}
    chair: dict[tuple[int, int], cp_model.IntVar] = {}
    slacks: list[tuple[cp_model.IntVar, int, str, str]] = []  # (var, case, family, detail)
    taken_by_member: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_day: dict[tuple[date, int], list[cp_model.IntVar]] = defaultdict(list)
    balance = rules.gender_balance

    def slack(case_id: int, family: str, detail: str, bound: int) -> cp_model.IntVar:
        var = model.new_int_var(0, max(bound, 0), f"slack_{family}_{case_id}_{detail}")
        slacks.append((var, case_id, family, detail))
        return var

    def cost(var: cp_model.IntVar, family: str) -> cp_model.LinearExprT:
        return var * (SLACK_COST * SIZE_WEIGHT if family == "size" else SLACK_COST)

    was_cut = False
    chosen: dict[int, list[Member]] = {}
    for hearing in hearings:
        members = candidates_for(hearing, pool)
        if cut:
            kept = _cut(hearing, members)
            was_cut = was_cut or len(kept) < len(members)
            members = kept
        h = hearing.case_id
        chosen[h] = members
        for m in members:
            x = model.new_bool_var(f"x_{h}_{m.user_id}")
            seat[h, m.user_id] = x
            taken_by_member[m.user_id].append(x)
            if hearing.hearing_on is not None:
                by_day[hearing.hearing_on, m.user_id].append(x)
            if m.can_chair:
                y = model.new_bool_var(f"c_{h}_{m.user_id}")
                model.add_implication(y, x)
                chair[h, m.user_id] = y
        xs = [seat[h, m.user_id] for m in members]
        model.add(sum(xs) + slack(h, "size", "", hearing.size) == hearing.size)
        chairs = [chair[h, m.user_id] for m in members if (h, m.user_id) in chair]
        model.add(sum(chairs) + slack(h, "chair", "", 1) == 1)
        women = [seat[h, m.user_id] for m in members if m.gender == "woman"]
        if balance.min_women:
            model.add(sum(women) + slack(h, "women", "", balance.min_women) >= balance.min_women)
        if balance.max_same_gender is not None:
            genders = {m.gender for m in members if m.gender and m.gender != "prefer_not_to_say"}
            for gender in sorted(genders):
                same = [seat[h, m.user_id] for m in members if m.gender == gender]
                if len(same) > balance.max_same_gender:
                    over = slack(h, "same_gender", gender, hearing.size)
                    model.add(sum(same) - over <= balance.max_same_gender)
        if hearing.needs_minority:
            minority = [seat[h, m.user_id] for m in members if m.minority]
            model.add(sum(minority) + slack(h, "minority", "", 1) >= 1)
    for seats in by_day.values():
        if len(seats) > 1:
            model.add_at_most_one(seats)
    peak = model.new_int_var(0, rules.max_open_cases + len(hearings), "peak")
    load_cost = []
    for user_id, seats in taken_by_member.items():
        member = by_id[user_id]
        total = member.load + sum(seats)
        over = model.new_int_var(0, len(seats), f"overload_{user_id}")
        slacks.append((over, 0, "workload", str(user_id)))
        model.add(total - over <= rules.max_open_cases)
        model.add(peak >= total)
        load_cost += [seat_var * (member.load + 1) for seat_var in seats]
    penalties = [cost(var, family) for var, _, family, _ in slacks]
    model.minimize(cp_model.LinearExpr.sum([*penalties, PEAK_COST * peak, *load_cost]))
    greedy = _greedy(hearings, chosen, by_id, rules)
    for (h, hinted_chair), user_ids in greedy.items():
        for candidate in chosen[h]:
            model.add_hint(seat[h, candidate.user_id], candidate.user_id in user_ids)
            if (h, candidate.user_id) in chair:
                model.add_hint(chair[h, candidate.user_id], candidate.user_id == hinted_chair)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    # Once every rule is met, a spread within 2 % of the best possible is good enough.
    solver.parameters.relative_gap_limit = 0.02
    status = solver.solve(model)
    staffings = {h.case_id: Staffing(case_id=h.case_id) for h in hearings}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No answer in the time allowed: the greedy one stands, checked rule by rule.
        for (h, hinted_chair), user_ids in greedy.items():
            staffings[h].members = sorted(user_ids)
            staffings[h].chair = hinted_chair
            hearing = next(x for x in hearings if x.case_id == h)
            staffings[h].shortfalls = _unmet(hearing, [by_id[u] for u in user_ids], rules)
        return RoundResult(staffings, 0.0, "greedy", len(seat))
    for (h, user_id), x in seat.items():
        if solver.value(x):
            staffings[h].members.append(user_id)
    for (h, user_id), y in chair.items():
        if solver.value(y):
            staffings[h].chair = user_id
    references = {h.case_id: h for h in hearings}
    for var, case_id, family, detail in slacks:
        amount = solver.value(var)
        if not amount:
            continue
        if family != "size" and family != "workload" and not staffings[case_id].members:
            continue  # nobody can sit at all: the size is the one constraint to name
        if family == "workload":
            member = by_id[int(detail)]
            for staffing in staffings.values():
                if member.user_id in staffing.members:
                    staffing.shortfalls.append(_say(family, member.username, amount, rules, None))
            continue
        staffings[case_id].shortfalls.append(
            _say(family, detail, amount, rules, references[case_id])
        )
    label = solver.status_name(status).lower() + (" (cut)" if was_cut else "")
    return RoundResult(staffings, 0.0, label, len(seat))


def _greedy(
    hearings: list[HearingToStaff],
    chosen: dict[int, list[Member]],
    by_id: dict[int, Member],
    rules: Panels,
) -> dict[tuple[int, int | None], set[int]]:
    """A quick first answer for the solver to start from: hearings with the fewest candidates
    first, each taking a chair, then a minority member and women as needed, then the least
    loaded; at most one hearing a day each, and within the workload cap where it can."""
    taken: dict[int, int] = {m: by_id[m].load for m in by_id}
    busy: set[tuple[date, int]] = set()
    answer: dict[tuple[int, int | None], set[int]] = {}
    for hearing in sorted(hearings, key=lambda h: len(chosen[h.case_id])):
        free = [
            m
            for m in chosen[hearing.case_id]
            if hearing.hearing_on is None or (hearing.hearing_on, m.user_id) not in busy
        ]
        free.sort(key=lambda m: (taken[m.user_id], m.user_id))
        panel = _greedy_panel(hearing, free, taken, rules)
        for m in panel:
            taken[m.user_id] += 1
            if hearing.hearing_on is not None:
                busy.add((hearing.hearing_on, m.user_id))
        chair = next((m.user_id for m in panel if m.can_chair), None)
        answer[hearing.case_id, chair] = {m.user_id for m in panel}
    return answer


def _greedy_panel(
    hearing: HearingToStaff, free: list[Member], taken: dict[int, int], rules: Panels
) -> list[Member]:
    balance = rules.gender_balance
    panel: list[Member] = []

    def fits(m: Member) -> bool:
        if m in panel or taken[m.user_id] >= rules.max_open_cases:
            return False
        same = sum(1 for p in panel if m.gender and p.gender == m.gender)
        return balance.max_same_gender is None or same < balance.max_same_gender

    def take(wanted: int, test: Callable[[Member], bool]) -> None:
        for m in free:
            if len(panel) >= hearing.size or wanted <= 0:
                return
            if test(m) and fits(m):
                panel.append(m)
                wanted -= 1

    take(1, lambda m: m.can_chair)
    if hearing.needs_minority and not any(p.minority for p in panel):
        take(1, lambda m: m.minority)
    take(balance.min_women - sum(1 for p in panel if p.gender == "woman"), _is_woman)
    take(hearing.size, lambda m: True)
    return panel


def _unmet(hearing: HearingToStaff, panel: list[Member], rules: Panels) -> list[str]:
    """The rules a panel breaks, in the words `_say` uses, for an answer not from the solver."""
    balance = rules.gender_balance
    found = []
    if len(panel) < hearing.size:
        found.append(_say("size", "", hearing.size - len(panel), rules, hearing))
    if not any(m.can_chair for m in panel):
        found.append(_say("chair", "", 1, rules, hearing))
    women = sum(1 for m in panel if m.gender == "woman")
    if women < balance.min_women:
        found.append(_say("women", "", balance.min_women - women, rules, hearing))
    if balance.max_same_gender is not None:
        genders = Counter(m.gender for m in panel if m.gender and m.gender != "prefer_not_to_say")
        for gender, count in sorted(genders.items()):
            if count > balance.max_same_gender:
                over = count - balance.max_same_gender
                found.append(_say("same_gender", gender, over, rules, hearing))
    if hearing.needs_minority and not any(m.minority for m in panel):
        found.append(_say("minority", "", 1, rules, hearing))
    return found


def _is_woman(member: Member) -> bool:
    return member.gender == "woman"


def _say(
    family: str, detail: str, amount: int, rules: Panels, hearing: HearingToStaff | None
) -> str:
    """One unmet constraint, in words a coordinator can act on."""
    balance = rules.gender_balance
    if family == "size" and hearing is not None:
        found = hearing.size - amount
        why = f" ({'; '.join(hearing.excluded_reasons)})" if hearing.excluded_reasons else ""
        when = f" on {hearing.hearing_on:%-d %B %Y}" if hearing.hearing_on else ""
        return (
            f"panel size: the panel needs {hearing.size} members and only {found} can sit"
            f"{when}{why}; short by {amount}"
        )
    if family == "chair":
        return "chair: nobody who can sit is trained to chair; short by 1"
    if family == "women":
        return (
            f"gender balance: the panel needs at least {balance.min_women} "
            f"{'woman' if balance.min_women == 1 else 'women'} and can have only "
            f"{balance.min_women - amount}; short by {amount}"
        )
    if family == "same_gender":
        return (
            f"gender balance: no more than {balance.max_same_gender} members may share a gender, "
            f"and the panel can only be made up with {(balance.max_same_gender or 0) + amount} "
            f"({detail.replace('_', '-')}); over by {amount}"
        )
    if family == "minority":
        return (
            "ethnic-minority member: the rulebook asks for at least one member who declares an "
            "ethnic minority and none who can sit does; short by 1"
        )
    return (
        f"workload: {detail} would sit on more than {rules.max_open_cases} open cases; "
        f"over by {amount}"
    )
