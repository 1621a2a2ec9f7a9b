"""The public intake pages (no sign-in, usable without JavaScript) and the staff page for a
case's messages with its complainants.

The receipt travels only in POST bodies; once it is checked, the session remembers which receipt
was opened (for 30 minutes of inactivity), so nothing personal ever appears in a URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from redress.cases.selectors import CaseNotFound, get_case
from redress.cases.services import CaseError
from redress.intake import selectors, services
from redress.intake.forms import EvidenceForm, MessageForm, ReceiptForm, ReportForm
from redress.intake.models import Receipt
from redress.people.models import User

SESSION_RECEIPT = "intake_receipt_id"
STATUS_SESSION_SECONDS = 30 * 60
WRONG_RECEIPT = (
    "We could not open a report with that receipt code. Check it and try again. "
    "After several tries you will need to wait 15 minutes."
)


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/unavailable.html", status=503)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The report form. A valid report is filed (or held) and the receipt shown on this one
    response, never again; an invalid one is shown back with its errors and nothing stored."""
    try:
        organisation = selectors.intake_organisation()
    except selectors.NoOrganisation:
        return _unavailable(request)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.submit_report(organisation, form.report())
        except services.IntakeError as error:
            form.add_error(None, _sentence(str(error)))
        else:
            services.record_equality_answers(organisation, form.equality_answers())
            return render(request, "intake/received.html", {"outcome": outcome})
    form.describe()
    status = 400 if form.errors else 200
    return render(request, "intake/report.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Enter a receipt (POST only), then see the stage, the next date and the messages, reply
    and add files. A wrong receipt and a rate-limited one get the same answer."""
    try:
        organisation = selectors.intake_organisation()
    except selectors.NoOrganisation:
        return _unavailable(request)
    receipt = _session_receipt(request, organisation.pk)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "leave":
        request.session.flush()
        return redirect("intake:status")
    if receipt is None or action == "enter":
        return _enter_receipt(request, organisation)
    if request.method == "POST":
        return _act_on_report(request, receipt, action)
    return _status_page(request, receipt)


def _enter_receipt(request: HttpRequest, organisation: Any) -> HttpResponse:
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        receipt = services.check_receipt(
            organisation,
            entered=form.cleaned_data["receipt"],
            client=request.META.get("REMOTE_ADDR", ""),
        )
        if receipt is not None:
            request.session.cycle_key()
            request.session[SESSION_RECEIPT] = receipt.pk
            request.session.set_expiry(STATUS_SESSION_SECONDS)
            return redirect("intake:status")
        form.add_error("receipt", WRONG_RECEIPT)
    form.describe()
    status = 400 if form.errors else 200
    return render(request, "intake/enter_receipt.html", {"form": form}, status=status)


def _act_on_report(request: HttpRequest, receipt: Receipt, action: str) -> HttpResponse:
    message_form, evidence_form = MessageForm(), EvidenceForm()
    try:
        if action == "message":
            message_form = MessageForm(request.POST)
            if message_form.is_valid():
                services.record_complainant_message(receipt, body=message_form.cleaned_data["body"])
                flash.success(request, "Your message has been sent.")
                return redirect("intake:status")
        elif action == "evidence":
            evidence_form = EvidenceForm(request.POST, request.FILES)
            if evidence_form.is_valid():
                added = services.add_evidence(receipt, files=evidence_form.uploads())
                flash.success(request, f"{len(added)} file(s) added to your report.")
                return redirect("intake:status")
        else:
            return redirect("intake:status")
    except services.IntakeError as error:
        form = message_form if action == "message" else evidence_form
        form.add_error(None, _sentence(str(error)))
    return _status_page(request, receipt, message_form, evidence_form, status=400)


def _status_page(
    request: HttpRequest,
    receipt: Receipt,
    message_form: MessageForm | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    request.session.set_expiry(STATUS_SESSION_SECONDS)
    message_form = message_form or MessageForm()
    evidence_form = evidence_form or EvidenceForm()
    message_form.describe()
    evidence_form.describe()
    context = {
        "report": selectors.report_status(receipt),
        "message_form": message_form,
        "evidence_form": evidence_form,
    }
    return render(request, "intake/status.html", context, status=status)


def _session_receipt(request: HttpRequest, organisation_id: int) -> Receipt | None:
    receipt_id = request.session.get(SESSION_RECEIPT)
    if receipt_id is None:
        return None
    return (
        Receipt.objects.select_related("complaint")
        .filter(pk=receipt_id, organisation_id=organisation_id)
        .first()
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# --- Staff -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_messages(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's messages with its complainants; the case officer may send one."""
    user = request.user
    assert isinstance(user, User)
    try:
        case = get_case(user, case_id)
    except CaseNotFound:
        raise Http404("no such case") from None
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        complaint = case.complaints.filter(pk=request.POST.get("complaint") or 0).first()
        if complaint is None:
            form.add_error(None, "Choose which complainant to write to.")
        elif form.is_valid():
            try:
                services.send_message_to_complainant(
                    complaint, body=form.cleaned_data["body"], actor=user
                )
            except (services.IntakeError, CaseError) as error:
                form.add_error(None, _sentence(str(error)))
            else:
                flash.success(request, "Message sent.")
                return redirect("intake:case_messages", case_id=case.pk)
    form.describe()
    context = {
        "case": case,
        "threads": selectors.case_threads(case),
        "form": form,
        "may_send": selectors.may_message(user, case),
    }
    return render(request, "intake/case_messages.html", context, status=400 if form.errors else 200)
