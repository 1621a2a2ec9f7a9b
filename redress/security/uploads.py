"""The largest request Redress reads. Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and the
number of files, but streams any amount of uploaded file to disk; this refuses a body larger than
MAX_REQUEST_BYTES from its Content-Length, before a byte of it is read. The intake's limits on
each file's size and on how many come on top."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BYTES
        if declared_length(request) <= limit:
            return self.get_response(request)
        message = f"the request is larger than the limit of {limit // 1_000_000} MB"
        if request.path.startswith("/api/"):
            return JsonResponse({"error": message}, status=413)
        return render(request, "security/too_large.html", {"message": message}, status=413)
