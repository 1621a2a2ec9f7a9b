"""Rate limits on every public endpoint: each page or API anyone can reach without a staff
sign-in, counted per client address in fixed windows (redress.portal.ratelimit keeps the counts,
in the database or in Redis). One table says what is limited and how much; a request over a
limit gets 429 with Retry-After, and nothing behind it runs.

The flood limits (every public page, the API) are counted in the `ratelimit` cache: in memory
per web process by default, so reading a public page never writes to the database, or in Redis.
The limits on actions that do work (signing in, filing, entering receipts, following a portal
link) are counted where RATE_LIMIT_BACKEND says, shared by every process.

The portal and the intake also have limits of their own, per email address and per receipt,
which no client address can get around; these come on top, per client, before any of that work.
Asking the portal for a sign-in link is counted per client by the portal itself
(redress.portal.signin.PER_CLIENT), so this table does not count it a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from redress.portal import ratelimit

ANY_METHOD = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Limit:
    """At most `requests` requests a `window` from one client to paths matching `path`."""

    name: str
    path: re.Pattern[str]
    methods: frozenset[str]
    requests: int
    window: timedelta
    # Counted in the shared store (the database, or Redis), not only in the ratelimit cache.
    shared: bool = True

    def applies_to(self, request: HttpRequest) -> bool:
        return request.method in self.methods and bool(self.path.match(request.path))


LIMITS: tuple[Limit, ...] = (
    # Reading the public pages (the published statistics too) at all: generous, it stops only
    # a scraper or a flood.
    Limit(
        "public pages",
        re.compile(r"^/($|login/|logout/|report/|portal/|transparency/|survey/)"),
        ANY_METHOD,
        300,
        timedelta(minutes=1),
        shared=False,
    ),
    # Guessing passwords (a failed sign-in is also counted per user name by the sign-in form).
    Limit("staff sign-in", re.compile(r"^/login/$"), WRITES, 30, timedelta(minutes=10)),
    # Filing reports: a person files a handful; a script files hundreds.
    Limit("report", re.compile(r"^/report/$"), WRITES, 20, timedelta(hours=1)),
    # Entering receipts: the intake counts wrong ones per receipt too.
    Limit("report status", re.compile(r"^/report/status/$"), WRITES, 60, timedelta(minutes=10)),
    # Following portal sign-in links (asking for one is counted by the portal, per client).
    Limit("portal sign-in", re.compile(r"^/portal/link/[^/]+/$"), WRITES, 20, timedelta(hours=1)),
    # The API is for integrations, each with its token; this bounds a runaway one.
    Limit("api", re.compile(r"^/api/"), ANY_METHOD, 1200, timedelta(minutes=1), shared=False),
)


def client_address(request: HttpRequest) -> str:
    """Who is asking. Behind a reverse proxy (BEHIND_HTTPS_PROXY), the address the proxy saw,
    which it appends last to X-Forwarded-For; anything earlier in that header the client wrote."""
    if settings.SECURE_PROXY_SSL_HEADER is not None:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def exceeded(request: HttpRequest) -> Limit | None:
    """The first limit this request goes over, counting it against every limit it falls under."""
    client = client_address(request)
    if client in settings.RATE_LIMIT_EXEMPT:
        return None
    over = None
    for limit in LIMITS:
        if not limit.applies_to(request):
            continue
        key = ratelimit.keyed(f"public:{limit.name}", client)
        allowed = ratelimit.allow(
            key, limit=limit.requests, window=limit.window, shared=limit.shared
        )
        if not allowed and over is None:
            over = limit
    return over


def too_many(request: HttpRequest, limit: Limit) -> HttpResponse:
    seconds = int(limit.window.total_seconds())
    message = f"too many requests from your address; try again in {seconds // 60 or 1} minutes"
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "security/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class RateLimitMiddleware:
    """Turns away a request over one of the `LIMITS` before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = exceeded(request)
        if limit is not None:
            return too_many(request, limit)
        return self.get_response(request)
