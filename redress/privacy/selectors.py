"""Reading subject access requests, for the people who handle them."""

from __future__ import annotations

from django.db.models import F, QuerySet

from redress.people.models import Person, User
from redress.privacy.models import SubjectAccessRequest
from redress.privacy.services import may_handle


def subject_access_requests(user: User) -> QuerySet[SubjectAccessRequest]:
    """The organisation's requests, open ones first by due date, then the answered."""
    if not may_handle(user) or user.organisation_id is None:
        return SubjectAccessRequest.objects.none()
    return (
        SubjectAccessRequest.objects.filter(organisation_id=user.organisation_id)
        .defer("archive")
        .select_related("person")
        .order_by(F("fulfilled_at").asc(nulls_first=True), "due_on", "pk")
    )


def person_on_register(user: User, person_id: int) -> Person | None:
    if not may_handle(user) or user.organisation_id is None:
        return None
    return Person.objects.filter(organisation_id=user.organisation_id, pk=person_id).first()
