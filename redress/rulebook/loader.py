"""Reading a rulebook from YAML, with every error naming the key and the line it is on."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from redress.rulebook.schema import CODE, Rulebook
from redress.rulebook.workflow import CASE_ROLES, GUARDS, SYSTEM_ROLE

Path = tuple[str | int, ...]


class RulebookError(ValueError):
    """A rulebook that cannot be used, with where the problem is."""

    def __init__(self, message: str, *, key: str = "", line: int | None = None) -> None:
        self.key = key
        self.line = line
        where = f"line {line}, " if line else ""
        prefix = f"{where}{key}: " if key else where
        super().__init__(f"{prefix}{message}")


def default_rulebook_source() -> str:
    return resources.files("redress.rulebook").joinpath("default.yaml").read_text("utf-8")


def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@lru_cache(maxsize=32)
def parse_rulebook(source: str) -> Rulebook:
    """Parse and check a rulebook. Raises RulebookError naming the key and line at fault."""
    document, lines = _load_yaml(source)
    if not isinstance(document, dict):
        raise RulebookError(
            "a rulebook is a mapping of keys such as stages and transitions", line=1
        )
    try:
        rulebook = Rulebook.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        path = tuple(first["loc"])
        raise RulebookError(
            _plain_pydantic_message(first), key=_dotted(path), line=_line_of(path, lines)
        ) from None
    check_references(rulebook, lines)
    return rulebook


def _plain_pydantic_message(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "missing":
        return "this key is required"
    if error["type"] == "extra_forbidden":
        return "this key is not part of a rulebook"
    return message.removeprefix("Value error, ")


def _load_yaml(source: str) -> tuple[Any, dict[Path, int]]:
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        document = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise RulebookError(
            f"this is not valid YAML: {problem}{_yaml_context(error, line)}", line=line
        ) from None
    lines: dict[Path, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return document, lines


def _yaml_context(error: yaml.YAMLError, line: int | None) -> str:
    """Where an unclosed bracket or quote began: PyYAML notices it only lines later."""
    context = getattr(error, "context", None)
    mark = getattr(error, "context_mark", None)
    if not context or mark is None or mark.line + 1 == line:
        return ""
    return f" ({context} that starts on line {mark.line + 1})"


def _record_lines(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise RulebookError(
                    "this key appears twice",
                    key=_dotted((*path, key)),
                    line=key_node.start_mark.line + 1,
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines)


def _line_of(path: Path, lines: dict[Path, int]) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def check_references(rulebook: Rulebook, lines: dict[Path, int]) -> None:
    """Every name a rulebook uses must be defined in it, and every stage must lead to an end."""

    def fail(message: str, *path: str | int) -> None:
        raise RulebookError(message, key=_dotted(path), line=_line_of(path, lines))

    stages = rulebook.stages
    if not any(stage.final for stage in stages.values()):
        fail("at least one stage must be final", "stages")
    sections: dict[str, Any] = {
        "stages": stages,
        "categories": rulebook.categories,
        "notices": rulebook.notices,
        "decisions": rulebook.decisions,
    }
    for section, names in sections.items():
        for code in names:
            if not re.fullmatch(CODE, code):
                fail("names are lower-case letters, digits and underscores", section, code)
    roles = set(CASE_ROLES)
    for number, name in enumerate(rulebook.independent_review_categories):
        if name not in rulebook.categories:
            fail(f"unknown category {name!r}", "independent_review_categories", number)
    for name, clock in rulebook.clocks.items():
        kind, _, ref = clock.starts_on.partition(":")
        if kind == "stage" and ref not in stages:
            fail(f"unknown stage {ref!r}", "clocks", name, "starts_on")
        if kind == "notice" and ref not in rulebook.notices:
            fail(f"unknown notice {ref!r}", "clocks", name, "starts_on")
        if clock.stopped_by_notice and clock.stopped_by_notice not in rulebook.notices:
            fail(f"unknown notice {clock.stopped_by_notice!r}", "clocks", name, "stopped_by_notice")
    for number, role in enumerate(rulebook.suspension.decided_by):
        if role not in roles:
            fail(f"unknown role {role!r}", "suspension", "decided_by", number)
    for name, decision in rulebook.decisions.items():
        for number, role in enumerate(decision.by):
            if role not in roles:
                fail(f"unknown role {role!r}", "decisions", name, "by", number)
        for number, stage in enumerate(decision.stages):
            if stage not in stages:
                fail(f"unknown stage {stage!r}", "decisions", name, "stages", number)
    _check_decision_rules(rulebook, roles, fail)
    seen: set[tuple[str, str]] = set()
    for index, transition in enumerate(rulebook.transitions):
        _check_transition(rulebook, index, transition, roles, seen, fail)
    _check_every_stage_can_end(rulebook, fail)


def _check_decision_rules(rulebook: Rulebook, roles: set[str], fail: Any) -> None:
    """The sanctions guidance, training, panel and committee rules name only what exists."""
    sanctions = [s.code for s in rulebook.sanctions]
    codes: set[str] = set()
    for index, row in enumerate(rulebook.sanctions_guidance):
        at = ("sanctions_guidance", index)
        if row.code in codes:
            fail(f"a second guidance row called {row.code!r}", *at, "code")
        codes.add(row.code)
        for end in ("lowest", "highest"):
            if getattr(row, end) not in sanctions:
                fail(f"unknown sanction {getattr(row, end)!r}", *at, end)
        if sanctions.index(row.lowest) > sanctions.index(row.highest):
            fail("the lowest sanction is more severe than the highest", *at)
        for number, category in enumerate(row.categories):
            if category not in rulebook.categories:
                fail(f"unknown category {category!r}", *at, "categories", number)
    training = rulebook.training
    for number, subject in enumerate(training.always):
        if subject not in training.subjects:
            fail(f"unknown training subject {subject!r}", "training", "always", number)
    for category, subject in training.by_category.items():
        if category not in rulebook.categories:
            fail(f"unknown category {category!r}", "training", "by_category", category)
        if subject not in training.subjects:
            fail(f"unknown training subject {subject!r}", "training", "by_category", category)
    for number, role in enumerate(training.deciding_roles):
        if role not in roles:
            fail(f"unknown role {role!r}", "training", "deciding_roles", number)
    panels = rulebook.panels
    if panels.chair_subject and panels.chair_subject not in training.subjects:
        fail(f"unknown training subject {panels.chair_subject!r}", "panels", "chair_subject")
    for number, category in enumerate(panels.ethnic_minority_member_categories):
        if category not in rulebook.categories:
            fail(
                f"unknown category {category!r}",
                "panels",
                "ethnic_minority_member_categories",
                number,
            )
    balance = panels.gender_balance
    if balance.min_women > min(panels.size, panels.appeal_size):
        fail("more women are required than a panel has members", "panels", "gender_balance")
    for number, kind in enumerate(rulebook.committee.decides):
        if kind not in rulebook.decisions and kind != "panel_appointment":
            fail(f"unknown decision {kind!r}", "committee", "decides", number)


def _check_transition(
    rulebook: Rulebook,
    index: int,
    transition: Any,
    roles: set[str],
    seen: set[tuple[str, str]],
    fail: Any,
) -> None:
    at = ("transitions", index)
    if transition.from_stage not in rulebook.stages:
        fail(f"unknown stage {transition.from_stage!r}", *at, "from")
    if transition.to not in rulebook.stages:
        fail(f"unknown stage {transition.to!r}", *at, "to")
    if rulebook.is_final(transition.from_stage):
        fail("a final stage has no way out", *at, "from")
    pair = (transition.from_stage, transition.to)
    if pair in seen:
        fail(f"a second transition from {pair[0]!r} to {pair[1]!r}", *at)
    seen.add(pair)
    for number, role in enumerate(transition.by):
        if role not in roles | {SYSTEM_ROLE}:
            fail(f"unknown role {role!r}", *at, "by", number)
    for number, notice in enumerate(transition.notices):
        if notice not in rulebook.notices:
            fail(f"unknown notice {notice!r}", *at, "notices", number)
    if rulebook.is_final(transition.to) and not transition.outcome:
        fail("a transition to a final stage must say its outcome", *at)
    for number, guard in enumerate(transition.guards):
        spec = GUARDS.get(guard.name)
        if spec is None:
            fail(f"unknown guard {guard.name!r}", *at, "guards", number)
            return
        problem = spec.check_args(rulebook, guard.args)
        if problem:
            fail(problem, *at, "guards", number)


def _check_every_stage_can_end(rulebook: Rulebook, fail: Any) -> None:
    finals = {code for code, stage in rulebook.stages.items() if stage.final}
    reaches_end = set(finals)
    changed = True
    while changed:
        changed = False
        for transition in rulebook.transitions:
            if transition.to in reaches_end and transition.from_stage not in reaches_end:
                reaches_end.add(transition.from_stage)
                changed = True
    for code in rulebook.stages:
        if code not in reaches_end:
            fail(
                "no sequence of transitions leads from this stage to a final stage", "stages", code
            )


def read_rulebook_file(path: str) -> tuple[str, Rulebook]:
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    return source, parse_rulebook(source)
