"""Forms of the staff pages. They check the shape of the input; the rules of the process are the
services' to enforce, and their refusals come back to the same form as a non-field error."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from redress.cases.models import Allegation, CaseRole, Category, InterimSuspension
from redress.people.models import User

REASONS_HELP = "Write them in full: they go on the record and the parties may read them."
Choices = Sequence[tuple[str, str]]


class CaseFilterForm(forms.Form):
    """The case list's filters. Every field is optional; bad values are ignored, not fatal."""

    stage = forms.ChoiceField(required=False, label="Stage")
    category = forms.ChoiceField(
        required=False, label="Category", choices=[("", "Any category"), *Category.choices]
    )
    overdue = forms.BooleanField(required=False, label="Only cases with an overdue deadline")
    mine = forms.BooleanField(required=False, label="Only cases assigned to me")

    def __init__(self, *args: Any, stages: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Any stage"), *stages]  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    """One allowed transition: the stage to move to travels as a hidden field, so each button
    on the case page is its own small form."""

    to = forms.CharField(widget=forms.HiddenInput, max_length=40)
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Reason (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome")
    reasons = forms.CharField(
        label="Reasons", help_text=REASONS_HELP, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, outcomes: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = list(outcomes)  # type: ignore[attr-defined]


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="Notice")

    def __init__(self, *args: Any, kinds: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)  # type: ignore[attr-defined]


class ResponseForm(forms.Form):
    text = forms.CharField(
        label="The respondent's response, as received",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label="Extra working days", min_value=1)
    reasons = forms.CharField(
        label="Reasons for the extension",
        help_text=REASONS_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, max_working_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_working_days = max_working_days
        field = self.fields["working_days"]
        field.widget.attrs["max"] = max_working_days
        field.help_text = f"From 1 to {max_working_days}."

    def clean_working_days(self) -> int:
        value: int = self.cleaned_data["working_days"]
        if value > self.max_working_days:
            raise forms.ValidationError(
                f"An extension is at most {self.max_working_days} working days."
            )
        return value


class AllegationForm(forms.Form):
    category = forms.ChoiceField(label="Category", choices=Category.choices)
    particulars = forms.CharField(label="Particulars", widget=forms.Textarea(attrs={"rows": 3}))
    conduct_on = forms.DateField(
        required=False,
        label="Date of the conduct (optional)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_conduct_on(self) -> date | None:
        value: date | None = self.cleaned_data["conduct_on"]
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError("The conduct cannot have happened in the future.")
        return value


class ChargeForm(forms.Form):
    charged = forms.TypedChoiceField(
        label="Charge this allegation?",
        choices=[("yes", "Charge"), ("no", "Do not charge")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    time_limit_exception = forms.CharField(
        required=False,
        label="Reasons for an exception to the time limit (only for old conduct)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FindingForm(forms.Form):
    finding = forms.ChoiceField(
        label="Finding", choices=Allegation.Finding.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label="Reasons for the finding",
        help_text=REASONS_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conduct = forms.ChoiceField(
        required=False, label="Conduct found, as the sanctions guidance describes it"
    )
    sanction = forms.ChoiceField(required=False, label="Sanction (only if upheld)")
    sanction_reasons = forms.CharField(
        required=False,
        label="Reasons for the sanction",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    departure_reasons = forms.CharField(
        required=False,
        label="Reasons for going outside the guidance's range (only if you do)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, sanctions: Choices, conducts: Choices = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sanction"].choices = [("", "No sanction"), *sanctions]  # type: ignore[attr-defined]
        self.fields["conduct"].choices = [("", "None (not upheld)"), *conducts]  # type: ignore[attr-defined]


class HearingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and time",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label="Place or link", max_length=300)


class HearingHeldForm(forms.Form):
    record = forms.CharField(
        label="Record of the hearing", widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    """One choice of who and as what: the staff listed under each role hold the staff role it
    needs, so the page offers only assignments that can succeed on that count."""

    member = forms.ChoiceField(label="Add to the team")

    def __init__(
        self, *args: Any, candidates: Iterable[tuple[str, list[User]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        grouped: list[tuple[str, list[tuple[str, str]]]] = []
        for role, users in candidates:
            if users:
                options = [(f"{role}:{u.pk}", u.display_name) for u in users]
                grouped.append((f"As {CaseRole(role).label.lower()}", options))
        self.fields["member"].choices = [("", "Choose someone"), *grouped]  # type: ignore[attr-defined]

    def clean_member(self) -> tuple[str, int]:
        role, _, user_id = self.cleaned_data["member"].partition(":")
        return role, int(user_id)


class ConfirmForm(forms.Form):
    """A button with nothing to fill in, such as serving a notice already decided on: the form
    carries the CSRF token, and a refusal comes back on it as a non-field error."""


class SuspensionForm(forms.Form):
    ground = forms.ChoiceField(
        label="The compelling reason",
        choices=InterimSuspension.Ground.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Reasons for suspending now",
        help_text=REASONS_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    selection_pending_caution = forms.CharField(
        required=False,
        label="Caution about a pending selection (optional)",
        help_text="If a selection is pending, why the suspension is needed all the same.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuspensionReviewForm(forms.Form):
    """Keep a suspension in force until its next review, or lift it; either way with reasons. A
    suspension not yet in force can only be lifted."""

    keep = forms.TypedChoiceField(
        label="Outcome of the review",
        coerce=lambda value: value == "keep",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Reasons", help_text=REASONS_HELP, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, in_force: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lift = ("lift", "Lift the suspension")
        choices = [("keep", "Keep it in force until the next review"), lift] if in_force else [lift]
        self.fields["keep"].choices = choices  # type: ignore[attr-defined]


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label="Why you need to see this case now",
        min_length=20,
        help_text="At least a sentence. Oversight reads every reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
