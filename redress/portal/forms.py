"""The portal's forms. Plain English labels; every field works without JavaScript."""

from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        help_text="The address the organisation has for you.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer to the allegations",
        help_text="Answer each allegation in turn if you can. You can say as much as you need.",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50_000,
    )


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(
        label="How many more working days do you need?", min_value=1, max_value=60
    )
    reasons = forms.CharField(
        label="Why do you need more time?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5_000,
    )


class CompanionForm(forms.Form):
    name = forms.CharField(label="Your companion's name", max_length=200)
    capacity = forms.CharField(
        label="Who they are to you",
        help_text="For example: trade union representative, colleague, friend.",
        max_length=200,
    )
    contact = forms.CharField(
        label="How to contact them (optional)",
        help_text="An email address or phone number, so the unit can send them the details.",
        max_length=200,
        required=False,
    )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label="The grounds of your appeal",
        help_text="Say why the decision should be changed: for example, a fault in the "
        "procedure, new evidence, or a finding or sanction the evidence does not support.",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50_000,
    )
