"""Who may act on a case: the one rule, used by `redress.cases.services.assign` (and so by the
staff pages, the API and `redress case assign`), by the findings and decisions that need a
trained decider, and by the panel proposer.

A person may not act on a case when they have a conflict:
- they are a party to it, or are named in it (in a complaint, an allegation, a representation);
- they belong to the same local unit as a party;
- they were involved earlier in another part (an investigator never sits on its panel; nobody
  from the first panel sits on the appeal; a panellist stood down when a round was set aside
  never comes back for the rehearing);
- they declared an interest in a party, a party's unit, or the case itself.

And someone who decides (the rulebook's `training.deciding_roles`) must hold current training in
the procedure and in the subject of every category before them.

Messages name the member of staff by username and say what kind of conflict it is; they never
name a party, a unit or what an interest is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from redress.cases.models import Assignment, Case, CaseRole, Representation
from redress.lib.names import normal_name
from redress.panels.models import Interest, TrainingRecord
from redress.people.models import User
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import parsed

# Names shorter than this (after normalising) are too likely to match by chance inside text.
MIN_NAME_LENGTH = 5
APPEAL_ROLES = frozenset({CaseRole.APPEAL_PANELLIST})
PANEL_ROLES = frozenset({CaseRole.PANELLIST})


@dataclass(frozen=True)
class CaseContext:
    """What the conflict and training rules need to know of one case, read in a few queries."""

    case_id: int
    categories: frozenset[str]
    party_person_ids: frozenset[int]
    named_person_ids: frozenset[int]
    party_unit_ids: frozenset[int]
    text: str  # the complaints and allegations, normalised, padded with spaces
    roles_by_user: dict[int, frozenset[str]] = field(default_factory=dict)
    stood_down: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A member of staff as the rules see them."""

    user_id: int
    username: str
    person_id: int | None
    name: str  # normalised
    unit_id: int | None
    interest_person_ids: frozenset[int] = frozenset()
    interest_unit_ids: frozenset[int] = frozenset()
    interest_case_ids: frozenset[int] = frozenset()
    trained: frozenset[str] = frozenset()  # subjects current on the day asked about


def case_context(case: Case) -> CaseContext:
    return case_contexts([case])[case.pk]


