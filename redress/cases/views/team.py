"""Staffing cases: the coordinator's (or an administrator's) to do.

The coordinator puts people on every case of the organisation, at every stage, but is not on its
team: so the staffing pages show no more of a case than staffing needs (its reference, its stage,
who is on it and who is still needed), never its allegations, parties, complaints or decisions.
Reading a team page is audited as `case.team_viewed`. `services.assign` and
`services.end_assignment` remain the enforcement point; the pages only read and pass on.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redress.cases import selectors, services
from redress.cases.models import Assignment, Case, CaseRole
from redress.cases.selectors import CaseNotFound
from redress.cases.views import offers
from redress.cases.views.access import MAX_ID, record_of, staff, visible_case
from redress.cases.views.acting import act, refusal_message
from redress.cases.views.case_page import Action
from redress.rulebook.selectors import parsed

CASES_PER_PAGE = 50


class EndAssignmentForm(forms.Form):
    reason = forms.CharField(
        label="Why they come off the case",
        help_text="It goes on the record with their name and role.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def end_form(assignment: Assignment, data: Any = None) -> EndAssignmentForm:
    return EndAssignmentForm(data, auto_id=f"end-{assignment.pk}-%s")


# --- The list ----------------------------------------------------------------------------------


@login_required
@require_GET
def staffing_list(request: HttpRequest) -> HttpResponse:
    """Open cases whose team lacks someone the rulebook calls for, longest in the stage first."""
    user = staff(request)
    if not selectors.may_staff(user):
        raise PermissionDenied("only a complaints coordinator or an administrator staffs cases")
    cases = selectors.cases_needing_staff(user)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    needs = selectors.staffing_needs(page.object_list)
    return render(request, "cases/staffing.html", {"page": page, "needs": needs})


# --- The team page -----------------------------------------------------------------------------


def staffing_case(request: HttpRequest, case_id: int, *, log_read: bool) -> Case:
    """The case for staffing; a 404 to anyone who does not staff cases, as for no such case."""
    if case_id > MAX_ID:
        raise Http404("no such case")
    try:
        return selectors.get_case_for_staffing(staff(request), case_id, log_read=log_read)
    except CaseNotFound:
        raise Http404("no such case") from None


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's team, who is still needed, and the forms to add and take off; a POST adds."""
    case = staffing_case(request, case_id, log_read=request.method == "GET")
    if request.method == "GET":
        return render_team(request, case)
    candidates = selectors.assignable_staff(case, selectors.team(case))
    offered = {user.pk: user for _, users in candidates for user in users}
    form = offers.assign_form(candidates, request.POST)
    if form.is_valid():
        role, user_id = form.cleaned_data["member"]
        user = offered[user_id]  # the form accepts only the staff it offered
        try:
            services.assign(case, user=user, role=role, actor=staff(request))
        except services.CaseError as error:
            form.add_error(None, refusal_message([str(error)]))
        else:
            label = CaseRole(role).label.lower()
            messages.success(request, f"{user.display_name} added to the team as {label}.")
            return redirect("cases:team", case_id=case.pk)
    return render_team_again(request, case, form)


@login_required
@require_POST
def end_assignment(request: HttpRequest, case_id: int, assignment_id: int) -> HttpResponse:
    """Take one member of staff off the team, with the reason on the record."""
    case = staffing_case(request, case_id, log_read=False)
    on_team = Assignment.objects.filter(case=case, ended_at__isnull=True).select_related("user")
    assignment = record_of(on_team, assignment_id)
    form = end_form(assignment, request.POST)
    if form.is_valid():
        try:
            services.end_assignment(
                assignment, actor=staff(request), reason=form.cleaned_data["reason"]
            )
        except services.CaseError as error:
            form.add_error(None, refusal_message([str(error)]))
        else:
            label = CaseRole(assignment.role).label.lower()
            name = assignment.user.display_name
            messages.success(request, f"{name} taken off the team as {label}.")
            return redirect("cases:team", case_id=case.pk)
    return render_team_again(request, case, form)


def render_team_again(request: HttpRequest, case: Case, form: forms.Form) -> HttpResponse:
    """The team page again with the form's errors (400); showing it is a read, audited as one."""
    case = selectors.get_case_for_staffing(staff(request), case.pk)
    return render_team(request, case, form, status=400)


def render_team(
    request: HttpRequest, case: Case, bound: forms.Form | None = None, *, status: int = 200
) -> HttpResponse:
    rulebook = parsed(case.rulebook)
    team = list(selectors.team(case))
    bound_key = offers.form_key(bound) if bound is not None else ""
    members = []
    for assignment in team:
        role = CaseRole(assignment.role).label
        name = assignment.user.display_name
        form = end_form(assignment)
        end = Action(
            url=reverse("cases:end_assignment", args=[case.pk, assignment.pk]),
            legend=f"Take {name} off the team",
            button=f"Take {name} off as {role.lower()}",
            form=bound if bound is not None and bound_key == offers.form_key(form) else form,
        )
        members.append((role, assignment, end))
    candidates = selectors.assignable_staff(case, team)
    blank = offers.assign_form(candidates)
    add = Action(
        url=reverse("cases:team", args=[case.pk]),
        legend="Add someone to the team",
        button="Add to the team",
        form=bound if bound is not None and bound_key == offers.form_key(blank) else blank,
    )
    roles = selectors.roles_needed(rulebook, case.stage)
    held = {a.role for a in team}
    context = {
        "case": case,
        "stage_label": rulebook.stage_label(case.stage),
        "members": members,
        "add": add,
        "missing_now": [CaseRole(r).label for r in roles.now if r not in held],
        "missing_next": [CaseRole(r).label for r in roles.next if r not in held],
        "problems": _problems(bound),
    }
    return render(request, "cases/team.html", context, status=status)


def _problems(form: forms.Form | None) -> list[tuple[str, str]]:
    if form is None:
        return []
    key = offers.form_key(form)
    problems = [(key, str(error)) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name != "__all__":
            problems.extend((form[name].id_for_label or key, str(e)) for e in errors)
    return problems


# --- From the case page ------------------------------------------------------------------------


@login_required
@require_POST
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add one member of staff to the team in one case role, from the case page (while the
    coordinator may still see the case)."""
    case = visible_case(request, case_id, log_read=False)
    candidates = selectors.assignable_staff(case, selectors.team(case))
    offered = {user.pk: user for _, users in candidates for user in users}

    def carry_out(data: dict[str, Any]) -> str:
        role, user_id = data["member"]
        user = offered[user_id]  # the form accepts only the staff it offered
        services.assign(case, user=user, role=role, actor=staff(request))
        return f"{user.display_name} added to the team as {CaseRole(role).label.lower()}."

    return act(request, case, offers.assign_form(candidates, request.POST), carry_out)
