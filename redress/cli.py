"""The `redress` console command: every operator command in one place.

It runs Django's management commands with Redress's settings, so `redress migrate`,
`redress audit verify` and `redress seed` all work the same way.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["redress", *args])


if __name__ == "__main__":
    main()
