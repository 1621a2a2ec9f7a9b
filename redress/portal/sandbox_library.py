"""The tags and filters an organisation's notice template may use: Django's own, less any that
reach beyond the data handed to the template (`include`, `extends`, `load`, `debug`, `url`,
`csrf_token`, `pprint`...). The sandbox engine loads this library instead of Django's."""

from __future__ import annotations

from django.template import Library, defaultfilters, defaulttags

ALLOWED_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "regroup",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)
REFUSED_FILTERS = frozenset({"pprint"})  # repr() of whatever it is given

register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name, _filter in defaultfilters.register.filters.items():
    if _name not in REFUSED_FILTERS:
        register.filters[_name] = _filter
