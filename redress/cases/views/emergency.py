"""Emergency access: asking to see a case outside one's team, and oversight's review of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redress.cases import selectors, services
from redress.cases.forms import EmergencyAccessForm
from redress.cases.selectors import CaseNotFound
from redress.cases.views.access import MAX_ID, staff
from redress.people.models import StaffRole

REVIEWS_PER_PAGE = 200


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest, case_id: int) -> HttpResponse:
    """Ask to see a case outside one's team, with a written reason that oversight reads.

    The form is the same for every id, so it says nothing about whether a case exists; only a
    request with a proper reason looks the case up, and a grant is audited and flagged.
    """
    user = staff(request)
    if case_id <= MAX_ID and selectors.visible_cases(user).filter(pk=case_id).exists():
        messages.info(request, "You can already see this case.")
        return redirect("cases:detail", case_id=case_id)
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            if case_id > MAX_ID:
                raise CaseNotFound("no such case")
            case = selectors.case_for_emergency_access(user, case_id)
        except CaseNotFound:
            raise Http404("no such case") from None
        try:
            services.grant_emergency_access(case, user=user, reason=form.cleaned_data["reason"])
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.warning(
                request,
                f"Emergency access granted for {services.EMERGENCY_ACCESS_HOURS} hours. "
                "Your reason is on the record and oversight has been told.",
            )
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/emergency_access.html",
        {"form": form, "case_id": case_id, "hours": services.EMERGENCY_ACCESS_HOURS},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def emergency_access_reviews(request: HttpRequest) -> HttpResponse:
    """For oversight: every emergency access nobody in oversight has reviewed yet."""
    user = staff(request)
    if not user.has_role(StaffRole.OVERSIGHT):
        raise PermissionDenied("only oversight reviews emergency access")
    accesses = selectors.unreviewed_emergency_accesses(user)[:REVIEWS_PER_PAGE]
    return render(request, "cases/emergency_reviews.html", {"accesses": accesses})


@login_required
@require_POST
def mark_emergency_access_reviewed(request: HttpRequest, access_id: int) -> HttpResponse:
    user = staff(request)
    access = selectors.unreviewed_emergency_accesses(user).filter(pk=access_id).first()
    if access is None:
        raise Http404("no such emergency access awaiting review")
    try:
        services.mark_emergency_access_reviewed(access, actor=user)
    except services.CaseError as error:
        messages.error(request, f"Not marked as reviewed, because {error}.")
    else:
        messages.success(request, f"Emergency access to {access.case.reference} marked reviewed.")
    return redirect("cases:emergency_reviews")
