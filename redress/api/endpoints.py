"""The endpoints of the JSON API, version 1.

Each endpoint parses its input, calls one service or selector and renders the answer. Every
error is raised as an `ApiError`, which `redress.api.api` renders as a JSON body with a reason.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from redress.api import schemas
from redress.cases import services
from redress.cases.facts import actor_for, gather_facts
from redress.cases.models import Assignment, Case, CaseRole
from redress.cases.selectors import (
    CaseFilters,
    CaseNotFound,
    case_list,
    get_case,
    get_case_for_staffing,
    open_deadlines,
)
from redress.people.models import Person, StaffRole, User
from redress.people.selectors import match_on_register
from redress.people.services import PeopleError, register_person
from redress.rulebook.models import RulebookVersion
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import NoRulebook, parsed
from redress.rulebook.workflow import TransitionRefused, evaluate

router = Router()

FILERS = (StaffRole.COORDINATOR, StaffRole.OFFICER, StaffRole.ADMIN)
# Case ids are PostgreSQL bigints: a larger number names no case, and must not reach the query.
MAX_CASE_ID = 2**63 - 1
NO_SUCH_CASE = "no such case"

UNAUTHORISED = {401: schemas.Error}
NOT_FOUND = {404: schemas.Error}
INVALID = {422: schemas.ValidationFailure}


class ApiError(Exception):
    """An answer other than success: its status, its reason and anything else the body says."""

    def __init__(self, status: int, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.status = status
        self.body = {"error": error, **extra}


def unprocessable(error: str, *, field: str) -> ApiError:
    """A 422 shaped like a validation failure, for input that is well-formed but wrong."""
    return ApiError(422, error, detail=[f"{field}: {error}"])


def caller(request: HttpRequest) -> User:
    """The user whose token authenticated the request (TokenAuth refuses everyone else)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def visible_case(request: HttpRequest, case_id: int, *, log_read: bool = True) -> Case:
    """The case, if the caller may see it (the read is audited unless `log_read` is false);
    otherwise a 404 that says no more than a case that does not exist would."""
    if not 1 <= case_id <= MAX_CASE_ID:
        raise ApiError(404, NO_SUCH_CASE)
    try:
        return get_case(caller(request), case_id, log_read=log_read)
    except CaseNotFound:
        raise ApiError(404, NO_SUCH_CASE) from None


# --- Complaints --------------------------------------------------------------------------------


@router.post(
    "/complaints",
    response={
        201: schemas.ComplaintFiled,
        **UNAUTHORISED,
        403: schemas.Error,
        409: schemas.Error,
        **INVALID,
    },
    summary="File a complaint",
    tags=["complaints"],
)
def file_complaint(request: HttpRequest, payload: schemas.ComplaintIn) -> Status[Any]:
    """Store a complaint as submitted and open a case on it. Staff with the coordinator, officer
    or administrator role may file; the filer is not put on the case's team."""
    user = caller(request)
    if not any(user.has_role(role) for role in FILERS):
        raise ApiError(
            403, "only a coordinator, a case officer or an administrator may file complaints"
        )
    organisation = user.organisation
    assert organisation is not None  # TokenAuth admits only users of an organisation
    complainant = _complainant(organisation.pk, payload.complainant)
    try:
        with transaction.atomic():
            # A new outside respondent is registered in the same transaction as the complaint,
            # so a complaint that is refused leaves no stray person behind.
            respondent = _respondent(user, payload.respondent)
            complaint = services.file_complaint(
                organisation,
                categories=[str(c) for c in payload.categories],
                summary=payload.summary,
                respondent=respondent,
                complainant=complainant,
                anonymous=payload.complainant.anonymous,
                channel=payload.channel,
                respondent_as_named=payload.respondent_as_named,
                submitted={
                    "respondent": payload.respondent.model_dump(exclude_none=True),
                    "complainant": payload.complainant.model_dump(exclude_none=True),
                },
                filed_by=user,
            )
    except (services.CaseError, PeopleError) as error:
        raise ApiError(422, str(error), detail=[str(error)]) from None
    except NoRulebook as error:
        raise ApiError(409, str(error)) from None
    case = complaint.case
    case.refresh_from_db(fields=["stage"])
    return Status(201, {"case_id": case.pk, "reference": case.reference, "stage": case.stage})


