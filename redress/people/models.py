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
