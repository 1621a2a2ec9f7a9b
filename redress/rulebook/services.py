"""Adopting rulebook versions. A version, once adopted, is never changed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from redress.audit.services import record_event
from redress.people.models import Organisation, User
from redress.rulebook.loader import default_rulebook_source, parse_rulebook, source_digest
from redress.rulebook.models import RulebookVersion


def adopt_rulebook(
    organisation: Organisation, *, source: str, actor: User | None
) -> RulebookVersion:
    """Check `source` and store it as the organisation's next version. New cases start on it;
    open cases stay on theirs. Raises RulebookError (naming key and line) if it is unusable."""
    rulebook = parse_rulebook(source)
    with transaction.atomic():
        # Lock the organisation row so two adoptions cannot take the same number.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        latest = RulebookVersion.objects.filter(organisation=organisation).aggregate(
            n=Max("number")
        )["n"]
        version = RulebookVersion.objects.create(
            organisation=organisation,
            number=(latest or 0) + 1,
            name=rulebook.name,
            source=source,
            sha256=source_digest(source),
            adopted_by=actor,
        )
        record_event(
            organisation=organisation,
            actor=actor,
            action="rulebook.adopted",
            target=version,
            data={"number": version.number, "sha256": version.sha256},
        )
    return version


def adopt_default_rulebook(organisation: Organisation, *, actor: User | None) -> RulebookVersion:
    return adopt_rulebook(organisation, source=default_rulebook_source(), actor=actor)
