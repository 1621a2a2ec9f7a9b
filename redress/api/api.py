"""The JSON API, version 1. Endpoints live in redress/api/endpoints.py.

Every endpoint needs a bearer token (`redress token create USERNAME`). Every error is a JSON
body `{"error": "..."}` with a reason a person can act on, never Django's HTML error page; a
request that does not validate also gets `"detail"`, one plain line per problem.

The schema is served at /api/v1/openapi.json and the interactive docs at /api/v1/docs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError

from redress.api.auth import TokenAuth
from redress.api.endpoints import ApiError, router

api = NinjaAPI(
    title="Redress API",
    version="1",
    description=(
        "Filing complaints and following cases through the rulebook. Authenticate with "
        "`Authorization: Bearer <token>`; a token is issued with `redress token create`."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
)
fallback = Router(auth=None)


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def no_such_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /api/v1/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse({"error": "no such endpoint"}, status=404)


api.add_router("/", router)
api.add_router("/", fallback)  # last, so that it answers only paths no endpoint has

# How many leading parts of a validation error's location are ninja's own (where the value came
# from, and the name of the endpoint's parameter), not the caller's field names.
LOCATION_PREFIXES = {"body": 2, "query": 1, "path": 1}


@api.exception_handler(ApiError)
def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body, status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"error": "send a valid API token as the header 'Authorization: Bearer <token>'"},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"error": "the request is not valid", "detail": [plain(e) for e in exc.errors]},
        status=422,
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request, {"error": f"the body is larger than the limit of {limit} bytes"}, status=413
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and exc.__cause__ is not None:
        # ninja could not parse the body at all: as malformed as a body can be.
        return api.create_response(
            request,
            {"error": "the request is not valid", "detail": ["the body is not valid JSON"]},
            status=422,
        )
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


def plain(error: dict[str, Any]) -> str:
    """One validation error as `where: what`, e.g. `respondent.name: this field is required`."""
    loc = [str(part) for part in error.get("loc", ())]
    source = loc[0] if loc else ""
    where = ".".join(loc[LOCATION_PREFIXES.get(source, 0) :])
    if source == "body" and not where:
        return "the body must be a JSON object"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        message = "this field is required"
    elif error.get("type") == "extra_forbidden":
        message = "this field is not expected"
    return f"{where}: {message}" if where else message
