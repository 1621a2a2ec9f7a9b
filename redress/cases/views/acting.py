"""The shape every action on a case shares: read the form, make one service call, and either
redirect to the case page with what was done or show the page again with the refusal on the form
(400), nothing having changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from redress.cases import services
from redress.cases.models import Case
from redress.cases.views.case_page import render_again
from redress.rulebook.workflow import TransitionRefused

# Carries out the action with the form's cleaned data and returns what to tell the user.
CarryOut = Callable[[dict[str, Any]], str]


def act(request: HttpRequest, case: Case, form: Form, carry_out: CarryOut) -> HttpResponse:
    if form.is_valid():
        try:
            done = carry_out(form.cleaned_data)
        except TransitionRefused as refusal:
            form.add_error(None, refusal_message(refusal.reasons))
        except services.CaseError as error:
            form.add_error(None, refusal_message([str(error)]))
        else:
            messages.success(request, done)
            return redirect("cases:detail", case_id=case.pk)
    return render_again(request, case, form)


def refusal_message(reasons: Any) -> str:
    return f"Nothing was changed, because {'; '.join(reasons)}."
