"""`redress token create USERNAME`, `redress token revoke PREFIX`, `redress token list`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.api.auth import TokenError, create_token, revoke_token
from redress.api.models import ApiToken
from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import user_by_username


class Command(OperatorCommand):
    help = "Manage API tokens of staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        create = actions.add_parser(
            "create", help="issue a token; prints only the token, which is not shown again"
        )
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        revoke = actions.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("prefix", help="the token's first 8 characters (or the whole token)")
        listing = actions.add_parser("list", help="list tokens by prefix")
        listing.add_argument("username", nargs="?", help="only this user's tokens")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                user = user_by_username(options["username"])
                # Only the token on stdout, so that it can be piped into a secret store.
                self.stdout.write(create_token(user=user, name=options["name"]))
            elif options["action"] == "revoke":
                api_token = revoke_token(prefix=options["prefix"])
                self.stdout.write(f"Revoked token {api_token.prefix}.")
            else:
                self.list_tokens(options["username"])
        except TokenError as error:
            raise CommandError(str(error)) from None

    def list_tokens(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("created_at")
        if username:
            tokens = tokens.filter(user=user_by_username(username))
        for api_token in tokens:
            state = (
                f"revoked {api_token.revoked_at:%Y-%m-%d %H:%M}" if api_token.revoked_at else "live"
            )
            used = f"{api_token.last_used_at:%Y-%m-%d %H:%M}" if api_token.last_used_at else "never"
            self.stdout.write(
                f"{api_token.prefix}  {api_token.user.username}  {state}  last used {used}"
                f"  {api_token.name}"
            )
