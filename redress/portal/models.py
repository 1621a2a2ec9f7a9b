"""The parties' side of a case, and the organisation's notice templates and their delivery.

A party (a respondent, a named complainant) is a `Person`, never a staff `User`: they sign in
with a one-time link and act through `redress.portal.services`, which writes the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.cases.models import Case, Notice, Party
from redress.people.models import Organisation, Person


class SignInLink(models.Model):
    """A one-time sign-in link sent to a party's registered email.

    The token itself is never stored: only its SHA-256, for look-up. The mail task rebuilds the
    token from `nonce` with the installation's SECRET_KEY (so the database alone, or the task
    queue, never holds a usable link)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "created_at"], name="signin_link_person_idx")]

    def __str__(self) -> str:
        return f"Sign-in link {self.pk}"


class RateBucket(models.Model):
    """How many times a key (a keyed hash of an email address or a network address) was used
    in one fixed window. Shared by every process through the database."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_bucket_unique"),
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_bucket_window_idx")]

    def __str__(self) -> str:
        return f"{self.hits} hits from {self.window_start:%Y-%m-%d %H:%M}"


class PartyRequest(models.Model):
    """Something a party asks of the case officer from the portal: more time to answer, for
    now. The officer grants or refuses it, with reasons, through the services."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", "More time to answer the allegations"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the case officer"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="party_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    party = models.CharField(max_length=12, choices=Party.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reasons = models.TextField()
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "person"],
                condition=Q(status="pending"),
                name="one_pending_request_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case} ({self.status})"


class Companion(models.Model):
    """The person a party has named to accompany them at a hearing (ACAS para 13-16). Naming
    another replaces the earlier one, which stays on record."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="companions")
    party = models.CharField(max_length=12, choices=Party.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    capacity = models.CharField(
        max_length=200, help_text="e.g. trade union representative, colleague, friend"
    )
    contact = models.CharField(max_length=200, blank=True)
    named_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person"],
                condition=Q(replaced_at__isnull=True),
                name="one_companion_per_party",
            ),
        ]

    def __str__(self) -> str:
        return f"Companion on {self.case}"


class NoticeTemplate(models.Model):
    """An organisation's own wording of one kind of notice, used before Redress's default.

    Written in Django's template language, rendered in a sandbox over plain data (see
    `redress.portal.notice_templates`), and checked on save: it must render and must still say
    what the rulebook requires a notice of its kind to say."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="notice_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice template"


class NoticeDelivery(models.Model):
    """One attempt to email a notice. A failed attempt is kept with the kind of failure (never
    the address or the message) and the notice is tried again; `Notice.emailed_at` is set by
    the attempt that succeeds."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    delivered = models.BooleanField()
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "attempt"], name="notice_attempt_unique"),
        ]

    def __str__(self) -> str:
        return f"Delivery attempt {self.attempt} of notice {self.notice_id}"
