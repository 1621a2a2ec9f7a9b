"""Background work for similar cases, run by `redress worker`."""

from __future__ import annotations

from django_tasks import task

from redress.consistency import index, services


@task()
def embed_case_task(case_id: int) -> None:
    """Compute a case's embedding (about 20 ms of model time a piece of text). Safe to run
    twice: a case whose text has not changed is skipped."""
    services.embed_case(case_id)


@task()
def embed_waiting_cases(recheck: bool = False) -> int:
    """Embed every case that has no embedding (with `recheck`, also those whose text has
    changed). Returns how many were embedded."""
    waiting = services.cases_needing_embedding(recheck=recheck)
    for case_id in waiting:
        services.embed_case(case_id)
    return len(waiting)


@task()
def save_index_snapshot(organisation_id: int, rebuild: bool = False) -> int:
    """Bring the organisation's similar-case index up to date and save it for the web
    processes to start from. Returns how many cases it holds."""
    return len(index.save_snapshot(organisation_id, rebuild=rebuild))
