"""Organisations, their units, the people on their register and the staff who run the process."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A tenant: every other table carries its organisation, so data can be sharded by it."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    holiday_region = models.CharField(
        max_length=40,
        default="england-and-wales",
        help_text="Whose bank holidays are not working days: england-and-wales, scotland or "
        "northern-ireland.",
    )
    closure_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Extra non-working days as ISO dates (e.g. an office closure).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A branch of the organisation's tree: nation, region, local branch."""

    class Kind(models.TextChoices):
        NATION = "nation", "Nation"
        REGION = "region", "Region"
        BRANCH = "branch", "Local branch"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone the process concerns: a member, a member of staff or somebody outside.

    Equality monitoring data never lives here; it is kept apart with stricter access.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        STAFF = "staff", "Staff"
        EXTERNAL = "external", "External"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    name = models.CharField(max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    membership_number = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    public_role = models.CharField(
        max_length=200,
        blank=True,
        help_text="An office whose holder's name is public (kept in published reports).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "membership_number"],
                condition=~Q(membership_number=""),
                name="person_membership_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def contactable(self) -> bool:
        return bool(self.email)


class StaffRole(models.TextChoices):
    """What a member of staff may be asked to do. One person may hold several."""

    COORDINATOR = "coordinator", "Complaints coordinator"
    OFFICER = "officer", "Case officer"
    INVESTIGATOR = "investigator", "Investigator"
    DECISION_MAKER = "decision_maker", "Decision-maker"
    PANELLIST = "panellist", "Panel member"
    REVIEWER = "reviewer", "Independent reviewer"
    OVERSIGHT = "oversight", "Oversight"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A member of staff (or an independent reviewer) who signs in to Redress."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )

    @property
    def roles(self) -> frozenset[str]:
        """The staff roles this user holds (cached for the request)."""
        cached: frozenset[str] | None = getattr(self, "_roles", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._roles = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    """One staff role held by one user."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class Gender(models.TextChoices):
    """A gender a person may declare for equality monitoring."""

    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another gender"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class EthnicGroup(models.TextChoices):
    """An ethnic group a person may declare (the census's broad groups)."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Another ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Disability(models.TextChoices):
    """Whether a person declares a disability."""

    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class EqualityProfile(models.Model):
    """What a person chose to declare for equality monitoring. Every answer is voluntary: blank
    means not declared, and "prefer not to say" is an answer in its own right.

    Kept apart from `Person` with stricter access: only the services that need it read it
    (`redress.people.equality`: panel composition and the fairness statistics). Nothing of it
    goes into logs, audit data, case pages or error messages.
    """

    Gender = Gender
    EthnicGroup = EthnicGroup
    Disability = Disability

    # The groups counted as ethnic minorities where a rule asks for one (a panel's minority
    # member): every declared group but White. Not declared and "prefer not to say" count as
    # neither, so nobody is counted on a guess.
    MINORITY_GROUPS = frozenset(
        {EthnicGroup.ASIAN, EthnicGroup.BLACK, EthnicGroup.MIXED, EthnicGroup.OTHER}
    )

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality_profile")
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    ethnic_group = models.CharField(max_length=20, choices=EthnicGroup.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(gender="") | Q(gender__in=Gender.values),
                name="equality_gender_known",
            ),
            models.CheckConstraint(
                condition=Q(ethnic_group="") | Q(ethnic_group__in=EthnicGroup.values),
                name="equality_ethnic_group_known",
            ),
            models.CheckConstraint(
                condition=Q(disability="") | Q(disability__in=Disability.values),
                name="equality_disability_known",
            ),
        ]

    def __str__(self) -> str:
        # Never the answers: a profile printed in a log or a page must not disclose them.
        return f"equality profile {self.pk}"

    @property
    def declares_ethnic_minority(self) -> bool:
        """Whether the person declared an ethnic group other than White."""
        return self.ethnic_group in self.MINORITY_GROUPS
