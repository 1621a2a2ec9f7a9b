"""`{% complainant_concentration case %}`: the concentration panel of a case page at triage."""

from __future__ import annotations

from typing import Any

from django import template

from redress.cases.concentration import complainant_concentration
from redress.cases.models import Case

register = template.Library()

# The panel helps the officer assess a complaint; past triage it would only invite hindsight.
SHOWN_AT = ("received", "triage")


@register.inclusion_tag("cases/_concentration.html", takes_context=True)
def complainant_concentration_panel(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or case.stage not in SHOWN_AT:
        return {"concentration": None}
    return {"concentration": complainant_concentration(user, case), "case": case}
