"""Reading rulebooks."""

from __future__ import annotations

from redress.people.models import Organisation
from redress.rulebook.loader import parse_rulebook
from redress.rulebook.models import RulebookVersion
from redress.rulebook.schema import Rulebook


class NoRulebook(LookupError):
    pass


def current_version(organisation: Organisation) -> RulebookVersion:
    version = RulebookVersion.objects.filter(organisation=organisation).order_by("-number").first()
    if version is None:
        raise NoRulebook(f"{organisation} has not adopted a rulebook")
    return version


def parsed(version: RulebookVersion) -> Rulebook:
    """The parsed procedure of a stored version (parsing is cached by source text)."""
    return parse_rulebook(version.source)
