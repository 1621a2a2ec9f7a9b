"""`python -m bench [NAME ...] [--keep]`: run the benchmarks (all of them without names).

DATABASE_URL names the PostgreSQL server; the benchmarks run in `redress_bench` on it, made
afresh for each benchmark from a migrated template, and drop it at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

BENCHMARKS = (
    "audit_append",
    "audit_verify",
    "import_people",
    "intake",
    "stats_release",
    "redaction",
    "fairness_report",
    "chat_parse",
    "similar_cases",
    "panel_proposal",
    "soak",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument(
        "--keep", action="store_true", help="leave redress_bench in place for a look afterwards"
    )
    arguments = parser.parse_args(argv)
    unknown = sorted(set(arguments.names) - set(BENCHMARKS))
    if unknown:
        known = ", ".join(BENCHMARKS)
        parser.error(f"no benchmark named {', '.join(unknown)}; choose from {known}")

    from bench.harness import BenchError, databases_from, drop_database, prepare_template

    try:
        databases = databases_from(os.environ.get("DATABASE_URL"))
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    # Settings read DATABASE_URL when Django starts, here and in every child process.
    os.environ["DATABASE_URL"] = databases.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "redress.settings"
    import django

    django.setup()
    try:
        prepare_template(databases)
        for name in arguments.names or BENCHMARKS:
            module = importlib.import_module(f"bench.{name}")
            module.run(databases)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if not arguments.keep:
            drop_database(databases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
