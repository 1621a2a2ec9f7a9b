"""Publishing a quarter's statistics: draft the tables, withhold what could identify anyone,
check the result against every earlier release, and store it for good with the audit head."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.audit.selectors import chain_head
from redress.audit.services import record_event, seal_pending
from redress.people.models import Organisation, User
from redress.transparency import selectors
from redress.transparency.cells import CountSpec, atoms_of, linked
from redress.transparency.disclosure import (
    Cell,
    EarlierCell,
    Protection,
    Rule,
    Unprotectable,
    exposures,
    protect,
)
from redress.transparency.models import Release
from redress.transparency.tables import (
    BadPeriod,
    CountCell,
    Draft,
    Quarter,
    Statistic,
    Table,
    draft_release,
)

RULE = Rule()
WITHHELD = "withheld"


class ReleaseRefused(ValueError):
    """The release cannot be published; nothing was stored."""


@dataclass(frozen=True)
class _Earlier:
    cell: Cell
    published: bool
    small: bool
    spec: CountSpec


def publish_release(
    *, organisation: Organisation, period: str, actor: User | None = None, today: date | None = None
) -> Release:
    """Publish the statistics of the quarter `period` (2026Q3), once the quarter is over.

    Refused, with the reason and nothing stored, if the quarter has not ended, it was already
    published, or a small count could be worked out whatever is withheld (the cell is named).
    """
    try:
        quarter = Quarter.parse(period)
    except BadPeriod as error:
        raise ReleaseRefused(str(error)) from None
    today = today or timezone.localdate()
    if quarter.last_day >= today:
        raise ReleaseRefused(
            f"{quarter} has not ended yet: it can be published from "
            f"{quarter.next().first_day.isoformat()}"
        )
    with transaction.atomic():
        if Release.objects.filter(organisation=organisation, period=str(quarter)).exists():
            raise ReleaseRefused(f"{quarter} has already been published")
        earlier = _earlier_cells(organisation)
        draft = draft_release(
            selectors.case_rows(organisation),
            quarter=quarter,
            vocabulary=selectors.vocabulary(organisation),
            calendar=selectors.calendar(organisation),
            unit_parents=selectors.unit_parents(organisation),
            earlier_snapshots=selectors.published_quarters(organisation),
            rule=RULE,
        )
        cells, values, earlier_cells = _as_cells(draft, earlier)
        try:
            protection = protect(cells, values, earlier=earlier_cells, rule=RULE)
        except Unprotectable as refused:
            raise ReleaseRefused(f"{quarter} is refused: {refused}") from None
        leaks = exposures(
            cells, values, withheld=protection.withheld, earlier=earlier_cells, rule=RULE
        )
        if leaks:  # protect() guarantees none; this is the check on the published form itself
            raise ReleaseRefused(f"{quarter} is refused: {leaks[0].cell.label} could be worked out")
        seal_pending(organisation.pk)
        seq, head_hash = chain_head(organisation.pk) or (0, "")
        published_at = timezone.now()
        content = _public_content(
            draft, protection, values, cells, organisation, published_at, seq, head_hash
        )
        try:
            with transaction.atomic():
                release = Release.objects.create(
                    organisation=organisation,
                    period=str(quarter),
                    published_at=published_at,
                    audit_seq=seq,
                    audit_head_hash=head_hash,
                    content=content,
                    json_text=orjson.dumps(content, option=orjson.OPT_INDENT_2).decode(),
                    csv_text=_csv(content),
                    cells=_cell_record(draft, protection),
                )
        except IntegrityError:
            raise ReleaseRefused(f"{quarter} has already been published") from None
        record_event(
            organisation=organisation,
            actor=actor,
            action="transparency.release_published",
            target=release,
            data={
                "period": str(quarter),
                "audit_seq": seq,
                "audit_head_hash": head_hash,
                "withheld": len(protection.withheld),
            },
        )
    return release


def _earlier_cells(organisation: Organisation) -> list[_Earlier]:
    found = []
    for release in Release.objects.filter(organisation=organisation).order_by("period"):
        for item in release.cells:
            spec = CountSpec.from_json(item["spec"])
            cell = Cell(item["key"], item["label"], frozenset(), bool(item["margin"]))
            found.append(_Earlier(cell, bool(item["published"]), bool(item["small"]), spec))
    return found


def _as_cells(
    draft: Draft, earlier: Sequence[_Earlier]
) -> tuple[list[Cell], dict[object, int], list[EarlierCell]]:
    mine = [c.spec for c in draft.counts.values()]
    earlier = [earlier[i] for i in linked(mine, [e.spec for e in earlier])]
    specs = mine + [e.spec for e in earlier]
    atoms = atoms_of(specs, draft.records)
    cells = [
        Cell(c.key, c.label, atoms.of_spec[c.spec], c.margin, c.headline)
        for c in draft.counts.values()
    ]
    earlier_cells = [
        EarlierCell(
            Cell(e.cell.key, e.cell.label, atoms.of_spec[e.spec], e.cell.margin),
            published=e.published,
            small=e.small,
        )
        for e in earlier
    ]
    return cells, atoms.values, earlier_cells


def _cell_record(draft: Draft, protection: Protection) -> list[dict[str, Any]]:
    return [
        {
            "key": cell.key,
            "label": cell.label,
            "margin": cell.margin,
            "spec": cell.spec.as_json(),
            "published": cell.key not in protection.withheld,
            "small": cell.key in protection.primary,
        }
        for cell in draft.counts.values()
    ]


def _public_content(
    draft: Draft,
    protection: Protection,
    values: dict[object, int],
    cells: Sequence[Cell],
    organisation: Organisation,
    published_at: Any,
    seq: int,
    head_hash: str,
) -> dict[str, Any]:
    figures = {c.key: sum(values.get(a, 0) for a in c.atoms) for c in cells}
    shown = {k: v for k, v in figures.items() if k not in protection.withheld}
    return {
        "organisation": organisation.name,
        "period": str(draft.quarter),
        "from": draft.quarter.first_day.isoformat(),
        "to": draft.quarter.last_day.isoformat(),
        "published_at": published_at.isoformat(),
        "audit_head": {"seq": seq, "hash": head_hash},
        "withheld_counts": (
            f"Counts from 1 to {RULE.threshold - 1} are withheld, and so are other cells "
            "where they would let a withheld count be worked out. A withheld cell is null."
        ),
        "tables": [_public_table(t, shown) for t in draft.tables],
    }


def _public_table(table: Table, shown: dict[str, int]) -> dict[str, Any]:
    return {
        "id": table.code,
        "title": table.title,
        "note": table.note,
        "columns": table.columns,
        "rows": [
            {
                "label": row.label,
                "total": row.total,
                "values": [_public_value(slot, shown) for slot in row.slots],
            }
            for row in table.rows
        ],
    }


def _public_value(slot: CountCell | Statistic | None, shown: dict[str, int]) -> Any:
    if slot is None:
        return "n/a"
    if isinstance(slot, CountCell):
        return shown.get(slot.key)
    if slot.kind == "target":
        return int(slot.value) if slot.value is not None else "n/a"
    bases = [shown.get(k) for k in slot.rests_on]
    if any(b is None for b in bases):
        return None  # a count it rests on is withheld
    base = sum(b for b in bases if b is not None)
    if base == 0 or slot.value is None:
        return "n/a"  # nothing to take a median or a share of
    if base < RULE.threshold:
        return None  # a median of a few cases says something about each of them
    if slot.kind == "share":
        return round(slot.value * 100)
    return round(slot.value, 1)


def _csv(content: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    writer.writerow(["release", "period", "", content["period"]])
    writer.writerow(["release", "published at", "", content["published_at"]])
    writer.writerow(["release", "audit log event", "", content["audit_head"]["seq"]])
    writer.writerow(["release", "audit log head hash", "", content["audit_head"]["hash"]])
    for table in content["tables"]:
        for row in table["rows"]:
            for column, value in zip(table["columns"], row["values"], strict=True):
                writer.writerow(
                    [table["title"], row["label"], column, WITHHELD if value is None else value]
                )
    return out.getvalue()
