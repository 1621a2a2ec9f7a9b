"""Asking every URL and API operation as every persona, and reading the matrices' tables."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from redress.api.auth import create_token
from redress.people.models import User
from tests.security.world import World

PAGE_PERSONAS = ("anon", "party", "foreign", "outsdr", "coord", "team", "ovsght", "admin")
API_PERSONAS = ("anon", "foreign", "outsdr", "coord", "team", "ovsght", "admin")
API_PREFIX = "api/v1/"


def parse_table(table: str, key_columns: int) -> dict[tuple[str, ...], dict[str, str]]:
    """A table's rows by their key (the first `key_columns` cells), each a persona -> answer
    map named by the header row."""
    lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    personas = header[key_columns:]
    parsed: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        key = tuple(row[:key_columns])
        assert key not in parsed, f"{key} is in the table twice"
        assert len(row) == len(header), f"{key} has {len(row)} cells, the header {len(header)}"
        parsed[key] = dict(zip(personas, row[key_columns:], strict=True))
    return parsed


def routes(patterns: Any = None, prefix: str = "") -> Iterator[str]:
    """Every route the URL resolver knows, read at run time, e.g. `cases/<int:case_id>/`."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def openapi_route(path: str) -> str:
    """An OpenAPI path as the resolver writes its route: /api/v1/cases/{case_id} ->
    api/v1/cases/<case_id>."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/"))


# --- Asking ------------------------------------------------------------------------------------


def answer(response: HttpResponse) -> str:
    """What a reviewer reads in the table: the status, or where a redirect sends the asker."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/login/"):
            return "login"
        if location == "/portal/":
            return "portal"
        return "302"
    return str(response.status_code)


def isolated(client: Client, send: Any) -> HttpResponse:
    """One request whose changes (to the database, the client's session cookie and the flood
    counts) are undone afterwards, so every cell of the matrix is asked of the same world."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    client.cookies = cookies
    if isinstance(caches["ratelimit"], LocMemCache):  # this process's memory, never Redis
        caches["ratelimit"].clear()
    return response


def page_clients(world: World) -> dict[str, Client]:
    cast = world.cast
    staff = {
        "foreign": world.foreign,
        "outsdr": cast.outsider,
        "coord": cast.coordinator,
        "team": cast.officer,
        "ovsght": cast.oversight,
        "admin": world.admin,
    }
    clients = {"anon": Client(raise_request_exception=False)}
    party = Client(raise_request_exception=False)
    assert party.post(f"/portal/link/{world.link_token()}/").status_code == 302
    clients["party"] = party
    for persona, user in staff.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[persona] = client
    return clients


def page_url(world: World, route: str) -> str:
    """The route with the world's records put into its parameters."""
    record_ids = dict(world.ids)
    record_ids["request_id"] = world.ids[
        "subject_access_id" if route.startswith("privacy/") else "party_request_id"
    ]

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "kind":
            return "triage"
        if name == "token":
            return world.link_token()
        if name == "to":
            return "respondent"
        if name == "rest":
            return "no/such/endpoint"
        if name == "organisation":
            return world.cast.organisation.slug
        if name == "period":
            return "2026Q3"  # a quarter with no release published
        return str(record_ids[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def ask_pages(world: World, route: str, method: str, clients: dict[str, Client]) -> dict[str, str]:
    url = page_url(world, route)
    answers = {}
    for persona, client in clients.items():
        send = client.get if method == "GET" else client.post
        answers[persona] = answer(isolated(client, lambda send=send: send(url)))
    return answers


def api_clients(world: World) -> dict[str, Client]:
    cast = world.cast
    staff: dict[str, User] = {
        "foreign": world.foreign,
        "outsdr": cast.outsider,
        "coord": cast.coordinator,
        "team": cast.officer,
        "ovsght": cast.oversight,
        "admin": world.admin,
    }
    clients = {"anon": Client(raise_request_exception=False)}
    for persona, user in staff.items():
        token = create_token(user=user)
        clients[persona] = Client(
            raise_request_exception=False, headers={"Authorization": f"Bearer {token}"}
        )
    return clients


def api_body(world: World, method: str, path: str) -> dict[str, Any] | None:
    """A body that passes validation, so the answer is about who asks, not what they sent."""
    if method != "POST":
        return None
    if path.endswith("/transitions"):
        return {"to": "no_such_stage"}
    if path.endswith("/team"):
        return {"username": world.cast.outsider.username, "role": "investigator"}
    return {
        "categories": ["bullying"],
        "summary": "Shouted at a member at the branch meeting.",
        "respondent": {"membership_number": world.cast.respondent.membership_number},
        "complainant": {"anonymous": True},
    }


def ask_api(world: World, method: str, path: str, clients: dict[str, Client]) -> dict[str, str]:
    url = path.replace("{case_id}", str(world.case.pk))
    body = api_body(world, method, path)
    answers = {}
    for persona, client in clients.items():
        if method == "GET":

            def send(client: Client = client) -> HttpResponse:
                return client.get(url)
        else:

            def send(client: Client = client) -> HttpResponse:
                return client.generic(
                    method, url, json.dumps(body), content_type="application/json"
                )

        answers[persona] = answer(isolated(client, send))
    return answers
