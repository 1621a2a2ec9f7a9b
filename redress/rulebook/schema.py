"""The shape of a rulebook. Parsed from YAML by `loader`, read by the workflow engine."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CODE = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(Strict):
    """How long a stage or clock may take: working days, calendar days or calendar months."""

    working_days: int | None = Field(default=None, ge=0, le=400)
    calendar_days: int | None = Field(default=None, ge=0, le=800)
    calendar_months: int | None = Field(default=None, ge=0, le=36)

    @model_validator(mode="after")
    def exactly_one_measure(self) -> Target:
        measures = (self.working_days, self.calendar_days, self.calendar_months)
        given = [v for v in measures if v is not None]  # 0 is a measure: "on the same day"
        if len(given) != 1:
            raise ValueError("give exactly one of working_days, calendar_days, calendar_months")
        return self


class Stage(Strict):
    label: str
    target: Target | None = None
    final: bool = False


class Category(Strict):
    label: str
    definition: str
    definition_version: str


class Clock(Strict):
    label: str
    starts_on: str = Field(pattern=r"^(receipt|stage:[a-z_]+|notice:[a-z_]+)$")
    working_days: int | None = Field(default=None, ge=1, le=400)
    calendar_days: int | None = Field(default=None, ge=1, le=800)
    calendar_months: int | None = Field(default=None, ge=1, le=36)
    stopped_by_notice: str | None = None
    stopped_by_response: bool = False

    @property
    def target(self) -> Target:
        return Target(
            working_days=self.working_days,
            calendar_days=self.calendar_days,
            calendar_months=self.calendar_months,
        )

    @model_validator(mode="after")
    def stops_somehow(self) -> Clock:
        self.target  # noqa: B018 - validates that exactly one measure is given
        if not self.stopped_by_notice and not self.stopped_by_response:
            raise ValueError("a clock needs stopped_by_notice or stopped_by_response")
        return self


class ResponseExtension(Strict):
    max_working_days: int = Field(ge=0, le=60)
    times: int = Field(ge=0, le=5)


class Suspension(Strict):
    review_every_working_days: int = Field(ge=1, le=120)
    lapses_after_working_days: int = Field(ge=1, le=260)
    decided_by: tuple[str, ...]

    @model_validator(mode="after")
    def reviewed_before_it_lapses(self) -> Suspension:
        # A first review due on or after the lapse would never happen: the suspension would run
        # its whole length unreviewed (Chakrabarti rec. 10).
        if self.review_every_working_days >= self.lapses_after_working_days:
            raise ValueError(
                "review_every_working_days must be fewer than lapses_after_working_days, "
                "so that a suspension is reviewed before it lapses"
            )
        return self


class NoticeKind(Strict):
    label: str
    party: Literal["complainant", "respondent", "both"]


class DecisionKind(Strict):
    label: str
    by: tuple[str, ...] = Field(min_length=1)
    stages: tuple[str, ...] = Field(min_length=1)
    outcomes: dict[str, str] = Field(min_length=1)


class Guard(Strict):
    """One condition on a transition: a guard name and its arguments, if any."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class Transition(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_stage: str = Field(alias="from")
    to: str
    by: tuple[str, ...] = Field(min_length=1)
    guards: tuple[Guard, ...] = ()
    notices: tuple[str, ...] = ()
    outcome: str | None = None

    @field_validator("guards", mode="before")
    @classmethod
    def guards_from_yaml(cls, value: Any) -> Any:
        """`- name` or `- name: argument` or `- name: {key: value}` in the YAML."""
        if not isinstance(value, list):
            return value
        return [_guard_from_yaml(item) for item in value]


def _guard_from_yaml(item: Any) -> Any:
    if isinstance(item, str):
        return {"name": item}
    if isinstance(item, dict) and len(item) == 1:
        name, args = next(iter(item.items()))
        if isinstance(args, dict):
            return {"name": name, "args": args}
        return {"name": name, "args": {"value": args}}
    return item


class Representations(Strict):
    """Communications about a case from outside the process (a senior official, an elected
    representative, the press office). Oversight always sees them; the parties do unless the
    rulebook says otherwise, so that pressure on a case is never hidden from those it concerns."""

    disclosed_to_parties: bool = True


class Sanction(Strict):
    code: str = Field(pattern=CODE)
    label: str


class GuidanceRow(Strict):
    """One row of the sanctions guidance: a kind of conduct, what makes it worse or better, and
    the range of sanctions (codes from `sanctions`, mildest first) a panel chooses within."""

    code: str = Field(pattern=CODE)
    conduct: str
    categories: tuple[str, ...] = ()  # empty: conduct in any category
    aggravating: tuple[str, ...] = ()
    mitigating: tuple[str, ...] = ()
    lowest: str
    highest: str


class TrainingSubject(Strict):
    label: str


