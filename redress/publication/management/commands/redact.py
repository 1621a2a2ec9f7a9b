"""`redress redact INPUT -o OUTPUT [--people FILE.csv] [--keep-public] [--log FILE.json]`:
redact a text, Markdown, Word or PDF document against the register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import CommandError, CommandParser

from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import organisation_from_option
from redress.publication.engine import Style
from redress.publication.formats import DocumentError, format_of
from redress.publication.matcher import build_matcher
from redress.publication.redaction import (
    RedactionIncomplete,
    named_entity_recogniser,
    redact_document,
    redaction_log,
)
from redress.publication.register import RegisterFileError, people_in_file, people_on_register


class Command(OperatorCommand):
    help = (
        "Redact the people on the register (names in all their forms, aliases, membership "
        "numbers) and personal identifiers (emails, phone numbers, postcodes, handles, profile "
        "links) from a .txt, .md, .docx or .pdf file. The result is read back and refused if "
        "anything that should have gone is still readable. The log names what was redacted: "
        "keep it as private as the original."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="the document to redact")
        parser.add_argument("-o", "--output", type=Path, required=True, help="where to write it")
        parser.add_argument(
            "--people",
            type=Path,
            metavar="FILE.csv",
            help="a register in the import-people format, instead of the database's",
        )
        parser.add_argument(
            "--organisation", metavar="SLUG", help="whose register, when there are several"
        )
        parser.add_argument(
            "--keep-public",
            action="store_true",
            help="keep the names of people with a public role (office holders)",
        )
        parser.add_argument(
            "--style",
            choices=[style.value for style in Style],
            default=Style.PSEUDONYM.value,
            help="Member A, Member B, ... (default) or black bars",
        )
        parser.add_argument(
            "--ner",
            action="store_true",
            help="also redact names spaCy's English model finds that are not on the register "
            "(slow)",
        )
        parser.add_argument("--log", type=Path, metavar="FILE.json", help="write the redaction log")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        output: Path = options["output"]
        if output.resolve() == source.resolve():
            raise CommandError("the output would overwrite the input; name another file")
        try:
            kind = format_of(source.name)
            if format_of(output.name) is not kind:
                raise CommandError(f"the output must be a {kind.value} file like the input")
        except DocumentError as error:
            raise CommandError(str(error)) from None
        data = _read(source)
        style = Style(options["style"])
        try:
            people = (
                people_in_file(_read(options["people"]))
                if options["people"] is not None
                else people_on_register(organisation_from_option(options["organisation"]))
            )
            matcher = build_matcher(people)
            recogniser = named_entity_recogniser() if options["ner"] else None
            result = redact_document(
                data,
                kind,
                matcher,
                style=style,
                keep_public=options["keep_public"],
                recogniser=recogniser,
            )
        except (RegisterFileError, DocumentError, RedactionIncomplete, RuntimeError) as error:
            raise CommandError(str(error)) from None
        _write(output, result.output)
        if options["log"] is not None:
            log = redaction_log(result.text, result.spans, kind, style)
            _write(options["log"], orjson.dumps(log, option=orjson.OPT_INDENT_2))
        redacted = sum(1 for span in result.spans if not span.kept)
        kept = len(result.spans) - redacted
        self.stdout.write(
            f"Redacted {redacted} mentions ({kept} of public office holders kept) "
            f"against a register of {len(matcher)} people; wrote {output}."
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror}") from None
