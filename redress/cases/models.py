"""Complaints, the cases made of them, and the records a case gathers on its way to closure.

Nothing here changes state by itself: every change goes through `redress.cases.services`, which
checks the rulebook, writes the audit log and serves the notices in one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.people.models import Organisation, Person
from redress.rulebook.models import RulebookVersion


class Category(models.TextChoices):
    """The complaint taxonomy. Every category runs the same procedure."""

    ANTISEMITISM = "antisemitism", "Antisemitism"
    ISLAMOPHOBIA = "islamophobia", "Islamophobia"
    ANTI_BLACK_RACISM = "anti_black_racism", "Anti-Black racism"
    OTHER_RACISM = "other_racism", "Other racism"
    SEXISM = "sexism", "Sexism and misogyny"
    SEXUAL_HARASSMENT = "sexual_harassment", "Sexual harassment"
    HOMOPHOBIA_TRANSPHOBIA = "homophobia_transphobia", "Homophobia and transphobia"
    DISABILITY = "disability", "Disability discrimination"
    BULLYING = "bullying", "Bullying and harassment"
    OTHER = "other", "Other breach of rules"


class Channel(models.TextChoices):
    WEB = "web", "Web form"
    API = "api", "API"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    POST = "post", "Post"
    IMPORT = "import", "Imported"


class Complaint(models.Model):
    """What was submitted, as submitted. Never edited after it is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="complaints")
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    anonymous = models.BooleanField(default=False)
    complainant = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints_made"
    )
    categories = models.JSONField(help_text="As the complainant perceives it.")
    summary = models.TextField()
    respondent_as_named = models.CharField(
        max_length=300, help_text="How the complainant identified the respondent."
    )
    submitted = models.JSONField(
        default=dict, help_text="Everything else the complainant submitted, verbatim."
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=True, complainant__isnull=True) | Q(anonymous=False),
                name="anonymous_complaint_names_nobody",
            ),
        ]

    def __str__(self) -> str:
        return f"Complaint {self.pk}"


class Case(models.Model):
    """One or more complaints about one respondent, taken through the rulebook's stages."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=30)
    respondent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases_against")
    rulebook = models.ForeignKey(
        RulebookVersion,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The rulebook version the case started under; it stays on it.",
    )
    stage = models.CharField(max_length=40)
    stage_entered_at = models.DateTimeField()
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="case_stage_idx"),
            models.Index(fields=["respondent"], name="case_respondent_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseRole(models.TextChoices):
    """The part someone plays in one case. Nobody plays two parts in the same case."""

    OFFICER = "officer", "Case officer"
    INVESTIGATOR = "investigator", "Investigator"
    DECISION_MAKER = "decision_maker", "Decision-maker"
    PANELLIST = "panellist", "Panel member"
    REVIEWER = "reviewer", "Independent reviewer"
    APPEAL_PANELLIST = "appeal_panellist", "Appeal panel member"


class Assignment(models.Model):
    """A member of staff on a case's team. Only the team (and oversight) may see the case."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(max_length=20, choices=CaseRole.choices)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    chair = models.BooleanField(default=False, help_text="Chairs the panel or appeal panel.")
    stood_down = models.BooleanField(
        default=False,
        help_text="Taken off when the panel's hearing and findings were set aside; never sits "
        "on this case again.",
    )

    class Meta:
        constraints = [
            # A person may hold several roles, never two in one case.
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_role_per_person_per_case",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="assignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} on {self.case}"


class Allegation(models.Model):
    """One thing the respondent is said to have done, with its finding and sanction."""

    class Finding(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allegations")
    category = models.CharField(max_length=30, choices=Category.choices)
    particulars = models.TextField()
    conduct_on = models.DateField(null=True, blank=True, help_text="When the conduct happened.")
    charged = models.BooleanField(null=True, blank=True)
    time_limit_exception = models.TextField(
        blank=True, help_text="Why conduct older than the rulebook's limit is charged."
    )
    definition_applied = models.CharField(max_length=300, blank=True)
    finding = models.CharField(max_length=12, choices=Finding.choices, blank=True)
    finding_reasons = models.TextField(blank=True)
    sanction = models.CharField(max_length=40, blank=True)
    sanction_reasons = models.TextField(blank=True)
    conduct = models.CharField(
        max_length=40, blank=True, help_text="The sanctions guidance row the panel applied."
    )
    departure_reasons = models.TextField(
        blank=True, help_text="Why the sanction lies outside the guidance's range, if it does."
    )

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.case})"


SET_ASIDE_HELP = (
    "When the case was sent back to this record's stage or an earlier one (a reviewer's veto, "
    "an appeal's rehearing): the record stays, but no longer counts."
)


class Decision(models.Model):
    """A recorded decision with its reasons: triage, interim measures, charging, review,
    appeal... Append-only: a later decision of the same kind supersedes an earlier one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=30)
    outcome = models.CharField(max_length=30)
    reasons = models.TextField()
    stage = models.CharField(max_length=40, help_text="The stage the case was at.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    set_aside_at = models.DateTimeField(null=True, blank=True, help_text=SET_ASIDE_HELP)

    class Meta:
        indexes = [models.Index(fields=["case", "kind", "decided_at"], name="decision_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.outcome}"


class Party(models.TextChoices):
    COMPLAINANT = "complainant", "Complainant"
    RESPONDENT = "respondent", "Respondent"


class Notice(models.Model):
    """A formal letter served on a party, with its delivery and acknowledgement."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=40)
    party = models.CharField(max_length=12, choices=Party.choices)
    recipient = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    stage = models.CharField(max_length=40, help_text="The stage the case was at.")
    served_at = models.DateTimeField()
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_aside_at = models.DateTimeField(null=True, blank=True, help_text=SET_ASIDE_HELP)
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "kind"], name="notice_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.party}"


