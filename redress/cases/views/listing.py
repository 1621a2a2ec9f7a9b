"""The case list: the cases the user may see, soonest deadline first, with its filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from redress.cases import selectors
from redress.cases.forms import CaseFilterForm
from redress.cases.models import Case, Category
from redress.cases.selectors import CaseFilters
from redress.cases.views.access import staff
from redress.people.models import User
from redress.rulebook.models import RulebookVersion
from redress.rulebook.schema import Rulebook
from redress.rulebook.selectors import NoRulebook, current_version, parsed

CASES_PER_PAGE = 50


@dataclass(frozen=True)
class CaseRow:
    case: Case
    stage_label: str
    categories: list[str]
    next_due: date | None
    overdue: bool


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, soonest deadline first, with the list's filters."""
    user = staff(request)
    form = CaseFilterForm(request.GET or None, stages=_stage_choices(user))
    cases = selectors.case_list(user, _filters(form))
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = _rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "rows": rows, "filter_query": query.urlencode()},
    )


def _stage_choices(user: User) -> list[tuple[str, str]]:
    if user.organisation is None:
        return []
    try:
        rulebook = parsed(current_version(user.organisation))
    except NoRulebook:
        return []
    return [(code, stage.label) for code, stage in rulebook.stages.items()]


def _filters(form: CaseFilterForm) -> CaseFilters:
    """The filters that are valid; a bad value in one is dropped rather than failing the page."""
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    return CaseFilters(
        stage=data.get("stage") or "",
        category=data.get("category") or "",
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
    )


def _rows(cases: Iterable[Case]) -> list[CaseRow]:
    cases = list(cases)
    rulebooks = _rulebooks({case.rulebook_id for case in cases})
    today = timezone.localdate()
    rows = []
    for case in cases:
        next_due: date | None = case.next_due  # type: ignore[attr-defined]  # from case_list
        categories = dict.fromkeys(a.category for a in case.allegations.all())
        rows.append(
            CaseRow(
                case=case,
                stage_label=rulebooks[case.rulebook_id].stage_label(case.stage),
                categories=[_category_label(c) for c in categories],
                next_due=next_due,
                overdue=next_due is not None and next_due < today,
            )
        )
    return rows


def _rulebooks(version_ids: set[int]) -> dict[int, Rulebook]:
    if not version_ids:
        return {}
    return {v.pk: parsed(v) for v in RulebookVersion.objects.filter(pk__in=version_ids)}


def _category_label(code: str) -> str:
    return Category(code).label if code in Category.values else code
