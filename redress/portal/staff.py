"""The staff side of the parties' requests: the case officer or investigator answers a request
for more time. Staff sign-in (not the portal's); each case shown is a read, audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from redress.audit.services import record_event
from redress.cases.models import Assignment
from redress.cases.selectors import visible_cases
from redress.cases.services import CaseError
from redress.people.models import User
from redress.portal import services
from redress.portal.models import PartyRequest

ANSWERERS = ("officer", "investigator")


def pending_requests(user: User) -> QuerySet[PartyRequest]:
    """Requests waiting on cases where `user` is the officer or the investigator."""
    on_team = Assignment.objects.filter(
        case=OuterRef("case"), user=user, role__in=ANSWERERS, ended_at__isnull=True
    )
    return (
        PartyRequest.objects.filter(
            status=PartyRequest.Status.PENDING, case__in=visible_cases(user)
        )
        .filter(Exists(on_team))
        .select_related("case")
        .order_by("requested_at", "pk")
    )


class AnswerRequestForm(forms.Form):
    grant = forms.TypedChoiceField(
        label="Answer",
        choices=[("yes", "Grant the extension"), ("no", "Refuse it")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    working_days = forms.IntegerField(
        label="Working days granted", min_value=1, max_value=60, required=False
    )
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 4}))


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    pending = list(pending_requests(user))
    for case_id in dict.fromkeys(r.case_id for r in pending):
        record_event(
            organisation=user.organisation_id or 0,
            actor=user,
            action="case.viewed",
            target=next(r.case for r in pending if r.case_id == case_id),
            case_id=case_id,
            data={"page": "party requests"},
        )
    rows = [
        (r, AnswerRequestForm(prefix=f"r{r.pk}", initial={"working_days": r.working_days}))
        for r in pending
    ]
    return render(request, "portal/staff_requests.html", {"rows": rows})


@login_required
@require_POST
def answer_request(request: HttpRequest, request_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    party_request = pending_requests(user).filter(pk=request_id).first()
    if party_request is None:
        raise Http404("no such request")
    form = AnswerRequestForm(request.POST, prefix=f"r{party_request.pk}")
    if not form.is_valid():
        messages.error(request, "Choose an answer and give your reasons.")
        return redirect("portal:staff_requests")
    try:
        services.answer_extension_request(
            party_request,
            grant=form.cleaned_data["grant"],
            working_days=form.cleaned_data["working_days"] or 0,
            reasons=form.cleaned_data["reasons"],
            actor=user,
        )
    except CaseError as refusal:
        messages.error(request, f"{party_request.case.reference}: {refusal}")
        return redirect("portal:staff_requests")
    messages.success(request, f"{party_request.case.reference}: the request has been answered.")
    return redirect("portal:staff_requests")
