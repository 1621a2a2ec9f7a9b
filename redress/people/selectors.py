"""Reading organisations, units, people and staff accounts."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Q, QuerySet

from redress.lib.names import normal_handle, normal_name, normal_number
from redress.people.models import Organisation, Person, User


class OrganisationNotChosen(CommandError, ValueError):
    """No organisation matches what was asked for, or it is ambiguous which one was meant.

    A `CommandError`, so a management command can let it propagate to a one-line message and a
    non-zero exit; a `ValueError`, so other callers may treat it as bad input.
    """


class UserNotFound(CommandError, ValueError):
    """No staff account has that username."""


def organisation_from_option(slug: str | None) -> Organisation:
    """The organisation a command's `--organisation SLUG` names.

    Without a slug, the installation's `REDRESS_ORGANISATION` is used, and failing that the only
    organisation there is; with several and none named, the caller must choose.
    """
    slug = slug or settings.REDRESS_ORGANISATION or None
    if slug is not None:
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise OrganisationNotChosen(f"no organisation has the slug {slug!r}") from None
    found = list(Organisation.objects.order_by("slug")[:2])
    if not found:
        raise OrganisationNotChosen(
            "there is no organisation yet; create one with `redress organisation create`"
        )
    if len(found) > 1:
        raise OrganisationNotChosen(
            "there is more than one organisation; name one with --organisation SLUG"
        )
    return found[0]


def user_by_username(username: str) -> User:
    """The account with this username (compared without regard to case)."""
    try:
        return User.objects.select_related("organisation").get(username__iexact=username)
    except User.DoesNotExist:
        raise UserNotFound(f"no user has the username {username!r}") from None


def membership_numbers(organisation: Organisation) -> dict[str, int]:
    """Each registered membership number in the organisation, mapped to its person's id."""
    rows = (
        organisation.people.exclude(membership_number="")
        .values_list("membership_number", "pk")
        .iterator(chunk_size=10_000)
    )
    return dict(rows)


def unit_ids_by_name(organisation: Organisation) -> dict[str, int]:
    """The organisation's units by name (names are unique within an organisation)."""
    return dict(organisation.units.values_list("name", "pk"))


# --- Finding a named person on the register ----------------------------------------------------

FUZZY_THRESHOLD = 0.88  # similarity of normalised names for a confident fuzzy match
# How far ahead of the runner-up the best candidate must be. Generous, because a complaint
# filed against the wrong member does more harm than one against a new outside person that the
# case officer links up later.
FUZZY_MARGIN = 0.1
FUZZY_CANDIDATES = 200  # rows read per name word; enough for common surnames in 500,000 members


@dataclass(frozen=True)
class RegisterMatch:
    """Who on the register a complainant meant, if anyone can say so with confidence.

    `how` says which identifier settled it; `ambiguous` that several people fit equally well.
    """

    person: Person | None
    how: str = ""
    ambiguous: bool = False

    @property
    def confident(self) -> bool:
        return self.person is not None


NO_MATCH = RegisterMatch(person=None)


def match_on_register(
    organisation: Organisation,
    *,
    name: str = "",
    membership_number: str = "",
    handle: str = "",
    fuzzy: bool = False,
) -> RegisterMatch:
    """The one rule for finding a named person on the register, used by the API and the public
    form: a membership number first, then the name or an alias exactly (ignoring case, accents
    and punctuation), then a handle among the aliases, then (if `fuzzy`) a name close enough to
    one person and clearly closer than to anyone else. Never a guess between two people."""
    people = organisation.people.all()
    number = membership_number.strip()
    if number:
        found = people.filter(membership_number=number).first()
        if found is None and normal_number(number) != number:
            found = people.filter(membership_number__iexact=normal_number(number)).first()
        if found is not None:
            return RegisterMatch(person=found, how="membership_number")
    wanted = normal_name(name)
    if wanted:
        exact = _by_name_or_alias(people, name, wanted)
        if len(exact) > 1:
            return RegisterMatch(person=None, how="name", ambiguous=True)
        if exact:
            return RegisterMatch(person=exact[0], how="name")
    wanted_handle = normal_handle(handle)
    if wanted_handle:
        by_handle = [
            p
            for p in people.filter(aliases__icontains=wanted_handle)[:FUZZY_CANDIDATES]
            if wanted_handle in {normal_handle(a) for a in p.aliases}
        ]
        if len(by_handle) == 1:
            return RegisterMatch(person=by_handle[0], how="handle")
    if fuzzy and wanted:
        return _fuzzy(people, wanted)
    return NO_MATCH


def _by_name_or_alias(people: QuerySet[Person], given: str, wanted: str) -> list[Person]:
    named = list(people.filter(name__iexact=" ".join(given.split())).order_by("pk")[:2])
    if named:
        return named
    longest = max(wanted.split(), key=len)
    candidates = people.filter(Q(name__icontains=longest) | Q(aliases__icontains=longest))
    return [
        p
        for p in candidates.order_by("pk")[:FUZZY_CANDIDATES]
        if wanted in {normal_name(p.name), *(normal_name(a) for a in p.aliases)}
    ][:2]


def _fuzzy(people: QuerySet[Person], wanted: str) -> RegisterMatch:
    words = sorted((w for w in wanted.split() if len(w) >= 3), key=len, reverse=True)[:2]
    scores: dict[int, tuple[float, Person]] = {}
    for word in words:
        # A typo can fall in any word, so each of the two longest words fetches candidates.
        stem = word[: max(3, len(word) // 2)]
        near = people.filter(Q(name__icontains=stem) | Q(aliases__icontains=stem))
        for person in near[:FUZZY_CANDIDATES]:
            score = max(
                SequenceMatcher(None, wanted, normal_name(n)).ratio()
                for n in [person.name, *person.aliases]
            )
            scores[person.pk] = (score, person)
    ranked = sorted(scores.values(), key=lambda pair: pair[0], reverse=True)
    if not ranked or ranked[0][0] < FUZZY_THRESHOLD:
        return NO_MATCH
    if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - FUZZY_MARGIN:
        return RegisterMatch(person=None, how="fuzzy", ambiguous=True)
    return RegisterMatch(person=ranked[0][1], how="fuzzy")
