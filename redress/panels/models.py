"""Who may decide a case, and how a panel was chosen: training records, declared interests,
the dates panel members offer to sit, panel proposals (and overrides with their reasons) and the
committee votes that decide some steps.

Nothing here changes state by itself: `redress.panels.services` makes every change and writes the
audit log; `redress.panels.eligibility` is the one place that says who may sit on a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.people.models import Organisation, Person, Unit


class TrainingRecord(models.Model):
    """A course a member of staff completed, in one subject the rulebook names, and when it
    stops counting."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    subject = models.CharField(max_length=40)
    completed_on = models.DateField()
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "subject", "expires_on"], name="training_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} training until {self.expires_on}"


class Interest(models.Model):
    """An interest a member of staff declared: in a person, a unit, or one case. While it stands
    they may not act on any case it touches."""

    class Kind(models.TextChoices):
        RELATIONSHIP = "relationship", "Family or close relationship"
        SHARED_UNIT = "shared_unit", "Member of the same unit"
        POLITICAL = "political", "Political tie or alliance"
        PERSONAL = "personal", "Personal friendship or enmity"
        WORK = "work", "Working relationship"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interests"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    declared_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "withdrawn_at"], name="interest_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(unit__isnull=False) | Q(case__isnull=False),
                name="interest_names_what_it_is_in",
            ),
        ]

    def __str__(self) -> str:
        return f"Interest {self.pk} ({self.kind})"


class Availability(models.Model):
    """A day a panel member has offered to sit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    on = models.DateField()

    class Meta:
        verbose_name_plural = "availability"
        constraints = [
            models.UniqueConstraint(fields=["user", "on"], name="availability_once_a_day"),
        ]
        indexes = [models.Index(fields=["organisation", "on"], name="availability_day_idx")]

    def __str__(self) -> str:
        return f"Available on {self.on}"


class PanelKind(models.TextChoices):
    PANEL = "panel", "Panel"
    APPEAL = "appeal", "Appeal panel"


class PanelProposal(models.Model):
    """What the proposer suggested for one case, and what was then done with it: accepted as
    proposed, or overridden with written reasons. An infeasible proposal says which of the
    rulebook's constraints could not be met, and by how much."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        OVERRIDDEN = "overridden", "Overridden"
        SUPERSEDED = "superseded", "Superseded"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=10, choices=PanelKind.choices)
    hearing_on = models.DateField(null=True, blank=True)
    members = models.JSONField(default=list, help_text="User ids proposed.")
    chair = models.IntegerField(null=True, blank=True, help_text="User id proposed as chair.")
    feasible = models.BooleanField()
    shortfalls = models.JSONField(
        default=list, help_text="Each constraint that could not be met, and by how much."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    appointed = models.JSONField(default=list, help_text="User ids appointed in the end.")
    appointed_chair = models.IntegerField(null=True, blank=True)
    override_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "proposed_at"], name="proposal_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="overridden") | ~Q(override_reasons=""),
                name="override_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk} for {self.case}"


class Vote(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"
    ABSENT = "absent", "Absent"
    RECUSED = "recused", "Recused"


class Motion(models.Model):
    """A question put to a committee, the votes of its members and the result the rulebook's
    quorum and majority rules give."""

    class Result(models.TextChoices):
        CARRIED = "carried", "Carried"
        DEFEATED = "defeated", "Defeated"
        INQUORATE = "inquorate", "Not quorate"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="motions"
    )
    kind = models.CharField(max_length=40, help_text="What the committee decides.")
    text = models.TextField()
    result = models.CharField(max_length=12, choices=Result.choices)
    explanation = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Motion {self.pk} ({self.result})"


class MemberVote(models.Model):
    """One committee member's vote on a motion, with their dissent if they gave one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)
    dissent = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "member"], name="one_vote_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.vote} on motion {self.motion_id}"
