"""`redress user create` and `redress user roles`: staff accounts and their roles."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.people.management.commands._operator import OperatorCommand
from redress.people.models import StaffRole
from redress.people.selectors import organisation_from_option, user_by_username
from redress.people.services import PeopleError, create_staff_user, grant_role, revoke_role


class Command(OperatorCommand):
    help = "Manage staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        create = actions.add_parser(
            "create", help="open a staff account; prints its generated password once"
        )
        create.add_argument("username")
        create.add_argument(
            "--role",
            dest="roles",
            action="append",
            required=True,
            choices=StaffRole.values,
            metavar="ROLE",
            help=f"a role the user holds, one of {', '.join(StaffRole.values)}; repeat for several",
        )
        create.add_argument("--organisation", metavar="SLUG")
        create.add_argument("--email", default="")

        roles = actions.add_parser("roles", help="show, grant or take away a user's roles")
        roles.add_argument("username")
        roles.add_argument(
            "--add", action="append", default=[], choices=StaffRole.values, metavar="ROLE"
        )
        roles.add_argument(
            "--remove", action="append", default=[], choices=StaffRole.values, metavar="ROLE"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self.create(options)
            else:
                self.change_roles(options)
        except PeopleError as error:
            raise CommandError(str(error)) from None

    def create(self, options: dict[str, Any]) -> None:
        organisation = organisation_from_option(options["organisation"])
        user, password = create_staff_user(
            organisation=organisation,
            username=options["username"],
            roles=options["roles"],
            email=options["email"],
        )
        self.stdout.write(
            f"Created {user.username} in {organisation.slug} as {', '.join(sorted(user.roles))}."
        )
        self.stdout.write(f"Password (shown only now): {password}")

    def change_roles(self, options: dict[str, Any]) -> None:
        user = user_by_username(options["username"])
        both = set(options["add"]) & set(options["remove"])
        if both:
            raise CommandError(f"cannot both add and remove {', '.join(sorted(both))}")
        for role in options["add"]:
            if not grant_role(user=user, role=role):
                self.stdout.write(f"{user.username} already held {role}.")
        for role in options["remove"]:
            if not revoke_role(user=user, role=role):
                self.stdout.write(f"{user.username} did not hold {role}.")
        held = ", ".join(sorted(user.roles)) or "no roles"
        self.stdout.write(f"{user.username} holds {held}.")
