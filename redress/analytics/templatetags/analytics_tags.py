"""Small lookups the analytics templates need: a dict's value by key, a list's item by index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def index(items: Sequence[Any], position: int) -> Any:
    return items[position] if 0 <= position < len(items) else None
