"""The public report form, the receipt form and the message forms, in plain English."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator

from redress.cases.models import Category
from redress.intake import evidence as evidence_store
from redress.intake.models import ReportMode
from redress.intake.services import Report

MODE_HINTS = {
    ReportMode.NAMED: "We use your name and contact details, and may tell the person you report "
    "who made the complaint.",
    ReportMode.CONFIDENTIAL: "The complaints team knows who you are. We do not tell the person "
    "you report without asking you first.",
    ReportMode.ANONYMOUS: "Nobody knows who you are, including us. You get a receipt code to "
    "check progress and read messages. We may not be able to act on it without more detail.",
    ReportMode.HELD: "Nobody reads your report yet. It is opened only when someone else reports "
    "the same person. You get a receipt code.",
}

PREFER_NOT = ("prefer_not", "Prefer not to say")
EQUALITY_QUESTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "age": (
        "Your age",
        [
            ("under_25", "Under 25"),
            ("25_44", "25 to 44"),
            ("45_64", "45 to 64"),
            ("65_plus", "65 or over"),
        ],
    ),
    "sex": (
        "Your sex or gender",
        [
            ("woman", "Woman"),
            ("man", "Man"),
            ("non_binary", "Non-binary"),
            ("other", "Another way"),
        ],
    ),
    "ethnicity": (
        "Your ethnic group",
        [
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Another ethnic group"),
        ],
    ),
    "religion": (
        "Your religion or belief",
        [
            ("none", "No religion"),
            ("christian", "Christian"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("hindu", "Hindu"),
            ("sikh", "Sikh"),
            ("buddhist", "Buddhist"),
            ("other", "Another religion or belief"),
        ],
    ),
    "disability": ("Are you disabled?", [("yes", "Yes"), ("no", "No")]),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in items) if f]


class AccessibleForm(forms.Form):
    """Points each input at its hint and its error, so screen readers read them with it."""

    def describe(self) -> None:
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"{self[name].auto_id}-hint")
            if name in self.errors:
                ids.append(f"{self[name].auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class ReportForm(AccessibleForm):
    mode = forms.ChoiceField(
        label="How do you want to report?",
        choices=ReportMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you want to report"},
    )
    complainant_name = forms.CharField(label="Your name", max_length=200, required=False)
    complainant_email = forms.EmailField(
        label="Your email address",
        required=False,
        help_text="Needed for a named or confidential report, so that we can contact you.",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    complainant_phone = forms.CharField(label="Your phone number", max_length=40, required=False)
    categories = forms.MultipleChoiceField(
        label="What kind of behaviour are you reporting?",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply. Choose how you see it: this decides nothing.",
        error_messages={"required": "Choose at least one kind of behaviour"},
    )
    what_happened = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="Say what was said or done, in your own words.",
        error_messages={"required": "Say what happened"},
    )
    when = forms.CharField(
        label="When did it happen?",
        max_length=200,
        required=False,
        help_text="A date, or roughly when, for example, March 2025.",
    )
    where = forms.CharField(
        label="Where did it happen?",
        max_length=300,
        required=False,
        help_text="For example a meeting, an event, or a website or chat group.",
    )
    links = forms.CharField(
        label="Links to what was posted online",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One link on each line, starting https://",
    )
    respondent_name = forms.CharField(
        label="Their name", max_length=200, required=False, help_text="As you know them."
    )
    respondent_membership_number = forms.CharField(
        label="Their membership number", max_length=40, required=False
    )
    respondent_handle = forms.CharField(
        label="Their social media handle",
        max_length=100,
        required=False,
        help_text="For example @name",
    )
    witnesses = forms.CharField(
        label="Did anyone else see or hear it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
        help_text="Their names, and how we could contact them if you know.",
    )
    outcome_wanted = forms.CharField(
        label="What would you like to happen?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )
    evidence = MultipleFileField(
        label="Evidence files",
        required=False,
        help_text=f"Up to {evidence_store.MAX_FILES} files, each up to 10 MB: "
        f"{evidence_store.ACCEPTED_DESCRIPTION}.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, choices) in EQUALITY_QUESTIONS.items():
            self.fields[f"equality_{name}"] = forms.ChoiceField(
                label=label,
                choices=[("", "Not answered"), *choices, PREFER_NOT],
                required=False,
            )

    def mode_options(self) -> list[dict[str, Any]]:
        """The radio buttons with their hints, for the template."""
        return [
            {"option": option, "hint": MODE_HINTS[ReportMode(option.data["value"])]}
            for option in self["mode"]
        ]

    def equality_fields(self) -> list[forms.BoundField]:
        return [self[f"equality_{name}"] for name in EQUALITY_QUESTIONS]

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > 20:
            raise ValidationError("Give at most 20 links")
        check = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                check(line)
            except ValidationError:
                raise ValidationError("Each link must start https:// or http://") from None
        return lines

    def clean_evidence(self) -> list[evidence_store.Upload]:
        files: list[UploadedFile] = self.cleaned_data["evidence"]
        if len(files) > evidence_store.MAX_FILES:
            raise ValidationError(f"Choose at most {evidence_store.MAX_FILES} files")
        uploads = []
        for upload in files:
            # Refuse by the declared size before reading a large file into memory.
            if (upload.size or 0) > evidence_store.MAX_FILE_BYTES:
                raise ValidationError("Each file must be 10 MB or smaller")
            given = evidence_store.Upload(name=upload.name or "file", data=upload.read())
            try:
                evidence_store.check(given)
            except evidence_store.EvidenceRefused as error:
                raise ValidationError(str(error)) from None
            uploads.append(given)
        return uploads

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        name, email = data.get("complainant_name", ""), data.get("complainant_email", "")
        if mode in (ReportMode.NAMED, ReportMode.CONFIDENTIAL):
            if not name:
                self.add_error("complainant_name", "Enter your name")
            if not email and "complainant_email" not in self.errors:
                self.add_error("complainant_email", "Enter your email address")
        elif mode == ReportMode.ANONYMOUS and (name or email):
            self.add_error(
                "complainant_name",
                "Leave your name and email address empty for an anonymous report, "
                "or choose a confidential report",
            )
        elif mode == ReportMode.HELD and bool(name) != bool(email):
            self.add_error("complainant_name", "Give both your name and email address, or neither")
        if not any(
            data.get(f)
            for f in ("respondent_name", "respondent_membership_number", "respondent_handle")
        ):
            self.add_error(
                "respondent_name",
                "Give the name, membership number or social media handle of the person",
            )
        return data

    def report(self) -> Report:
        data = self.cleaned_data
        return Report(
            mode=data["mode"],
            categories=data["categories"],
            what_happened=data["what_happened"],
            respondent_name=data["respondent_name"],
            respondent_membership_number=data["respondent_membership_number"],
            respondent_handle=data["respondent_handle"],
            when=data["when"],
            where=data["where"],
            links=data["links"],
            witnesses=data["witnesses"],
            outcome_wanted=data["outcome_wanted"],
            complainant_name=data["complainant_name"],
            complainant_email=data["complainant_email"],
            complainant_phone=data["complainant_phone"],
            files=data["evidence"],
        )

    def equality_answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"equality_{name}"] for name in EQUALITY_QUESTIONS}


class UnechoedTextInput(forms.TextInput):
    """A text box that never writes back what was typed: a receipt is shown once only."""

    def format_value(self, value: Any) -> str | None:
        return None


class ReceiptForm(AccessibleForm):
    receipt = forms.CharField(
        label="Your receipt code",
        max_length=60,
        help_text="The code you were given when you reported, like ABCD-EFGH-JKMN-PQRS-TUVW.",
        error_messages={"required": "Enter your receipt code"},
        widget=UnechoedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class MessageForm(AccessibleForm):
    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Write your message"},
    )


class EvidenceForm(AccessibleForm):
    evidence = MultipleFileField(
        label="Files to add",
        help_text=f"Up to {evidence_store.MAX_FILES} files, each up to 10 MB.",
        error_messages={"required": "Choose a file to add"},
    )

    def uploads(self) -> list[evidence_store.Upload]:
        return [
            evidence_store.Upload(name=f.name or "file", data=f.read())
            for f in self.cleaned_data["evidence"]
            if (f.size or 0) <= evidence_store.MAX_FILE_BYTES
        ]

    def clean_evidence(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["evidence"]
        if not files:
            raise ValidationError("Choose a file to add")
        if any((f.size or 0) > evidence_store.MAX_FILE_BYTES for f in files):
            raise ValidationError("Each file must be 10 MB or smaller")
        return files
