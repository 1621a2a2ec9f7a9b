"""The subject access page, for oversight and administrators: log a request, see what is due,
download an answered request's archive. URLs carry only request ids, never a person's."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from redress.people.models import User
from redress.privacy import selectors, services
from redress.privacy.tasks import build_subject_access_archive

REQUESTS_SHOWN = 200


class SubjectAccessForm(forms.Form):
    person_id = forms.IntegerField(label="Person's register id", min_value=1, max_value=2**63 - 1)


def _handler(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not services.may_handle(user):
        raise PermissionDenied("only oversight or an administrator handles subject access")
    return user


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest) -> HttpResponse:
    """Requests, soonest due first, and the form to log a new one (its archive is built in the
    background)."""
    user = _handler(request)
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        person = selectors.person_on_register(user, form.cleaned_data["person_id"])
        if person is None:
            form.add_error("person_id", "No person with that id is on the register.")
        else:
            with transaction.atomic():
                sar = services.receive_subject_access_request(person, actor=user)
                transaction.on_commit(lambda: build_subject_access_archive.enqueue(sar.pk, user.pk))
            messages.success(
                request,
                f"Request {sar.pk} logged, due {sar.due_on:%-d %B %Y}. "
                "The archive is being built; it will be listed here when ready.",
            )
            return redirect("privacy:requests")
    return render(
        request,
        "privacy/requests.html",
        {"form": form, "requests": selectors.subject_access_requests(user)[:REQUESTS_SHOWN]},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def download_archive(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _handler(request)
    sar = selectors.subject_access_requests(user).defer(None).filter(pk=request_id).first()
    if sar is None or sar.archive is None:
        raise Http404("no such archive")
    archive = services.record_archive_released(sar, actor=user)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response