def _complainant(organisation_id: int, ref: schemas.ComplainantRef) -> Person | None:
    if ref.anonymous:
        return None
    found = Person.objects.filter(
        organisation_id=organisation_id, membership_number=ref.membership_number
    ).first()
    if found is None:
        raise unprocessable(
            "nobody on the register has that membership number",
            field="complainant.membership_number",
        )
    return found


def _respondent(user: User, ref: schemas.RespondentRef) -> Person:
    """The register's rule (`match_on_register`, shared with the public form) without fuzzy
    matching: staff are told when a number is unknown or a name is ambiguous, and a name that
    nobody on the register has is filed against a new outside person."""
    organisation = user.organisation
    assert organisation is not None
    if ref.membership_number is not None:
        match = match_on_register(organisation, membership_number=ref.membership_number)
        if match.person is None:
            raise unprocessable(
                "nobody on the register has that membership number",
                field="respondent.membership_number",
            )
        return match.person
    assert ref.name is not None  # RespondentRef requires one of the two
    match = match_on_register(organisation, name=ref.name)
    if match.ambiguous:
        raise unprocessable(
            "more than one person on the register has that name; "
            "give the respondent's membership number instead",
            field="respondent.name",
        )
    if match.person is not None:
        return match.person
    return register_person(
        organisation=organisation, name=ref.name, kind=Person.Kind.EXTERNAL, actor=user
    )


# --- Cases -------------------------------------------------------------------------------------


@router.get(
    "/cases",
    response={200: schemas.CasePage, **UNAUTHORISED, **INVALID},
    summary="List the cases the caller may see",
    tags=["cases"],
)
def list_cases(request: HttpRequest, filters: Query[schemas.CaseListQuery]) -> dict[str, Any]:
    """Cases the caller may see, soonest deadline first, `limit` (at most 200) at a time."""
    cases = case_list(
        caller(request),
        CaseFilters(
            stage=filters.stage,
            category=str(filters.category or ""),
            overdue=filters.overdue,
            mine=filters.mine,
        ),
    )
    page = list(cases[filters.offset : filters.offset + filters.limit])
    count = cases.count() if page or filters.offset else 0
    rulebooks = _rulebooks({case.rulebook_id for case in page})
    today = timezone.localdate()
    items = []
    for case in page:
        next_due = case.next_due  # type: ignore[attr-defined]  # annotated by case_list
        items.append(
            {
                "id": case.pk,
                "reference": case.reference,
                "stage": case.stage,
                "stage_label": rulebooks[case.rulebook_id].stage_label(case.stage),
                "deadline": next_due,
                "overdue": next_due is not None and next_due < today,
                "categories": list(dict.fromkeys(a.category for a in case.allegations.all())),
                "opened_at": case.opened_at,
                "closed_at": case.closed_at,
            }
        )
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


def _rulebooks(version_ids: set[int]) -> dict[int, Rulebook]:
    versions = RulebookVersion.objects.filter(pk__in=version_ids)
    return {version.pk: parsed(version) for version in versions}


@router.get(
    "/cases/{case_id}",
    response={200: schemas.CaseOut, **UNAUTHORISED, **NOT_FOUND, **INVALID},
    summary="Read a case",
    tags=["cases"],
)
def read_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case's stage, clocks and team lead. The read is written to the audit log."""
    return case_body(visible_case(request, case_id))