class Training(Strict):
    """What a person must be currently trained in to decide a case: every subject in `always`,
    and the subject `by_category` names for each category the case's allegations are in."""

    valid_for_months: int = Field(default=24, ge=1, le=120)
    subjects: dict[str, TrainingSubject] = Field(default_factory=dict)
    always: tuple[str, ...] = ()
    by_category: dict[str, str] = Field(default_factory=dict)
    deciding_roles: tuple[str, ...] = ()

    def subjects_for(self, categories: frozenset[str] | set[str]) -> tuple[str, ...]:
        """The subjects, in a fixed order, that deciding allegations in `categories` needs."""
        needed = dict.fromkeys(self.always)
        for category in sorted(categories):
            subject = self.by_category.get(category)
            if subject:
                needed[subject] = None
        return tuple(needed)


class GenderBalance(Strict):
    min_women: int = Field(default=0, ge=0, le=9)
    max_same_gender: int | None = Field(default=None, ge=1, le=9)


class Panels(Strict):
    """How a panel (and an appeal panel) is made up."""

    size: int = Field(default=3, ge=1, le=9)
    appeal_size: int = Field(default=3, ge=1, le=9)
    chair_subject: str | None = None  # the training a chair needs, if any
    gender_balance: GenderBalance = Field(default_factory=GenderBalance)
    ethnic_minority_member_categories: tuple[str, ...] = ()
    max_open_cases: int = Field(default=4, ge=1, le=100)

    def needs_minority_member(self, categories: frozenset[str] | set[str]) -> bool:
        return bool(set(categories) & set(self.ethnic_minority_member_categories))


class Committee(Strict):
    """How a committee's vote is decided. Members present are those voting for, against or
    abstaining; recused members are not counted as members for the quorum."""

    decides: tuple[str, ...] = ()
    quorum_share: float = Field(default=0.5, gt=0, le=1)  # present must be at least this share
    majority_share: float = Field(default=0.5, ge=0.5, lt=1)  # "for" must exceed this share
    abstentions_count: bool = False  # whether abstentions count among the votes cast


class Appeals(Strict):
    grounds: dict[str, str] = Field(default_factory=dict)


class Rulebook(Strict):
    """A whole procedure. Cross-references are checked by `loader.check_references`."""

    name: str
    sources: tuple[str, ...] = ()
    charge_time_limit_years: int = Field(ge=1, le=50)
    independent_review_categories: tuple[str, ...] = ()
    categories: dict[str, Category] = Field(min_length=1)
    stages: dict[str, Stage] = Field(min_length=2)
    clocks: dict[str, Clock] = Field(default_factory=dict)
    response_extension: ResponseExtension
    hearing_notice_working_days: int = Field(ge=0, le=60)
    suspension: Suspension
    notices: dict[str, NoticeKind]
    decisions: dict[str, DecisionKind]
    transitions: tuple[Transition, ...] = Field(min_length=1)
    sanctions: tuple[Sanction, ...] = Field(min_length=1)
    representations: Representations = Field(default_factory=Representations)
    sanctions_guidance: tuple[GuidanceRow, ...] = ()
    training: Training = Field(default_factory=Training)
    panels: Panels = Field(default_factory=Panels)
    committee: Committee = Field(default_factory=Committee)
    appeals: Appeals = Field(default_factory=Appeals)

    def sanction_rank(self, code: str) -> int:
        """Where a sanction stands in the guidance, mildest first (-1 if it is not there)."""
        codes = [s.code for s in self.sanctions]
        return codes.index(code) if code in codes else -1

    def guidance_row(self, code: str) -> GuidanceRow | None:
        return next((row for row in self.sanctions_guidance if row.code == code), None)

    def guidance_for(self, category: str) -> tuple[GuidanceRow, ...]:
        """The guidance rows that apply to conduct in `category`."""
        return tuple(
            row
            for row in self.sanctions_guidance
            if not row.categories or category in row.categories
        )

    def transitions_from(self, stage: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.from_stage == stage)

    def transition(self, from_stage: str, to: str) -> Transition | None:
        for candidate in self.transitions:
            if candidate.from_stage == from_stage and candidate.to == to:
                return candidate
        return None

    @property
    def first_stage(self) -> str:
        return next(iter(self.stages))

    def stages_from(self, stage: str) -> tuple[str, ...]:
        """`stage` and every stage the rulebook lists after it."""
        names = tuple(self.stages)
        return names[names.index(stage) :]

    def is_return(self, from_stage: str, to: str) -> bool:
        """Whether moving from `from_stage` to `to` sends the case back to go round again."""
        names = tuple(self.stages)
        return names.index(to) <= names.index(from_stage)

    def is_final(self, stage: str) -> bool:
        return self.stages[stage].final

    def stage_label(self, stage: str) -> str:
        found = self.stages.get(stage)
        return found.label if found else stage
