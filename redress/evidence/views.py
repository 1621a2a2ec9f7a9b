"""Staff pages for a case's evidence: the items with their hashes and provenance and the form to
add one; an original or a disclosed copy downloaded (each recorded); the chat messages searched,
chosen for an allegation, and read in context; the hearing bundle.

Cases are reached through the cases app's own rule (`redress.cases.views.access.visible_case`:
the case's team, oversight; a 404 for anyone else). Every change goes through `services`, whose
refusals come back as a form error with status 400. Search terms travel in POST bodies, never in
URLs, which carry only numeric ids.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redress.cases.models import Case
from redress.cases.services import CaseError
from redress.cases.views.access import MAX_ID, staff, visible_case
from redress.evidence import bundle, selectors, services
from redress.evidence.checks import EvidenceRefused
from redress.evidence.models import ChatMessage, EvidenceItem

DISCLOSE_TO = {
    "respondent": "the respondent",
    "complainant": "the complainant",
    "panel": "the panel",
}


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label="File", error_messages={"required": "Choose a file to add"})
    description = forms.CharField(
        label="What it is", max_length=300, required=False, help_text="For the index of evidence."
    )
    chat_export = forms.BooleanField(
        label="Read it as a chat export (WhatsApp .txt or ZIP, Telegram JSON, CSV)",
        required=False,
    )


class MessageSearchForm(forms.Form):
    query = forms.CharField(label="Words in the message or sender", max_length=200, required=False)
    sender = forms.CharField(label="Sender (exactly)", max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's evidence, oldest first, and the form to add a file."""
    case = visible_case(request, case_id, log_read=request.method == "GET")
    form = EvidenceUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                item = services.add_evidence(
                    case,
                    upload=services.Upload(upload.name or "file", upload.read()),
                    actor=staff(request),
                    description=form.cleaned_data["description"],
                    chat_export=form.cleaned_data["chat_export"],
                )
            except (EvidenceRefused, CaseError, services.EvidenceError) as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, f"Added {item.original_name}.")
                return redirect("evidence:list", case_id=case.pk)
        status = 400
    return render(
        request,
        "evidence/list.html",
        {"case": case, "items": selectors.case_items(case), "form": form,
         "disclose_to": DISCLOSE_TO},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def original(request: HttpRequest, case_id: int, item_id: int) -> HttpResponse:
    """The sealed original, as stored; the download is recorded."""
    case = visible_case(request, case_id, log_read=False)
    item = _item(case, item_id)
    data = services.read_original(item, actor=staff(request))
    return _download(data, item, prefix="original")


@login_required
@require_GET
def disclosed(request: HttpRequest, case_id: int, item_id: int, to: str) -> HttpResponse:
    """A copy for another party, metadata removed; the disclosure is recorded."""
    if to not in DISCLOSE_TO:
        raise Http404("no such party")
    case = visible_case(request, case_id, log_read=False)
    item = _item(case, item_id)
    try:
        data = services.disclose(item, actor=staff(request), to=to)
    except CaseError as error:
        raise PermissionDenied(str(error)) from error
    return _download(data, item, prefix=f"for-{to}")


@login_required
@require_http_methods(["GET", "POST"])
def chat_messages(request: HttpRequest, case_id: int) -> HttpResponse:
    """Search the case's chat messages, and choose the ones an allegation relies on."""
    case = visible_case(request, case_id, log_read=request.method == "GET")
    form = MessageSearchForm(request.POST if "search" in request.POST else None)
    found: list[ChatMessage] = []
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        found = list(
            selectors.search_messages(
                case, form.cleaned_data["query"], sender=form.cleaned_data["sender"]
            )[: selectors.SEARCH_LIMIT]
        )
    return render(
        request,
        "evidence/messages.html",
        {
            "case": case,
            "form": form,
            "found": found,
            "searched": searched,
            "limit": selectors.SEARCH_LIMIT,
            "allegations": selectors.allegations(case),
            "relied": selectors.relied_on(case),
        },
    )


@login_required
@require_POST
def rely(request: HttpRequest, case_id: int) -> HttpResponse:
    """Mark the chosen messages as relied on by an allegation (or, with `stop`, no longer)."""
    case = visible_case(request, case_id, log_read=False)
    allegation = selectors.allegations(case).filter(pk=_id(request.POST.get("allegation"))).first()
    chosen = ChatMessage.objects.filter(
        case=case, pk__in=[_id(v) for v in request.POST.getlist("message")]
    )
    if allegation is None or not chosen:
        messages.error(request, "Choose an allegation and at least one message.")
        return redirect("evidence:messages", case_id=case.pk)
    try:
        for message in chosen:
            if "stop" in request.POST:
                services.stop_relying_on_message(allegation, message, actor=staff(request))
            else:
                services.rely_on_message(allegation, message, actor=staff(request))
    except (CaseError, services.EvidenceError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{len(chosen)} message(s) updated for the allegation.")
    return redirect("evidence:messages", case_id=case.pk)


@login_required
@require_GET
def message_in_context(request: HttpRequest, case_id: int, message_id: int) -> HttpResponse:
    """A message with the messages around it in its export."""
    case = visible_case(request, case_id, log_read=True)
    message = selectors.case_message(case, message_id) if message_id <= MAX_ID else None
    if message is None:
        raise Http404("no such message on this case")
    return render(
        request,
        "evidence/context.html",
        {
            "case": case,
            "message": message,
            "around": selectors.in_context(message),
            "relied_by": message.relied_on.select_related("allegation"),
        },
    )


@login_required
@require_GET
def bundle_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    """The hearing bundle as a PDF; its export is recorded with its hash."""
    case = visible_case(request, case_id, log_read=False)
    made = bundle.build(case)
    services.record_bundle_export(case, actor=staff(request), sha256=made.sha256, pages=made.pages)
    response = HttpResponse(made.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bundle-{case.reference}.pdf"'
    return response


def _item(case: Case, item_id: int) -> EvidenceItem:
    item = selectors.case_item(case, item_id) if item_id <= MAX_ID else None
    if item is None:
        raise Http404("no such evidence on this case")
    return item


def _download(data: bytes, item: EvidenceItem, *, prefix: str) -> HttpResponse:
    response = HttpResponse(data, content_type=item.file.content_type)
    # The file's own name may be personal: the download is named by item number only.
    response["Content-Disposition"] = f'attachment; filename="{prefix}-evidence-{item.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _id(value: str | None) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return 0
    return number if 0 < number <= MAX_ID else 0
