"""The base of Redress's operator commands: every kind of bad input ends in one line on stderr.

Django already prints a `CommandError` as one line and exits non-zero. Arguments that argparse
itself refuses (an unknown role, a missing username) would instead print the whole usage text
first; scripts that run these commands read one line, so that is what they get here too.

The module's name starts with an underscore so that Django does not take it for a command.
It lives with the people commands because no app owns the console as a whole.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

ARGUMENT_ERROR_STATUS = 2  # argparse's own exit status for bad arguments


class OneLineErrorParser(CommandParser):
    """A `CommandParser` whose refusals, at the console, are one line without the usage."""

    def error(self, message: str) -> NoReturn:
        if not self.called_from_command_line:
            raise CommandError(f"Error: {message}")  # as Django's parser does for call_command
        self.exit(ARGUMENT_ERROR_STATUS, f"{self.prog}: error: {message}\n")


class OperatorCommand(BaseCommand):
    """A management command whose argument errors are one line at the console. Subcommands
    (`redress user create`) are added with `add_actions`, so that theirs are too."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser itself and offers no hook for another class; swapping
        # the instance's class changes only how it refuses arguments.
        parser.__class__ = OneLineErrorParser
        return parser

    def add_actions(self, parser: CommandParser) -> Any:
        """The command's subcommands, one of which must be given, as `options["action"]`."""
        return parser.add_subparsers(
            dest="action", required=True, metavar="ACTION", parser_class=OneLineErrorParser
        )
