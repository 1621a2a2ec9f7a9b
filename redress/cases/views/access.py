"""Who is asking, and the case (or a record on it) they may act on."""

from __future__ import annotations

from typing import TypeVar, cast

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from redress.cases import selectors
from redress.cases.models import Case
from redress.cases.selectors import CaseNotFound
from redress.people.models import User

# Ids are PostgreSQL bigints: a larger number names nothing, and must not reach the query.
MAX_ID = 2**63 - 1

M = TypeVar("M", bound=Model)


def staff(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind `login_required`)."""
    return cast(User, request.user)


def visible_case(request: HttpRequest, case_id: int, *, log_read: bool) -> Case:
    """The case if the user may see it; otherwise a 404 that says no more than a case that does
    not exist would."""
    if case_id > MAX_ID:
        raise Http404("no such case")
    try:
        return selectors.get_case(staff(request), case_id, log_read=log_read)
    except CaseNotFound:
        raise Http404("no such case") from None


def record_of(records: QuerySet[M], record_id: int) -> M:
    """One record of a case the user may see (an allegation, a hearing, a suspension), or 404."""
    found = records.filter(pk=record_id).first() if record_id <= MAX_ID else None
    if found is None:
        raise Http404("no such record on this case")
    return found