class Deadline(models.Model):
    """A clock running on a case: a stage target, a response window, a feedback date."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    due_on = models.DateField()
    met_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "due_on"],
                condition=Q(met_at__isnull=True),
                name="deadline_open_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(met_at__isnull=True),
                name="one_open_deadline_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} by {self.due_on}"


class DeadlineReminder(models.Model):
    """A reminder to the case officer (or, failing one, the coordinators) that a deadline is
    near, due today or missed. One of each kind per deadline and due date, so a daily run sends
    each once; an extended deadline is reminded of again for its new date."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        DUE_TODAY = "due_today", "Due today"
        OVERDUE = "overdue", "Overdue"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField(help_text="The deadline's date when the reminder was sent.")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    addressed_to = models.CharField(
        max_length=12, help_text="Whom it went to: the case officer, or the coordinators."
    )
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "due_on"], name="one_reminder_per_kind_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.deadline}"


class Response(models.Model):
    """The respondent's answer to the allegations."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="responses")
    text = models.TextField()
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Response on {self.case}"


class Hearing(models.Model):
    """A hearing of the charges, or a decision on the papers where no hearing was asked for."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300)
    papers_only = models.BooleanField(default=False)
    held_at = models.DateTimeField(null=True, blank=True)
    record = models.TextField(blank=True)
    set_aside_at = models.DateTimeField(null=True, blank=True, help_text=SET_ASIDE_HELP)
    adjustments = models.TextField(
        blank=True, help_text="Adjustments a party asked for, and what was arranged."
    )

    def __str__(self) -> str:
        return f"Hearing on {self.case} at {self.starts_at:%Y-%m-%d}"


class HearingAttendee(models.Model):
    """Someone expected at a hearing: a party, a party's companion, a witness; and whether they
    came."""

    class Part(models.TextChoices):
        COMPLAINANT = "complainant", "Complainant"
        RESPONDENT = "respondent", "Respondent"
        COMPANION = "companion", "Companion"
        WITNESS = "witness", "Witness"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="attendees")
    part = models.CharField(max_length=12, choices=Part.choices)
    accompanies = models.CharField(
        max_length=12, choices=Party.choices, blank=True, help_text="Whose companion."
    )
    name = models.CharField(max_length=200)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(part="companion") | ~Q(accompanies=""),
                name="companion_accompanies_a_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} at hearing {self.hearing_id}"


class Appeal(models.Model):
    """An appeal lodged by a party within the window, on grounds the rulebook lists."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    party = models.CharField(max_length=12, choices=Party.choices)
    grounds = models.JSONField(help_text="Codes of the rulebook's grounds of appeal.")
    particulars = models.TextField()
    lodged_at = models.DateTimeField()
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Appeal by the {self.party} on {self.case}"


class InterimSuspension(models.Model):
    """An administrative suspension while a case runs. Not a sanction, and not in force until
    the notice with its reasons has been served on the respondent."""

    class Ground(models.TextChoices):
        RISK_TO_PEOPLE = "risk_to_people", "Risk to people"
        RISK_TO_INVESTIGATION = "risk_to_investigation", "Risk to the investigation"
        SERIOUS_HARM = "serious_harm", "Serious harm to the organisation"

    class Status(models.TextChoices):
        DECIDED = "decided", "Decided, notice not yet served"
        IN_FORCE = "in_force", "In force"
        LIFTED = "lifted", "Lifted"
        LAPSED = "lapsed", "Lapsed"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    ground = models.CharField(max_length=30, choices=Ground.choices)
    reasons = models.TextField()
    selection_pending_caution = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DECIDED)
    notice = models.OneToOneField(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="suspension"
    )
    in_force_from = models.DateTimeField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    lapses_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reasons = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["decided", "in_force"]),
                name="one_live_suspension_per_case",
            ),
            models.CheckConstraint(
                # Lifted may be before service: a decision withdrawn before it took effect.
                condition=~Q(status__in=["in_force", "lapsed"])
                | Q(notice__isnull=False, in_force_from__isnull=False),
                name="suspension_in_force_only_once_served",
            ),
        ]

    def __str__(self) -> str:
        return f"Suspension on {self.case} ({self.status})"


class EmergencyAccess(models.Model):
    """Access to a case by someone outside its team, with a written reason, flagged to
    oversight."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by_oversight_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "case", "expires_at"], name="emergency_idx")]

    def __str__(self) -> str:
        return f"Emergency access to {self.case} by {self.user}"


class Representation(models.Model):
    """A communication about a case from outside the process: a senior official, an elected
    representative, the press office. Recorded as it came, never edited or deleted (on
    PostgreSQL a trigger refuses both), visible to oversight and, unless the rulebook says
    otherwise, to both parties."""

    class Position(models.TextChoices):
        SENIOR_OFFICIAL = "senior_official", "Senior official"
        ELECTED_REPRESENTATIVE = "elected_representative", "Elected representative"
        PRESS_OFFICE = "press_office", "Press office"
        OTHER = "other", "Other"

    class Medium(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        LETTER = "letter", "Letter"
        MEETING = "meeting", "In person"
        MESSAGE = "message", "Text or chat message"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="representations")
    made_by_name = models.CharField(max_length=200, help_text="Who made it, as they gave it.")
    made_by_role = models.CharField(
        max_length=200, blank=True, help_text="Their office or position, as they gave it."
    )
    made_by_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="representations"
    )
    position = models.CharField(max_length=30, choices=Position.choices)
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Medium.choices)
    summary = models.TextField()
    content = models.TextField(blank=True, help_text="The communication itself, where it exists.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["case", "received_at"], name="representation_case_idx"),
            models.Index(fields=["organisation", "recorded_at"], name="representation_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"Representation on {self.case}"