@router.get(
    "/cases/{case_id}/transitions",
    response={200: schemas.TransitionOptions, **UNAUTHORISED, **NOT_FOUND, **INVALID},
    summary="The transitions the caller may take now",
    tags=["cases"],
)
def list_transitions(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Every transition out of the case's stage: those the caller may take now, and for the
    others every reason they may not."""
    case = visible_case(request, case_id)
    rulebook = parsed(case.rulebook)
    options = evaluate(rulebook, gather_facts(case), actor_for(caller(request), case))
    return {
        "allowed": [
            {"to": o.to, "label": rulebook.stage_label(o.to)} for o in options if o.allowed
        ],
        "refused": [
            {"to": o.to, "label": rulebook.stage_label(o.to), "reasons": list(o.reasons)}
            for o in options
            if not o.allowed
        ],
    }


@router.post(
    "/cases/{case_id}/transitions",
    response={
        200: schemas.CaseOut,
        **UNAUTHORISED,
        **NOT_FOUND,
        409: schemas.TransitionRefusal,
        **INVALID,
    },
    summary="Move a case to another stage",
    tags=["cases"],
)
def take_transition(
    request: HttpRequest, case_id: int, payload: schemas.TransitionIn
) -> dict[str, Any]:
    """Move the case to stage `to` if the rulebook allows the caller to now. If it does not, the
    answer is 409 with every reason, and the case is unchanged, its audit trail included: a
    transition taken is audited as such, and one refused changes nothing."""
    case = visible_case(request, case_id, log_read=False)
    try:
        case = services.transition_case(
            case, to=payload.to, actor=caller(request), reason=payload.reason
        )
    except TransitionRefused as refusal:
        raise ApiError(409, "transition refused", reasons=list(refusal.reasons)) from None
    except services.CaseError as error:
        raise ApiError(409, "transition refused", reasons=[str(error)]) from None
    return case_body(case)


# --- Case teams --------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/team",
    response={
        201: schemas.AssignmentOut,
        **UNAUTHORISED,
        403: schemas.Error,
        **NOT_FOUND,
        409: schemas.Error,
        **INVALID,
    },
    summary="Put a member of staff on a case's team",
    tags=["cases"],
)
def assign_to_case(
    request: HttpRequest, case_id: int, payload: schemas.AssignmentIn
) -> Status[Any]:
    """Add a member of staff to the case's team. Only a coordinator or an administrator may.
    Anyone with a conflict in the case, or a decider not currently trained in its categories, is
    refused with 409 and the reason, exactly as on the staff pages and at the console."""
    user = caller(request)
    if not any(user.has_role(role) for role in services.ASSIGNERS):
        raise ApiError(403, "only a complaints coordinator or an administrator assigns case teams")
    if not 1 <= case_id <= MAX_CASE_ID:
        raise ApiError(404, NO_SUCH_CASE)
    try:
        case = get_case_for_staffing(user, case_id, log_read=False)
    except CaseNotFound:
        raise ApiError(404, NO_SUCH_CASE) from None
    member = User.objects.filter(
        organisation_id=case.organisation_id, username__iexact=payload.username
    ).first()
    if member is None:
        raise unprocessable("no member of staff has that username", field="username")
    if payload.role not in CaseRole.values:
        raise unprocessable(f"unknown case role {payload.role!r}", field="role")
    try:
        assignment = services.assign(
            case, user=member, role=payload.role, actor=user, chair=payload.chair
        )
    except services.CaseError as error:
        raise ApiError(409, str(error)) from None
    return Status(
        201,
        {
            "id": assignment.pk,
            "username": member.username,
            "role": assignment.role,
            "chair": assignment.chair,
        },
    )


def case_body(case: Case) -> dict[str, Any]:
    rulebook = parsed(case.rulebook)
    today = timezone.localdate()
    deadlines = list(open_deadlines(case))
    officer = (
        Assignment.objects.filter(case=case, role=CaseRole.OFFICER, ended_at__isnull=True)
        .order_by("assigned_at")
        .values_list("user__username", flat=True)
        .first()
    )
    categories = case.allegations.order_by("pk").values_list("category", flat=True)
    return {
        "id": case.pk,
        "reference": case.reference,
        "stage": case.stage,
        "stage_label": rulebook.stage_label(case.stage),
        "deadline": deadlines[0].due_on if deadlines else None,
        "deadlines": [
            {"kind": d.kind, "label": d.label, "due_on": d.due_on, "overdue": d.due_on < today}
            for d in deadlines
        ],
        "categories": list(dict.fromkeys(categories)),
        "assigned_officer": officer,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "outcome": case.outcome or None,
        "rulebook_version": case.rulebook.number,
    }
