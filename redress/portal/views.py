"""The party portal's pages: small function views over the portal's selectors and services.

A party is identified by the signed portal session (`redress.portal.signin`), never by staff
sign-in. A case or notice that is not theirs is a 404, whether or not it exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from redress.cases.services import CaseError
from redress.people.models import Person
from redress.portal import selectors, services, signin
from redress.portal.forms import AnswerForm, AppealForm, CompanionForm, ExtensionForm, SignInForm
from redress.portal.selectors import PartyCase

PartyView = Callable[..., HttpResponse]
REPLY_SECONDS = 0.4


def party_required(view: PartyView) -> Callable[..., HttpResponse]:
    """Let through only a party signed in to the portal; pass them to the view."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = signin.session_person(request)
        if person is None:
            return redirect("portal:sign_in")
        return view(request, person, *args, **kwargs)

    return never_cache(wrapped)


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if signin.session_person(request) is not None:
        return redirect("portal:cases")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        signin.request_link(
            form.cleaned_data["email"],
            client=_client(request),
            base_url=request.build_absolute_uri("/"),
        )
        # A known address takes a little longer (a link is stored); answer every request
        # after the same pause, so the time taken does not tell either.
        time.sleep(max(0.0, REPLY_SECONDS - (time.monotonic() - started)))
        return render(request, "portal/link_sent.html", {})
    status = 400 if form.errors else 200
    return render(request, "portal/sign_in.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def follow_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks the party to confirm (so a mail scanner that fetches the link does not use it
    up); POST signs them in."""
    if request.method == "GET":
        return render(request, "portal/confirm_sign_in.html", {"token": token})
    try:
        person = signin.redeem(token)
    except signin.LinkRefused as refusal:
        form = SignInForm()
        return render(
            request, "portal/sign_in.html", {"form": form, "refusal": str(refusal)}, status=400
        )
    signin.start_session(request, person)
    return redirect("portal:cases")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    signin.end_session(request)
    return redirect("portal:sign_in")


@party_required
def case_list(request: HttpRequest, person: Person) -> HttpResponse:
    cases = selectors.party_cases(person)
    return render(request, "portal/case_list.html", {"person": person, "cases": cases})


@party_required
def case_detail(request: HttpRequest, person: Person, case_id: int) -> HttpResponse:
    pc = selectors.party_case(person, case_id)
    services.record_case_viewed(pc)
    context = {
        "pc": pc,
        "standing": selectors.standing(pc),
        "notices": list(selectors.notices_for(pc)),
        "representations": selectors.representations_for(pc),
    }
    return render(request, "portal/case_detail.html", context)


@party_required
def notice_detail(
    request: HttpRequest, person: Person, case_id: int, notice_id: int
) -> HttpResponse:
    pc = selectors.party_case(person, case_id)
    notice = services.open_notice(pc, selectors.notice_for(pc, notice_id))
    return render(request, "portal/notice_detail.html", {"pc": pc, "notice": notice})


def _action(
    request: HttpRequest,
    pc: PartyCase,
    *,
    form: forms.Form,
    allowed: bool,
    template: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """The shape of every party action: a form, one service call, a refusal shown in the form
    with the service's own words, nothing stored when refused."""
    context: dict[str, Any] = {"pc": pc, "form": form, "standing": selectors.standing(pc)}
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except CaseError as refusal:
            form.add_error(None, str(refusal))
            return render(request, template, context, status=400)
        messages.success(request, done)
        return HttpResponseRedirect(reverse("portal:case", args=[pc.case.pk]))
    if request.method == "POST":
        return render(request, template, context, status=400)
    if not allowed:
        # An unbound form cannot carry an error: the page says it beside the form instead.
        context["not_open"] = "This is not open to you on this case now."
    return render(request, template, context)


@party_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, person: Person, case_id: int) -> HttpResponse:
    pc = selectors.party_case(person, case_id)
    return _action(
        request,
        pc,
        form=AnswerForm(request.POST if request.method == "POST" else None),
        allowed=selectors.standing(pc).may_answer,
        template="portal/answer.html",
        act=lambda data: services.answer_allegations(pc, text=data["text"]),
        done="Your answer has been received. The case team has been told.",
    )


@party_required
@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, person: Person, case_id: int) -> HttpResponse:
    pc = selectors.party_case(person, case_id)
    return _action(
        request,
        pc,
        form=ExtensionForm(request.POST if request.method == "POST" else None),
        allowed=selectors.standing(pc).may_ask_extension,
        template="portal/extension.html",
        act=lambda data: services.ask_for_extension(
            pc, working_days=data["working_days"], reasons=data["reasons"]
        ),
        done="Your request for more time has been sent to the case officer.",
    )


@party_required
@require_http_methods(["GET", "POST"])
def companion(request: HttpRequest, person: Person, case_id: int) -> HttpResponse:
    pc = selectors.party_case(person, case_id)
    return _action(
        request,
        pc,
        form=CompanionForm(request.POST if request.method == "POST" else None),
        allowed=selectors.standing(pc).may_name_companion,
        template="portal/companion.html",
        act=lambda data: services.name_companion(
            pc, name=data["name"], capacity=data["capacity"], contact=data["contact"]
        ),
        done="Your companion has been recorded. The case team has been told.",
    )


@party_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, person: Person, case_id: int) -> HttpResponse:
    pc = selectors.party_case(person, case_id)
    return _action(
        request,
        pc,
        form=AppealForm(request.POST if request.method == "POST" else None),
        allowed=selectors.standing(pc).may_appeal,
        template="portal/appeal.html",
        act=lambda data: services.lodge_appeal(pc, grounds=data["grounds"]),
        done="Your appeal has been lodged. The case team has been told.",
    )
