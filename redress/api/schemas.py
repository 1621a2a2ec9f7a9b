"""The shapes of the JSON API's requests and answers.

Requests forbid fields they do not know, so that a misspelt field is an error rather than a
silently ignored one.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from redress.cases.models import Category, Channel

MAX_PAGE = 200
DEFAULT_PAGE = 50


class Request(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def storable_text(cls, value: object) -> object:
        """Refuse text PostgreSQL cannot store, which would otherwise fail deep in a write."""
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("text may not contain NUL characters")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text contains an unpaired surrogate, not valid Unicode") from None
        return value


# --- Errors ------------------------------------------------------------------------------------


class Error(Schema):
    """Every error: what went wrong, in words a person can act on."""

    error: str = Field(examples=["no such case"])


class ValidationFailure(Schema):
    """A request that is not what the endpoint expects: one line per problem."""

    error: str = Field(examples=["the request is not valid"])
    detail: list[str] = Field(examples=[["summary: this field is required"]])


class TransitionRefusal(Schema):
    """A transition the rulebook does not allow now, and every reason why."""

    error: str = Field(examples=["transition refused"])
    reasons: list[str] = Field(examples=[["nobody has been assigned as investigator on this case"]])


# --- Filing a complaint ------------------------------------------------------------------------


class RespondentRef(Request):
    """Who the complaint is about: a membership number on the register, or a name.

    A name is matched exactly (ignoring case) against the register; if nobody has it, the
    respondent is recorded as a new person outside the membership.
    """

    membership_number: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def one_way_of_naming(self) -> RespondentRef:
        if (self.membership_number is None) == (self.name is None):
            raise ValueError("give the respondent's membership_number or name (one of them)")
        return self


class ComplainantRef(Request):
    """Who complains: a membership number on the register, or `{"anonymous": true}`."""

    membership_number: str | None = Field(default=None, min_length=1, max_length=40)
    anonymous: bool = False

    @model_validator(mode="after")
    def named_or_anonymous(self) -> ComplainantRef:
        if self.anonymous == (self.membership_number is not None):
            raise ValueError(
                "give the complainant's membership_number, or anonymous: true (one of them)"
            )
        return self


class ComplaintIn(Request):
    categories: list[Category] = Field(min_length=1, max_length=len(Category.values))
    summary: str = Field(min_length=1, max_length=20_000, description="What happened.")
    respondent: RespondentRef
    complainant: ComplainantRef
    respondent_as_named: str = Field(
        default="",
        max_length=300,
        description="How the complainant identified the respondent, if not by their name.",
    )
    channel: Channel = Field(
        default=Channel.API, description="How the complaint reached the organisation."
    )

    @field_validator("categories")
    @classmethod
    def distinct(cls, categories: list[Category]) -> list[Category]:
        return list(dict.fromkeys(categories))


class ComplaintFiled(Schema):
    case_id: int
    reference: str
    stage: str


# --- Cases -------------------------------------------------------------------------------------


class DeadlineOut(Schema):
    kind: str
    label: str
    due_on: date
    overdue: bool


class CaseOut(Schema):
    id: int
    reference: str
    stage: str
    stage_label: str
    deadline: date | None = Field(description="The next open due date on the case, if any.")
    deadlines: list[DeadlineOut] = Field(description="The clocks running, soonest first.")
    categories: list[str]
    assigned_officer: str | None = Field(description="The case officer's username.")
    opened_at: datetime
    closed_at: datetime | None
    outcome: str | None
    rulebook_version: int


class CaseSummary(Schema):
    id: int
    reference: str
    stage: str
    stage_label: str
    deadline: date | None
    overdue: bool
    categories: list[str]
    opened_at: datetime
    closed_at: datetime | None


class CasePage(Schema):
    count: int = Field(description="How many cases match, on all pages.")
    limit: int
    offset: int
    items: list[CaseSummary]


class CaseListQuery(Request):
    stage: str = Field(default="", max_length=40)
    category: Category | None = None
    overdue: bool = False
    mine: bool = Field(default=False, description="Only cases on whose team the caller is.")
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=10_000_000)


# --- Transitions -------------------------------------------------------------------------------


class TransitionAllowed(Schema):
    to: str
    label: str


class TransitionRefused(Schema):
    to: str
    label: str
    reasons: list[str]


class TransitionOptions(Schema):
    allowed: list[TransitionAllowed]
    refused: list[TransitionRefused]


class TransitionIn(Request):
    to: str = Field(min_length=1, max_length=40, description="The stage to move the case to.")
    reason: str = Field(default="", max_length=5_000, description="Why, for the record.")


# --- Case teams --------------------------------------------------------------------------------


class AssignmentIn(Request):
    username: str = Field(min_length=1, max_length=150, description="The staff member to add.")
    role: str = Field(
        min_length=1,
        max_length=20,
        description="Their part: officer, investigator, decision_maker, panellist, reviewer or "
        "appeal_panellist.",
    )
    chair: bool = Field(default=False, description="Whether they chair the (appeal) panel.")


class AssignmentOut(Schema):
    id: int
    username: str
    role: str
    chair: bool
