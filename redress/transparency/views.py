"""The public statistics pages: anyone may read them, without signing in or JavaScript."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from redress.transparency import selectors
from redress.transparency.models import Release


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    releases = list(selectors.public_releases())
    by_organisation = [
        (organisation, list(items))
        for organisation, items in groupby(releases, key=lambda r: r.organisation)
    ]
    return render(request, "transparency/index.html", {"by_organisation": by_organisation})


def _release_or_404(organisation: str, period: str) -> Release:
    release = selectors.public_release(organisation, period)
    if release is None:
        raise Http404("No release for that organisation and quarter.")
    return release


@require_safe
def release_page(request: HttpRequest, organisation: str, period: str) -> HttpResponse:
    release = _release_or_404(organisation, period)
    return render(request, "transparency/release.html", {"release": release, **release.content})


@require_safe
def release_csv(request: HttpRequest, organisation: str, period: str) -> HttpResponse:
    release = _release_or_404(organisation, period)
    return _download(release.csv_text, "text/csv; charset=utf-8", f"{organisation}-{period}.csv")


@require_safe
def release_json(request: HttpRequest, organisation: str, period: str) -> HttpResponse:
    release = _release_or_404(organisation, period)
    return _download(release.json_text, "application/json", f"{organisation}-{period}.json")


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
