"""`redress notice-template ...`: the organisation's own wording of its notices.

    redress notice-template list
    redress notice-template show KIND [--default]
    redress notice-template set KIND --subject TEXT --body-file PATH
    redress notice-template reset KIND

Templates use Django's template language over plain data (see `show KIND --default` for what
Redress's own says). A template is checked before it is stored: it must render, and must still
say what the rulebook requires a notice of its kind to say. Every change is audited. Bad input
exits non-zero with one line on stderr and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import OrganisationNotChosen, organisation_from_option
from redress.portal import notice_templates
from redress.portal.models import NoticeTemplate


class Command(OperatorCommand):
    help = "Show and change the organisation's own notice templates."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        listing = actions.add_parser("list", help="List the notice kinds and who words each.")
        show = actions.add_parser("show", help="Print the template a notice kind uses.")
        show.add_argument("kind", metavar="KIND")
        show.add_argument(
            "--default", action="store_true", help="Redress's default, even if overridden"
        )
        put = actions.add_parser("set", help="Store the organisation's own template for a kind.")
        put.add_argument("kind", metavar="KIND")
        put.add_argument("--subject", required=True, help="the subject line (template syntax)")
        put.add_argument("--body-file", required=True, metavar="PATH", help="the body's file")
        reset = actions.add_parser("reset", help="Go back to Redress's default for a kind.")
        reset.add_argument("kind", metavar="KIND")
        for sub in (listing, show, put, reset):
            sub.add_argument("--organisation", metavar="SLUG", help="whose templates")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_from_option(options["organisation"])
        except OrganisationNotChosen as error:
            raise CommandError(str(error)) from None
        action = options["action"]
        kinds = notice_templates.known_kinds(organisation.pk)
        if action != "list" and options["kind"] not in kinds:
            raise CommandError(f"the rulebook has no notice called {options['kind']!r}")
        custom = {t.kind: t for t in NoticeTemplate.objects.filter(organisation=organisation)}
        if action == "list":
            for kind in kinds:
                self.stdout.write(f"{kind}\t{'organisation' if kind in custom else 'default'}")
        elif action == "show":
            template = None if options["default"] else custom.get(options["kind"])
            if template is None:
                self.stdout.write(notice_templates.default_source(options["kind"]))
            else:
                self.stdout.write(template.subject + "\n" + template.body)
        elif action == "set":
            self._set(organisation.pk, options)
        elif not notice_templates.reset_template(organisation.pk, kind=options["kind"], actor=None):
            raise CommandError(f"{options['kind']} already uses Redress's default")

    def _set(self, organisation_id: int, options: dict[str, Any]) -> None:
        try:
            body = Path(options["body_file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                f"cannot read {options['body_file']}: {type(error).__name__}"
            ) from None
        try:
            notice_templates.save_template(
                organisation_id,
                kind=options["kind"],
                subject=options["subject"],
                body=body,
                actor=None,
            )
        except notice_templates.NoticeTemplateError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{options['kind']}: the organisation's template is stored")
