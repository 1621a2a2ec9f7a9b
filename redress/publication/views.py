"""Staff pages for publishing redacted documents: prepare one from an upload, review its
redactions with the text highlighted, add or undo one with a reason, submit, approve as a second
person, download the release. Refusals come from the services, never from a hidden button."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redress.audit.services import record_event
from redress.people.models import User
from redress.publication import selectors, services
from redress.publication.engine import Style
from redress.publication.formats import PAGE_BREAK, Format
from redress.publication.models import RedactedDocument, RedactionStyle

DOCUMENTS_SHOWN = 200


class PrepareForm(forms.Form):
    title = forms.CharField(max_length=200)
    file = forms.FileField(
        label="Document (.txt, .md, .docx or .pdf)",
        help_text="At most 25 MB. Text in images is not read: check scanned pages by eye.",
    )
    style = forms.ChoiceField(
        label="Replace people with", choices=RedactionStyle.choices, widget=forms.RadioSelect
    )
    keep_public = forms.BooleanField(
        label="Keep the names of people with a public role (office holders)", required=False
    )


class AddRedactionForm(forms.Form):
    phrase = forms.CharField(
        label="Words to redact", max_length=services.MAX_PHRASE_LENGTH,
        help_text="Every occurrence is redacted, in any case.",
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason for the redaction", widget=forms.Textarea(attrs={"rows": 2})
    )


class UndoForm(forms.Form):
    reason = forms.CharField(label="Reason for leaving it in", max_length=1000)


def _publisher(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not services.may_publish(user):
        raise PermissionDenied("only a complaints coordinator or an administrator publishes")
    return user


def _document(user: User, document_id: int) -> RedactedDocument:
    document = selectors.document_for(user, document_id)
    if document is None:
        raise Http404("no such document")
    return document


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    """The organisation's documents, and the form that prepares a new one."""
    user = _publisher(request)
    form = PrepareForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"style": RedactionStyle.PSEUDONYM, "keep_public": True},
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = services.prepare_document(
                organisation=user.organisation,  # type: ignore[arg-type]
                actor=user,
                title=form.cleaned_data["title"],
                filename=upload.name,
                data=upload.read(services.MAX_DOCUMENT_BYTES + 1),
                style=Style(form.cleaned_data["style"]),
                keep_public=form.cleaned_data["keep_public"],
            )
        except services.PublicationRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, "The document is redacted and ready for review.")
            return redirect("publication:document", document.pk)
    return render(
        request,
        "publication/documents.html",
        {"form": form, "documents": selectors.documents_for(user)[:DOCUMENTS_SHOWN]},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    user = _publisher(request)
    found = _document(user, document_id)
    record_event(
        organisation=found.organisation_id, actor=user, action="publication.viewed", target=found
    )
    return _review_page(request, found)


def _review_page(
    request: HttpRequest,
    document: RedactedDocument,
    *,
    add_form: AddRedactionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    redactions = selectors.redactions_of(document)
    return render(
        request,
        "publication/document.html",
        {
            "document": document,
            "pieces": selectors.pieces_of(document.text, redactions),
            "log": selectors.log_of(document.text, redactions, _separator(document)),
            "active": sum(1 for r in redactions if r.active and not r.kept),
            "add_form": add_form or AddRedactionForm(),
            "where": Format(document.format).where,
        },
        status=status,
    )


def _sentence(error: Exception) -> str:
    message = str(error)
    return message[:1].upper() + message[1:] + "."


def _separator(document: RedactedDocument) -> str:
    return PAGE_BREAK if document.format == Format.PDF.value else "\n"


@login_required
@require_POST
def add_redaction(request: HttpRequest, document_id: int) -> HttpResponse:
    user = _publisher(request)
    found = _document(user, document_id)
    form = AddRedactionForm(request.POST)
    if form.is_valid():
        try:
            added = services.add_redaction(
                found, actor=user, phrase=form.cleaned_data["phrase"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except services.PublicationRefused as error:
            form.add_error("phrase", str(error))
        else:
            messages.success(request, f"{len(added)} more places redacted.")
            return redirect("publication:document", found.pk)
    return _review_page(request, found, add_form=form, status=400)


@login_required
@require_POST
def undo_redaction(request: HttpRequest, document_id: int, redaction_id: int) -> HttpResponse:
    user = _publisher(request)
    found = _document(user, document_id)
    redaction = found.redactions.filter(pk=redaction_id).first()
    if redaction is None:
        raise Http404("no such redaction")
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for leaving those words in.")
        return _review_page(request, found, status=400)
    try:
        services.undo_redaction(redaction, actor=user, reason=form.cleaned_data["reason"])
    except services.PublicationRefused as error:
        messages.error(request, _sentence(error))
        return _review_page(request, found, status=400)
    messages.success(request, "The redaction is undone; those words will be published.")
    return redirect("publication:document", found.pk)


@login_required
@require_POST
def submit(request: HttpRequest, document_id: int) -> HttpResponse:
    return _release_step(
        request,
        document_id,
        services.submit_for_release,
        done="Submitted: a second person must now approve the release.",
    )


@login_required
@require_POST
def approve(request: HttpRequest, document_id: int) -> HttpResponse:
    return _release_step(
        request,
        document_id,
        services.approve_release,
        done="Released. The redacted document can no longer change.",
    )


def _release_step(
    request: HttpRequest,
    document_id: int,
    step: Callable[..., object],
    *,
    done: str,
) -> HttpResponse:
    """Take a document one step towards release (submitting, approving) as the signed-in
    publisher; a step the services refuse leaves the document as it was and says why."""
    user = _publisher(request)
    found = _document(user, document_id)
    try:
        step(found, actor=user)
    except services.PublicationRefused as error:
        messages.error(request, _sentence(error))
        return _review_page(request, found, status=400)
    messages.success(request, done)
    return redirect("publication:document", found.pk)


@login_required
@require_GET
def download(request: HttpRequest, document_id: int) -> HttpResponse:
    user = _publisher(request)
    found = _document(user, document_id)
    if not found.released or found.output is None:
        raise Http404("the document has not been released")
    record_event(
        organisation=found.organisation_id, actor=user, action="publication.downloaded",
        target=found,
    )  # fmt: skip
    kind = Format(found.format)
    response = HttpResponse(bytes(found.output), content_type=kind.content_type)
    suffix = {"text": "txt", "markdown": "md"}.get(kind.value, kind.value)
    response["Content-Disposition"] = f'attachment; filename="released-{found.pk}.{suffix}"'
    response["Cache-Control"] = "no-store"
    return response
