"""How fast `redress evidence parse-chat` reads a 1,000,000-message WhatsApp export, side by side
with the `whatstk` package on the same file, in one run (aim: at least 5 times whatstk's speed).

The export is generated (redress.evidence.synthetic) in each layout the import reads: Android
and iOS, 12- and 24-hour clocks, day-first and month-first dates, with multi-line messages,
system notices, attachments and direction marks. Both sides run as a fresh process from start
to exit, reading the file and writing every message as a JSON line to a file: `redress evidence
parse-chat FILE --format json`, and a Python process that calls whatstk's `df_from_whatsapp`
(size cap lifted: its default refuses a file this big) and writes the DataFrame with
`to_json(orient="records", lines=True)`. The whatstk child also reports its parse time alone.
Messages counted on each side are recorded, since whatstk leaves out the notices that have no
sender.

The first layout is timed RUNS times and the median kept; the others once each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import REDRESS, BenchError, Databases, fresh_database, median, write_result
from redress.evidence.synthetic import whatsapp_export

MESSAGES = int(os.environ.get("BENCH_CHAT_MESSAGES", "1000000"))
RUNS = 3
LAYOUTS = ("android-24h", "ios-12h", "android-12h", "ios-24h")

WHATSTK_CHILD = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from whatstk import df_from_whatsapp
started = time.perf_counter()
frame = df_from_whatsapp(sys.argv[1], max_size=None)
parsed = time.perf_counter() - started
frame.to_json(sys.argv[2], orient="records", lines=True, date_format="iso")
print(json.dumps({"parse_seconds": parsed, "messages": len(frame)}))
"""


def run(databases: Databases) -> None:
    fresh_database(databases)  # for the machine description only: parsing touches no database
    figures: dict[str, Any] = {"messages": MESSAGES, "layouts": {}}
    with tempfile.TemporaryDirectory() as folder:
        for number, layout in enumerate(LAYOUTS):
            source = Path(folder) / f"{layout}.txt"
            export = whatsapp_export(layout, MESSAGES, seed=11)
            source.write_text(export.text, encoding="utf-8")
            runs = RUNS if number == 0 else 1
            figures["layouts"][layout] = _compare(source, Path(folder), runs, export.count)
            source.unlink()
    main = figures["layouts"][LAYOUTS[0]]
    figures["slowest_speedup"] = min(f["speedup"] for f in figures["layouts"].values())
    figures["slowest_speedup_cpu"] = min(f["speedup_cpu"] for f in figures["layouts"].values())
    figures["note"] = (
        "run while seven other engineers were working on the same 2-CPU machine; figures are "
        "noisy, the side-by-side ratio less so"
    )
    write_result(
        "chat_parse",
        figures,
        summary=(
            f"{MESSAGES:,}-message WhatsApp export ({LAYOUTS[0]}): redress evidence parse-chat "
            f"{main['redress']['seconds']} s ({main['redress']['messages_per_second']:,} msg/s), "
            f"whatstk {main['whatstk']['seconds']} s "
            f"({main['whatstk']['messages_per_second']:,} msg/s): {main['speedup']}x wall, "
            f"{main['speedup_cpu']}x CPU; slowest layout {figures['slowest_speedup']}x wall, "
            f"{figures['slowest_speedup_cpu']}x CPU"
        ),
    )


def _compare(source: Path, folder: Path, runs: int, expected: int) -> dict[str, Any]:
    size_mb = round(source.stat().st_size / 1e6, 1)
    ours = [_redress(source, folder / "redress.jsonl") for _ in range(runs)]
    theirs = [_whatstk(source, folder / "whatstk.jsonl") for _ in range(runs)]
    our_seconds = median([r["seconds"] for r in ours])
    their_seconds = median([r["seconds"] for r in theirs])
    our_cpu = median([r["cpu_seconds"] for r in ours])
    their_cpu = median([r["cpu_seconds"] for r in theirs])
    if ours[0]["messages"] != expected:
        raise BenchError(f"parse-chat read {ours[0]['messages']} messages of {expected}")
    return {
        "file_mb": size_mb,
        "runs": runs,
        "redress": {
            "seconds": round(our_seconds, 2),
            "cpu_seconds": round(our_cpu, 2),
            "messages": ours[0]["messages"],
            "messages_per_second": round(expected / our_seconds),
            "max_rss_mib": round(max(r["max_rss_mib"] for r in ours)),
            "all_seconds": [round(r["seconds"], 2) for r in ours],
        },
        "whatstk": {
            "seconds": round(their_seconds, 2),
            "cpu_seconds": round(their_cpu, 2),
            "parse_only_seconds": round(median([r["parse_seconds"] for r in theirs]), 2),
            "messages": theirs[0]["messages"],
            "messages_per_second": round(expected / their_seconds),
            "max_rss_mib": round(max(r["max_rss_mib"] for r in theirs)),
            "all_seconds": [round(r["seconds"], 2) for r in theirs],
        },
        "speedup": round(their_seconds / our_seconds, 1),
        "speedup_cpu": round(their_cpu / our_cpu, 1),
    }


def _redress(source: Path, output: Path) -> dict[str, Any]:
    seconds, cpu, rss, _ = _timed([REDRESS, "evidence", "parse-chat", str(source)], output)
    with output.open("rb") as lines:
        count = sum(1 for _ in lines)
    return {"seconds": seconds, "cpu_seconds": cpu, "max_rss_mib": rss, "messages": count}


def _whatstk(source: Path, output: Path) -> dict[str, Any]:
    report = Path(str(output) + ".report")
    command = [sys.executable, "-c", WHATSTK_CHILD, str(source), str(output)]
    seconds, cpu, rss, printed = _timed(command, report)
    said = json.loads(printed.strip().splitlines()[-1])
    return {"seconds": seconds, "cpu_seconds": cpu, "max_rss_mib": rss, **said}


def _timed(command: list[str], stdout_to: Path) -> tuple[float, float, float, str]:
    """Run `command` with its output to a file, from start to exit: wall seconds, CPU seconds
    (user and system: on a shared machine, the time the process itself needed), peak RSS (MiB),
    and what it printed."""
    with stdout_to.open("wb") as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=dict(os.environ))
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise BenchError(f"{command[0]} failed:\n{err.read().decode()[-2000:]}")
    printed = stdout_to.read_text() if stdout_to.suffix == ".report" else ""
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, printed
