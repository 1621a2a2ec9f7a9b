"""Background work for subject access, run by `redress worker`."""

from __future__ import annotations

from django_tasks import task

from redress.people.models import User
from redress.privacy.models import SubjectAccessRequest
from redress.privacy.services import fulfil_subject_access_request


@task()
def build_subject_access_archive(request_id: int, actor_id: int | None) -> None:
    """Build a request's archive. Safe to run twice: the second build replaces the first, and
    both are audited."""
    request = SubjectAccessRequest.objects.get(pk=request_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    fulfil_subject_access_request(request, actor=actor)