def case_contexts(cases: Iterable[Case]) -> dict[int, CaseContext]:
    """The context of each case, in a fixed handful of queries whatever the number of cases."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    parties: dict[int, set[int]] = {c.pk: {c.respondent_id} for c in cases}
    units: dict[int, set[int]] = defaultdict(set)
    texts: dict[int, list[str]] = defaultdict(list)
    from redress.cases.models import Allegation, Complaint

    for case in Case.objects.filter(pk__in=ids).values("pk", "respondent__unit_id"):
        if case["respondent__unit_id"] is not None:
            units[case["pk"]].add(case["respondent__unit_id"])
    for row in Complaint.objects.filter(case_id__in=ids).values(
        "case_id", "complainant_id", "complainant__unit_id", "summary", "respondent_as_named"
    ):
        if row["complainant_id"] is not None:
            parties[row["case_id"]].add(row["complainant_id"])
        if row["complainant__unit_id"] is not None:
            units[row["case_id"]].add(row["complainant__unit_id"])
        texts[row["case_id"]] += [row["summary"], row["respondent_as_named"]]
    categories: dict[int, set[str]] = defaultdict(set)
    for case_id, category, particulars in (
        Allegation.objects.filter(case_id__in=ids)
        .exclude(finding="withdrawn")
        .values_list("case_id", "category", "particulars")
    ):
        categories[case_id].add(category)
        texts[case_id].append(particulars)
    named: dict[int, set[int]] = defaultdict(set)
    for case_id, made_by, made_by_name in Representation.objects.filter(
        case_id__in=ids
    ).values_list("case_id", "made_by_person_id", "made_by_name"):
        if made_by is not None:
            named[case_id].add(made_by)
        texts[case_id].append(made_by_name)
    roles: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    stood_down: dict[int, set[int]] = defaultdict(set)
    for case_id, user_id, role, was_stood_down in Assignment.objects.filter(
        case_id__in=ids
    ).values_list("case_id", "user_id", "role", "stood_down"):
        roles[case_id][user_id].add(role)
        if was_stood_down:
            stood_down[case_id].add(user_id)
    return {
        pk: CaseContext(
            case_id=pk,
            categories=frozenset(categories[pk]),
            party_person_ids=frozenset(parties[pk]),
            named_person_ids=frozenset(parties[pk] | named[pk]),
            party_unit_ids=frozenset(units[pk]),
            text=f" {normal_name(' '.join(texts[pk]))} ",
            roles_by_user={u: frozenset(r) for u, r in roles[pk].items()},
            stood_down=frozenset(stood_down[pk]),
        )
        for pk in ids
    }


def candidates(users: Iterable[User], *, on: date, subjects: Iterable[str] = ()) -> list[Candidate]:
    """The given staff as the rules see them, with their standing interests and the subjects
    (of `subjects`, or all) they are trained in on `on`; in three queries."""
    users = list(users)
    ids = [u.pk for u in users]
    people: dict[int, tuple[int | None, str, int | None]] = {
        pk: (person_id, name or "", unit_id)
        for pk, person_id, name, unit_id in User.objects.filter(pk__in=ids).values_list(
            "pk", "person_id", "person__name", "person__unit_id"
        )
    }
    interests: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for user_id, *things in Interest.objects.filter(
        user_id__in=ids, withdrawn_at__isnull=True
    ).values_list("user_id", "person_id", "unit_id", "case_id"):
        for key, thing in zip(("person_id", "unit_id", "case_id"), things, strict=True):
            if thing is not None:
                interests[user_id][key].add(thing)
    trained: dict[int, set[str]] = defaultdict(set)
    records = TrainingRecord.objects.filter(
        user_id__in=ids, completed_on__lte=on, expires_on__gte=on
    )
    wanted = list(subjects)
    if wanted:
        records = records.filter(subject__in=wanted)
    for user_id, subject in records.values_list("user_id", "subject"):
        trained[user_id].add(subject)
    found = []
    for user in users:
        person_id, name, unit_id = people.get(user.pk, (None, "", None))
        declared = interests[user.pk]
        found.append(
            Candidate(
                user_id=user.pk,
                username=user.username,
                person_id=person_id,
                name=normal_name(name),
                unit_id=unit_id,
                interest_person_ids=frozenset(declared["person_id"]),
                interest_unit_ids=frozenset(declared["unit_id"]),
                interest_case_ids=frozenset(declared["case_id"]),
                trained=frozenset(trained[user.pk]),
            )
        )
    return found


def conflicts(context: CaseContext, candidate: Candidate, role: str) -> list[str]:
    """Every conflict that keeps `candidate` from acting on the case as `role`."""
    who = candidate.username
    found = []
    person = candidate.person_id
    if person is not None and person in context.party_person_ids:
        found.append(f"{who} is a party to this case")
    elif (person is not None and person in context.named_person_ids) or _named_in_text(
        candidate.name, context.text
    ):
        found.append(f"{who} is named in this case")
    if candidate.unit_id is not None and candidate.unit_id in context.party_unit_ids:
        found.append(f"{who} belongs to the same local unit as a party")
    earlier = context.roles_by_user.get(candidate.user_id, frozenset()) - {role}
    if earlier:
        label = CaseRole(sorted(earlier)[0]).label.lower()
        found.append(
            f"{who} has been {label} on this case and cannot also be {CaseRole(role).label.lower()}"
        )
    if role in PANEL_ROLES and candidate.user_id in context.stood_down:
        found.append(f"{who} sat on the panel whose decision was set aside")
    if (
        candidate.interest_case_ids & {context.case_id}
        or candidate.interest_person_ids & context.named_person_ids
        or candidate.interest_unit_ids & context.party_unit_ids
    ):
        found.append(f"{who} has declared an interest that touches this case")
    return found


def _named_in_text(name: str, text: str) -> bool:
    if len(name) < MIN_NAME_LENGTH or " " not in name:
        return False  # a single word or a short name would match by chance
    return f" {name} " in text


def training_gaps(
    rulebook: Rulebook, context: CaseContext, candidate: Candidate, role: str
) -> list[str]:
    """The subjects a decider in `role` must be trained in for this case and is not."""
    if role not in rulebook.training.deciding_roles:
        return []
    missing = [
        s for s in rulebook.training.subjects_for(context.categories) if s not in candidate.trained
    ]
    if not missing:
        return []
    labels = [rulebook.training.subjects[s].label.lower() for s in missing]
    return [f"{candidate.username} is not currently trained in {', '.join(labels)}"]


def problems(case: Case, user: User, role: str, *, on: date | None = None) -> list[str]:
    """Why `user` may not act on `case` as `role` (empty if they may): conflicts and training."""
    rulebook = parsed(case.rulebook)
    context = case_context(case)
    [candidate] = candidates([user], on=on or timezone.localdate())
    return conflicts(context, candidate, role) + training_gaps(rulebook, context, candidate, role)


def untrained_for(case: Case, user: User, category: str, *, on: date | None = None) -> list[str]:
    """The subjects `user` lacks to decide an allegation in `category` on this case."""
    rulebook = parsed(case.rulebook)
    needed = rulebook.training.subjects_for({category})
    [candidate] = candidates([user], on=on or timezone.localdate(), subjects=needed)
    missing = [s for s in needed if s not in candidate.trained]
    return [rulebook.training.subjects[s].label.lower() for s in missing]


def open_case_loads(user_ids: Iterable[int], roles: Iterable[str]) -> dict[int, int]:
    """How many open cases each user sits on in `roles`."""
    loads: dict[int, int] = defaultdict(int)
    rows = Assignment.objects.filter(
        Q(user_id__in=list(user_ids)),
        Q(role__in=list(roles)),
        ended_at__isnull=True,
        case__closed_at__isnull=True,
    ).values_list("user_id", flat=True)
    for user_id in rows:
        loads[user_id] += 1
    return dict(loads)
