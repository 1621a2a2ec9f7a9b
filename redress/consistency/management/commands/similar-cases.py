"""`redress similar-cases`: the embeddings and indexes behind the similar decided cases.

    redress similar-cases embed [--recheck] [--queue]    embed the cases that have no embedding
    redress similar-cases index [--organisation SLUG] [--rebuild]
                                                         bring each index up to date and save it

The worker embeds each case when a complaint is filed and whenever a decision page finds its
text changed; `embed` is the backfill (after an import, or a new model) and the safety net. Run
`index` daily (cron or a systemd timer): each web process starts from the saved index and
catches up from the database, so a recent one keeps that start quick. Unknown organisations
exit 1 with one line on stderr.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.consistency import index, services, tasks
from redress.consistency.embedding import EmbeddingModelMissing
from redress.people.management.commands._operator import OperatorCommand
from redress.people.models import Organisation


class Command(OperatorCommand):
    help = "Compute case embeddings and save the similar-case indexes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        embed = actions.add_parser("embed", help="embed the cases that have no embedding")
        embed.add_argument(
            "--recheck",
            action="store_true",
            help="also re-embed the cases whose text changed since they were embedded",
        )
        embed.add_argument(
            "--queue", action="store_true", help="leave the work to `redress worker`"
        )
        save = actions.add_parser("index", help="bring the indexes up to date and save them")
        save.add_argument("--organisation", metavar="SLUG", help="only this organisation")
        save.add_argument(
            "--rebuild", action="store_true", help="build from the database, not the saved index"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "embed":
            self._embed(recheck=options["recheck"], queue=options["queue"])
        else:
            self._index(options["organisation"], rebuild=options["rebuild"])

    def _embed(self, *, recheck: bool, queue: bool) -> None:
        if queue:
            result = tasks.embed_waiting_cases.enqueue(recheck)
            self.stdout.write(f"embedding queued for the worker (task {result.id})")
            return
        waiting = services.cases_needing_embedding(recheck=recheck)
        try:
            for case_id in waiting:
                services.embed_case(case_id)
        except EmbeddingModelMissing as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{len(waiting)} case(s) embedded")

    def _index(self, slug: str | None, *, rebuild: bool) -> None:
        organisations = Organisation.objects.order_by("slug")
        if slug is not None:
            organisations = organisations.filter(slug=slug)
            if not organisations.exists():
                raise CommandError(f"no organisation {slug!r}")
        for organisation in organisations:
            saved = index.save_snapshot(organisation.pk, rebuild=rebuild)
            self.stdout.write(
                f"{organisation.slug}: {len(saved)} case(s) in the similar-case index"
            )
