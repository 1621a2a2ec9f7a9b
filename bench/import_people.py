"""How long `redress import-people` takes over a register of 100,000 members.

Three imports of a synthetic register, each timed as an operator runs it (the console command,
start to exit): into an empty register (every member created, and their branches), the same file
again (every member unchanged), and a file in which every member's details changed (every member
updated). Beside them, the ceiling: PostgreSQL's COPY of the same CSV into a bare table of the
same columns, with no checks.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection

from bench.harness import REDRESS, BenchError, Databases, fresh_database, run_timed, write_result

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
SLUG = "bench-union"
BRANCHES = 120

FIRST = (
    "Aisha",
    "Ben",
    "Catrin",
    "Dafydd",
    "Eilidh",
    "Fatima",
    "Gareth",
    "Hannah",
    "Imran",
    "Joanne",
    "Kwame",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oluwaseun",
    "Priya",
    "Rhys",
    "Siân",
    "Tomasz",
    "Zoë",
)
LAST = (
    "Ahmed",
    "Baker",
    "Campbell",
    "Davies",
    "Evans",
    "Ó Briain",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "MacDonald",
    "Nowak",
    "Okafor",
    "Patel",
    "Roberts",
    "Smith",
    "Thomas",
    "Williams",
)
ROLES = ("", "", "", "", "", "", "", "", "Branch Secretary", "Branch Chair", "Treasurer")
IMPORTED = re.compile(
    r"Imported (\d+) rows into \S+: (\d+) created, (\d+) updated, (\d+) unchanged, "
    r"(\d+) units created"
)


def run(databases: Databases) -> None:
    fresh_database(databases)
    from redress.people.services import create_organisation

    create_organisation(name="Bench Union", slug=SLUG)
    with tempfile.TemporaryDirectory(prefix="redress-bench-") as folder:
        register = Path(folder) / "register.csv"
        changed = Path(folder) / "register-changed.csv"
        _write_register(register, revision=0)
        _write_register(changed, revision=1)
        runs = {
            "fresh": _import(register, created=ROWS, units=BRANCHES),
            "unchanged": _import(register, unchanged=ROWS),
            "every_member_changed": _import(changed, updated=ROWS),
        }
        runs["copy_ceiling"] = _copy(register)
        megabytes = register.stat().st_size / 1e6
    figures: dict[str, Any] = {"rows": ROWS, "file_mb": round(megabytes, 1), **runs}
    write_result(
        "import_people",
        figures,
        summary=(
            f"{ROWS:,} members imported at {runs['fresh']['rows_per_second']:,} rows/s fresh, "
            f"{runs['unchanged']['rows_per_second']:,} rows/s unchanged, "
            f"{runs['every_member_changed']['rows_per_second']:,} rows/s all updated; "
            f"COPY ceiling {runs['copy_ceiling']['rows_per_second']:,} rows/s"
        ),
    )


def _write_register(path: Path, *, revision: int) -> None:
    """A register of ROWS members; `revision` 1 changes every member's details."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["membership_number", "name", "aliases", "email", "phone", "unit", "public_role"]
        )
        for number in range(1, ROWS + 1):
            first = FIRST[number % len(FIRST)]
            last = LAST[(number // len(FIRST)) % len(LAST)]
            aliases = f"{first[0]}. {last};{first} {last}-{number % 7}" if number % 9 == 0 else ""
            local = f"{first}.{last}".lower().replace(" ", "").replace("ó", "o")
            local = local.encode("ascii", "ignore").decode()
            writer.writerow(
                [
                    f"M{number:07d}",
                    f"{first} {last}",
                    aliases,
                    "" if number % 11 == 0 else f"{local}{number + revision}@example.org",
                    f"+44 7700 {(number * 37 + revision) % 1_000_000:06d}",
                    f"Branch {(number + revision) % BRANCHES:03d}",
                    ROLES[number % len(ROLES)],
                ]
            )


def _import(
    path: Path, *, created: int = 0, updated: int = 0, unchanged: int = 0, units: int = 0
) -> dict[str, Any]:
    timed = run_timed(
        [
            *(REDRESS, "import-people", str(path), "--organisation", SLUG, "--create-units"),
            "--skip-checks",  # the import is measured, not the system checks before it
        ],
        env=dict(os.environ),
    )
    match = IMPORTED.search(timed.stdout)
    expected = (ROWS, created, updated, unchanged, units)
    if match is None or tuple(map(int, match.groups())) != expected:
        raise BenchError(f"import-people did not do what was expected {expected}:\n{timed}")
    return {
        "seconds": round(timed.seconds, 2),
        "rows_per_second": round(ROWS / timed.seconds),
        "max_rss_mib": round(timed.max_rss_mib),
    }


def _copy(path: Path) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_register (membership_number varchar(40), name varchar(200), "
            "aliases text, email varchar(254), phone varchar(40), unit varchar(200), "
            "public_role varchar(200))"
        )
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.copy("COPY bench_register FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        path.open("rb") as file,
    ):
        while block := file.read(1 << 20):
            copy.write(block)
    seconds = time.perf_counter() - started
    return {
        "what": "COPY of the same file into a bare table of the same columns: no checks, "
        "no indexes, no update path",
        "seconds": round(seconds, 2),
        "rows_per_second": round(ROWS / seconds),
    }
