"""`redress evidence ...`: the evidence store from the console.

    redress evidence parse-chat FILE [--format json]
    redress evidence verify
    redress evidence bundle CASE_ID --output FILE.pdf

`parse-chat` reads a chat export (WhatsApp `.txt` or ZIP, Telegram JSON, CSV) and prints its
messages as JSON lines, touching nothing else. `verify` re-hashes every stored file and exits 1
if any no longer matches its hash (or is missing). `bundle` writes a case's hearing bundle, and
records the export in the audit log. Bad input exits non-zero with one line on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.people.management.commands._operator import OperatorCommand

OUTPUT_BATCH = 10_000
MAX_ID = 2**63 - 1


class Command(OperatorCommand):
    help = "The evidence store: read a chat export, verify the stored files, write a bundle."
    # The system checks import every view and URL; parsing a chat needs none of them, and on a
    # large export's pipeline their start-up time shows.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        parse = actions.add_parser(
            "parse-chat",
            help="Print a chat export's messages as JSON lines.",
            description="Read a WhatsApp (.txt or exported ZIP), Telegram (JSON) or CSV chat "
            "export and print one JSON object a line: timestamp (ISO 8601), sender, text, kind "
            "(message or system), and attachment where a file was attached.",
        )
        parse.add_argument("file", metavar="FILE")
        parse.add_argument("--format", choices=["json"], default="json")
        actions.add_parser(
            "verify",
            help="Re-hash every stored file; exit 1 if any no longer matches.",
            description="Re-hash every file in the evidence store and report any whose bytes "
            "no longer match the SHA-256 they were stored under, or that are missing.",
        )
        bundle = actions.add_parser(
            "bundle",
            help="Write a case's hearing bundle as a PDF (audited).",
            description="Write the hearing bundle of a case (index, allegations, evidence "
            "with hashes, relied-on chat messages in context, the respondent's reply).",
        )
        bundle.add_argument("case", type=int, metavar="CASE_ID")
        bundle.add_argument("--output", required=True, metavar="FILE.pdf")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "parse-chat":
            self.parse_chat(Path(options["file"]))
        elif action == "verify":
            self.verify()
        else:
            self.bundle(options["case"], Path(options["output"]))

    def parse_chat(self, path: Path) -> None:
        from redress.evidence import chats

        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            chat = chats.read_chat(data, name=path.name)
        except chats.ChatUnreadable as error:
            raise CommandError(f"cannot read {path} as a chat export: {error}") from None
        out = sys.stdout.buffer
        messages = chat.messages
        for start in range(0, len(messages), OUTPUT_BATCH):
            out.write(chats.json_lines(messages[start : start + OUTPUT_BATCH]))
        out.flush()

    def verify(self) -> None:
        from redress.evidence.selectors import verify_store

        checked, mismatches = verify_store()
        for mismatch in mismatches:
            found = "missing" if mismatch.found is None else f"now hashes to {mismatch.found}"
            self.stdout.write(f"MISMATCH {mismatch.sha256}: {found}")
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} of {checked} stored files no longer match their hash"
            )
        self.stdout.write(f"All {checked} stored files match their SHA-256.")

    def bundle(self, case_id: int, output: Path) -> None:
        from redress.cases.models import Case
        from redress.evidence import bundle, services

        case = Case.objects.filter(pk=case_id).first() if 0 < case_id <= MAX_ID else None
        if case is None:
            raise CommandError(f"no case with id {case_id}")
        if not output.parent.exists():
            raise CommandError(f"no folder {output.parent} to write the bundle into")
        made = bundle.build(case)
        try:
            output.write_bytes(made.pdf)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        services.record_bundle_export(case, actor=None, sha256=made.sha256, pages=made.pages)
        self.stdout.write(f"Wrote {output}: {made.pages} pages, sha256 {made.sha256}.")
