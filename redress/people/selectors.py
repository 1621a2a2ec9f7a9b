"""Reading organisations, units, people and staff accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from redress.people.models import Organisation, User


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
