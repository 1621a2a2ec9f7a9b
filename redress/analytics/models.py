"""The analytics fact table: one row per case, live or imported from an earlier system.

This is the one place where a case's milestones (received, triaged, investigation started,
decided, closed), its outcome and its sanction are derived. The fairness report, the timeliness
pages and the public statistics all read it, never the case tables, so every figure Redress
publishes about its cases counts the same things the same way. Rows of live cases are rebuilt
by `redress.analytics.facts.refresh_case_facts` after every transition; imported rows come only
from `redress import-history`. No names: complainants appear only by a pseudonymous reference.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from redress.cases.models import Case
from redress.people.models import Organisation


class Source(models.TextChoices):
    LIVE = "live", "Live case"
    IMPORTED = "imported", "Imported history"


class Outcome(models.TextChoices):
    """How a case ended. The first five are what a history file may say; the others are the
    rulebook's own closing outcomes, kept as they are."""

    NO_FURTHER_ACTION = "no_further_action", "No further action"
    INFORMAL_RESOLUTION = "informal_resolution", "Informal resolution"
    NOT_UPHELD = "not_upheld", "Not upheld"
    UPHELD = "upheld", "Upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NO_CASE_TO_ANSWER = "no_case_to_answer", "No case to answer"
    QUASHED_ON_APPEAL = "quashed_on_appeal", "Quashed on appeal"


IMPORTABLE_OUTCOMES = (
    "no_further_action",
    "informal_resolution",
    "not_upheld",
    "upheld",
    "withdrawn",
)


class CaseFact(models.Model):
    """One case's milestones and result, as dates (days are what the statistics count)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="fact"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    reference = models.CharField(max_length=30)
    category = models.CharField(max_length=30)
    respondent_unit = models.CharField(max_length=200, blank=True)
    complainant_group = models.CharField(
        max_length=60, blank=True, help_text="From voluntary equality monitoring; blank if none."
    )
    complainant_ref = models.CharField(
        max_length=64, blank=True, help_text="Pseudonymous; blank for an anonymous complaint."
    )
    received_on = models.DateField()
    triaged_on = models.DateField(null=True, blank=True)
    investigation_started_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, blank=True, choices=Outcome.choices)
    sanction = models.CharField(max_length=40, blank=True)
    suspension_started_on = models.DateField(null=True, blank=True)
    suspension_ended_on = models.DateField(null=True, blank=True)
    suspension_review_due_on = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_fact_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(source="live", case__isnull=False)
                | Q(source="imported", case__isnull=True),
                name="case_fact_live_has_case",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                name="case_fact_closed_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "category"], name="case_fact_category_idx"),
            models.Index(fields=["organisation", "received_on"], name="case_fact_received_idx"),
        ]

    def __str__(self) -> str:
        return f"Facts of {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class SurveyParty(models.TextChoices):
    COMPLAINANT = "complainant", "Complainant"
    RESPONDENT = "respondent", "Respondent"


class SurveyInvitation(models.Model):
    """An invitation to a party of a closed case to say whether they were treated fairly.
    It records that they answered, never what: answers are kept apart, unlinked."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="survey_invitations")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    party = models.CharField(max_length=12, choices=SurveyParty.choices)
    invited_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_survey_per_party"),
        ]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk}"


class SurveyAnswer(models.Model):
    """One party's answers, with only what the results are broken down by: their part in the
    case, its category, the group they declared (if any) and the quarter they answered in.
    Nothing links it back to the invitation or the person."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(max_length=12, choices=SurveyParty.choices)
    category = models.CharField(max_length=30)
    group = models.CharField(max_length=60, blank=True)
    quarter = models.CharField(max_length=7, help_text="e.g. 2025-Q3")
    treated_fairly = models.PositiveSmallIntegerField(help_text="1 (not at all) to 5 (fully)")
    listened_to = models.PositiveSmallIntegerField(help_text="1 (not at all) to 5 (fully)")
    confidence = models.PositiveSmallIntegerField(
        help_text="Confidence in the complaints process, 1 (none) to 5 (complete)"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(treated_fairly__gte=1, treated_fairly__lte=5)
                & Q(listened_to__gte=1, listened_to__lte=5)
                & Q(confidence__gte=1, confidence__lte=5),
                name="survey_answers_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey answer {self.pk}"
