"""Staff pages for representations: a case's list with the form to record one, and oversight's
list across every case. Cases are read through `selectors`, so an outsider gets a 404."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from redress.cases import representations, selectors
from redress.cases.models import Case, Representation
from redress.cases.selectors import CaseNotFound
from redress.people.models import StaffRole, User

# Case ids are PostgreSQL bigints: a larger number names no case, and must not reach the query.
MAX_CASE_ID = 2**63 - 1
RECENT_LENGTH = 200


class RepresentationForm(forms.Form):
    made_by_name = forms.CharField(
        label="Who made it", max_length=representations.MAX_NAME, help_text="As they gave it."
    )
    made_by_role = forms.CharField(
        label="Their office or position",
        max_length=200,
        required=False,
        help_text="As they gave it, for example “Member of Parliament for Anytown”.",
    )
    position = forms.ChoiceField(label="In what capacity", choices=Representation.Position.choices)
    channel = forms.ChoiceField(label="How it came", choices=Representation.Medium.choices)
    received_at = forms.DateTimeField(
        label="When it was received",
        help_text="For example 2025-03-14 15:30. Leave empty for now.",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    summary = forms.CharField(label="What was said or asked", widget=forms.Textarea)
    content = forms.CharField(
        label="The communication itself",
        required=False,
        widget=forms.Textarea,
        help_text="Paste the email or letter, or a note of the call.",
    )


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible_case(request: HttpRequest, case_id: int) -> Case:
    if case_id > MAX_CASE_ID:
        raise Http404("no such case")
    try:
        return selectors.get_case(_staff(request), case_id)
    except CaseNotFound:
        raise Http404("no such case") from None


@login_required
@require_http_methods(["GET", "POST"])
def case_representations(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case's representations, oldest first, and the form to record another."""
    user = _staff(request)
    case = _visible_case(request, case_id)
    may_record = representations.may_record(user, case)
    form = RepresentationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("you may not record representations on this case")
        if form.is_valid():
            data = form.cleaned_data
            try:
                representations.record_representation(
                    case,
                    made_by_name=data["made_by_name"],
                    made_by_role=data["made_by_role"],
                    position=data["position"],
                    channel=data["channel"],
                    summary=data["summary"],
                    content=data["content"],
                    received_at=data["received_at"] or timezone.now(),
                    actor=user,
                )
            except representations.RepresentationRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The representation is on the record.")
                return redirect("cases:representations", case_id=case.pk)
    return render(
        request,
        "cases/representations.html",
        {
            "case": case,
            "representations": representations.representations_on_case(user, case),
            "form": form if may_record else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def recent_representations(request: HttpRequest) -> HttpResponse:
    """For oversight: the most recently recorded representations across every case."""
    user = _staff(request)
    if not user.has_role(StaffRole.OVERSIGHT):
        raise PermissionDenied("only oversight sees representations across cases")
    rows = representations.recent_representations(user)[:RECENT_LENGTH]
    return render(request, "cases/representations_recent.html", {"representations": rows})
