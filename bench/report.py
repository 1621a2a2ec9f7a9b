"""`python -m bench.report`: the latest figures in bench/results/ as the Markdown table that
bench/README.md shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def table() -> str:
    rows = ["| benchmark | figure | peer, side by side | machine and load |", "|---|---|---|---|"]
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text())
        figure, peer = _cells(result["benchmark"], result["figures"])
        machine = result["machine"]
        context = (
            f"{result['date'][:10]}, {machine['cpu_count']} CPUs, Python {machine['python']}, "
            f"PostgreSQL {machine['postgresql'].split()[0]}, load {machine['load_average'][0]}"
        )
        rows.append(f"| {result['benchmark']} | {figure} | {peer} | {context} |")
    return "\n".join(rows)


def _cells(name: str, figures: dict[str, Any]) -> tuple[str, str]:
    if name == "audit_append":
        main, plain = figures["record_event"], figures["plain_insert"]
        lag = main["seal_lag_ms"]
        return (
            f"{main['events_per_second']:,} events/s, {main['writers']} writers, one chain "
            f"(p50 {main['latency_ms']['p50']} ms, p95 {main['latency_ms']['p95']} ms); "
            f"sealed after commit p50 {lag['p50']} ms, p95 {lag['p95']} ms, all sealed "
            f"{lag['last_commit_to_fully_sealed']} ms after the last commit; "
            f"{figures['chain_verified']['events']:,} events verified, no fork",
            f"plain INSERT, same writers: {plain['events_per_second']:,}/s; "
            f"synchronous_commit off: chain "
            f"{figures['record_event_synchronous_commit_off']['events_per_second']:,}/s, plain "
            f"{figures['plain_insert_synchronous_commit_off']['events_per_second']:,}/s; "
            f"4 chains: {figures['chained_4_organisations']['events_per_second']:,}/s; "
            f"1 writer: {figures['chained_1_writer']['events_per_second']:,}/s; "
            f"disk: {figures['disk_flushes_per_second']['before']:,} then "
            f"{figures['disk_flushes_per_second']['after']:,} fdatasync/s",
        )
    if name == "audit_verify":
        cli, library = figures["redress_audit_verify"], figures["verify_audit_log"]
        peers = figures["peers"]
        return (
            f"`redress audit verify`, {figures['events']:,} events: {cli['seconds']} s, "
            f"{cli['max_rss_mib']} MiB peak RSS (library call {library['seconds']} s)",
            f"reading the rows only: {peers['stream_rows_only']['seconds']} s; sha256sum of "
            f"the same bytes: {peers['sha256sum']['seconds']} s; PostgreSQL sha256 per row: "
            f"{peers['postgresql_sha256']['seconds']} s",
        )
    if name == "import_people":
        return (
            f"`redress import-people`, {figures['rows']:,} rows: fresh "
            f"{figures['fresh']['rows_per_second']:,} rows/s ({figures['fresh']['seconds']} s), "
            f"all updated {figures['every_member_changed']['rows_per_second']:,} rows/s, "
            f"unchanged {figures['unchanged']['rows_per_second']:,} rows/s",
            f"COPY into a bare table: {figures['copy_ceiling']['rows_per_second']:,} rows/s",
        )
    if name == "intake":
        journey, named = figures["report_journey"], figures["named_reports"]
        login, alone = figures["login_page"], figures["argon2_in_process"]
        post, get = journey["post_ms"], journey["get_ms"]
        errors = sum(phase["errors"]["total"] for phase in (journey, named, login))  # must be 0
        argon2 = figures["argon2"]
        return (
            f"public form, {figures['clients']} clients, {figures['server']['workers']} "
            f"gunicorn workers: {journey['submissions_per_second']} reports/s (anonymous and "
            f"confidential; receipts hashed with Argon2id t={argon2['time_cost']}, "
            f"m={argon2['memory_cost_kib']} KiB, p={argon2['parallelism']}); POST p50/p95/p99 "
            f"{_span(post)}, GET /report/ {_span(get)}; {errors} errors; "
            f"{figures['verified']['complaints_stored']:,} complaints stored, none lost; "
            f"audit chain verified",
            f"named reports (no receipt, no Argon2): {named['submissions_per_second']}/s, POST "
            f"{_span(named['post_ms'])}; GET /login/: {login['requests_per_second']}/s, "
            f"{_span(login['get_ms'])}; one Argon2 hash alone: {alone['one_hash']['wall_ms']} ms "
            f"({alone['one_hash']['cpu_ms']} ms CPU), {alone['all_cpus']['hashes_per_second']}/s "
            f"on all CPUs",
        )
    if name == "stats_release":
        cli, parts, last = (
            figures["redress_stats_release"],
            figures["parts_in_process"],
            figures["last_release"],
        )
        return (
            f"`redress stats release`, {figures['cases']:,} cases in {figures['units']} units, "
            f"checked against {figures['earlier_releases']} earlier releases: {cli['seconds']} s, "
            f"{cli['max_rss_mib']} MiB peak RSS; {last['withheld_small']} small counts and "
            f"{last['withheld_to_protect_them']} others withheld of {last['counts']}",
            f"in one process: reading the fact table {parts['read_seconds']} s, tabulating "
            f"{parts['draft_seconds']} s, atoms {parts['atoms_seconds']} s; disclosure control: "
            f"choosing what to withhold {parts['protect_seconds']} s, checking it "
            f"{parts['check_seconds']} s ({parts['earlier_counts_linked']} of "
            f"{parts['earlier_counts']} earlier counts linked, {parts['atoms']} atoms); each "
            f"earlier release {figures['earlier_release_seconds_median']} s (median)",
        )
    if name == "redaction":
        ours, theirs = figures["redress"], figures["presidio"]
        build = ours["build"]
        return (
            f"`find_spans`, {figures['pages']:,} pages ({figures['report_mb']} MB) against "
            f"{figures['people']:,} people: {ours['pages_per_second']:,} pages/s "
            f"({ours['seconds']} s), name recall {ours['recall']['names']:.2%}, identifier recall "
            f"{ours['recall']['identifiers']:.2%}; automaton of {build['keys']:,} keys built in "
            f"{build['seconds']} s, {build['rss_mib']} MiB",
            f"Presidio (default recognisers, spaCy small), {theirs['pages_run']:,} pages: "
            f"{theirs['pages_per_second']} pages/s, name recall {theirs['recall']['names']:.2%}, "
            f"identifier recall {theirs['recall']['identifiers']:.2%}; Redress "
            f"{figures['speedup']}x faster",
        )
    if name == "fairness_report":
        planted = figures["slower_category_flagged"] and figures["less_upheld_category_flagged"]
        return (
            f"fairness report over {figures['cases']:,} imported cases: "
            f"{figures['report_seconds_median']} s in process (median of 3), "
            f"`redress analytics report` {figures['report_command_seconds']} s; "
            f"{figures['comparisons']} comparisons, planted differences "
            f"{'both flagged' if planted else 'NOT both flagged'}, "
            f"{len(figures['other_findings'])} other findings",
            f"`redress import-history` of the same cases: {figures['import_rows_per_second']:,} "
            f"rows/s ({figures['import_seconds']} s)",
        )
    if name == "chat_parse":
        first = next(iter(figures["layouts"]))
        main = figures["layouts"][first]
        ours, theirs = main["redress"], main["whatstk"]
        return (
            f"`redress evidence parse-chat`, {figures['messages']:,} messages ({first}, "
            f"{main['file_mb']} MB): {ours['seconds']} s, {ours['cpu_seconds']} s CPU, "
            f"{ours['max_rss_mib']} MiB; {main['speedup_cpu']}x whatstk's CPU time "
            f"({main['speedup']}x wall); slowest layout {figures['slowest_speedup_cpu']}x CPU",
            f"whatstk: {theirs['seconds']} s, {theirs['cpu_seconds']} s CPU "
            f"(parse alone {theirs['parse_only_seconds']} s), {theirs['max_rss_mib']} MiB; "
            f"kept {theirs['messages']:,} of {figures['messages']:,} messages",
        )
    if name == "similar_cases":
        whole, model = figures["similar_decided_cases_ms"], figures["model"]
        return (
            f"similar decided cases, {figures['cases']:,} cases: p50 {whole['p50']} ms, p95 "
            f"{whole['p95']} ms; recall@10 against exact search {figures['recall_at_10']} "
            f"(index alone {figures['recall_at_10_of_the_index_alone']}); index built from the "
            f"database in {figures['build_from_database_seconds']} s, snapshot loaded in "
            f"{figures['load_snapshot_seconds']} s",
            f"exact search over all vectors in numpy: p95 {figures['exact_search_ms']['p95']} ms; "
            f"the HNSW search alone p95 {figures['ann_search_ms']['p95']} ms; the model on real "
            f"allegation texts: {model['texts_per_second_batched']} texts/s batched, "
            f"{model['ms_per_case_alone']['p50']} ms a case alone",
        )
    return "", ""


def _span(latencies: dict[str, float]) -> str:
    """p50/p95/p99 in seconds, or milliseconds when all are under one."""
    values = [latencies["p50"], latencies["p95"], latencies["p99"]]
    if values[-1] >= 1000:
        return "/".join(f"{value / 1000:.1f}" for value in values) + " s"
    return "/".join(f"{value:.0f}" for value in values) + " ms"


if __name__ == "__main__":
    print(table())
