"""The public intake pages: no sign-in, usable without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def report(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/report.html", {})
