"""Rendering notices: the organisation's own template if it has one, Redress's default if not.

Both are rendered in a sandbox: an engine that knows only Django's harmless tags and filters (no
`include`, `extends`, `load`, `debug`) over plain data (read-only mappings, tuples, strings and
dates; never a model, so a template cannot walk from the case to the complainant's name). A
template is checked when it is saved: it must render, and must still say what the rulebook
requires a notice of its kind to say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import select_template
from django.utils import timezone

from redress.audit.services import record_event
from redress.people.models import Organisation, User
from redress.portal.models import NoticeTemplate
from redress.rulebook.selectors import current_version, parsed

MAX_TEMPLATE_CHARS = 20_000
MAX_NOTICE_CHARS = 100_000
SUBJECT_CHARS = 300
CONFIDENTIAL_PLACEHOLDER = "[the complainant]"


class NoticeTemplateError(ValueError):
    """A notice template that cannot be used, with a reason its author can act on."""


class SandboxEngine(Engine):
    default_builtins = ["redress.portal.sandbox_library"]


ENGINE = SandboxEngine(autoescape=False, string_if_invalid="", loaders=[])


def frozen(value: Any) -> Any:
    """Plain data only: mappings become read-only, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        return value
    raise TypeError(f"a notice template is given plain data, not {type(value).__name__}")


def render_text(source: str, context: Mapping[str, Any]) -> str:
    """Render one template source in the sandbox. Raises NoticeTemplateError."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise NoticeTemplateError(f"a template is at most {MAX_TEMPLATE_CHARS} characters")
    try:
        template = ENGINE.from_string(source)
        text = template.render(Context(dict(frozen(context)), autoescape=False))
    except TemplateSyntaxError as error:
        raise NoticeTemplateError(f"the template cannot be read: {_first_line(error)}") from None
    except Exception as error:  # a filter given data it cannot handle, at render time
        raise NoticeTemplateError(
            f"the template fails when filled in: {type(error).__name__}"
        ) from None
    if len(text) > MAX_NOTICE_CHARS:
        raise NoticeTemplateError("the notice the template produces is too long")
    return text


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render_notice(
    *, organisation_id: int, kind: str, context: Mapping[str, Any], hidden_names: tuple[str, ...]
) -> Rendered:
    """The notice's subject and body: from the organisation's template for `kind` if it has
    one, else from Redress's default. `hidden_names` (a confidential complainant's name and
    address, for a notice to the respondent) are replaced wherever they appear."""
    custom = NoticeTemplate.objects.filter(organisation_id=organisation_id, kind=kind).first()
    if custom is not None:
        subject = render_text(custom.subject, context)
        body = render_text(custom.body, context)
    else:
        subject, body = split_subject(render_text(default_source(kind), context))
    return Rendered(
        subject=hide_names(" ".join(subject.split()), hidden_names)[:SUBJECT_CHARS],
        body=hide_names(body.strip(), hidden_names) + "\n",
    )


def default_source(kind: str) -> str:
    """Redress's default template for `kind`: templates/cases/notices/<kind>.txt, whose first
    line is the subject, or the generic one."""
    template = select_template([f"cases/notices/{kind}.txt", "cases/notices/generic.txt"])
    source: str = template.template.source
    return source


def split_subject(text: str) -> tuple[str, str]:
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body


def hide_names(text: str, names: tuple[str, ...]) -> str:
    """`text` with each of `names` replaced by a neutral placeholder, whatever its case."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(name), CONFIDENTIAL_PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


# --- Checking a template before it is saved ---------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """Something a notice of a kind must say, and how to find it in a sample rendering."""

    what: str
    found: str  # text that appears in the sample rendering only if the template says it


SAMPLE_DAY = date(2031, 3, 14)
SAMPLE_PARTICULARS = "SAMPLE-PARTICULARS-OF-ALLEGATION"
SAMPLE_FINDING_REASONS = "SAMPLE-REASONS-FOR-THE-FINDING"
SAMPLE_SUSPENSION_REASONS = "SAMPLE-REASONS-FOR-THE-SUSPENSION"
SAMPLE_PANELLIST = "SAMPLE-PANEL-MEMBER"
SAMPLE_PLACE = "SAMPLE-HEARING-PLACE"
SAMPLE_APPEAL_REASONS = "SAMPLE-REASONS-FOR-THE-APPEAL-OUTCOME"

REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    "investigation": (
        Requirement("the particulars of each allegation", SAMPLE_PARTICULARS),
        Requirement("the date the response is due ({{ respond_by }})", "2031"),
    ),
    "suspension": (
        Requirement("the reasons for the suspension", SAMPLE_SUSPENSION_REASONS),
        Requirement("its review date ({{ suspension.review_due_on }})", "2031"),
        Requirement("that it is not a sanction", "not a sanction"),
        Requirement("how to challenge it", "challenge"),
    ),
    "hearing": (
        Requirement("where the hearing is", SAMPLE_PLACE),
        Requirement("the hearing's date ({{ hearing.starts_at }})", "2031"),
        Requirement("the panel's names", SAMPLE_PANELLIST),
        Requirement("the right to be accompanied", "accompan"),
    ),
    "decision": (
        Requirement("the reasons for each finding", SAMPLE_FINDING_REASONS),
        Requirement("how to appeal", "appeal"),
    ),
    "appeal_outcome": (Requirement("the reasons for the outcome", SAMPLE_APPEAL_REASONS),),
}


def check_template(kind: str, subject: str, body: str) -> None:
    """Raise NoticeTemplateError unless the template renders on a sample case and says what a
    notice of its kind must say."""
    if not subject.strip():
        raise NoticeTemplateError("a notice needs a subject")
    if not body.strip():
        raise NoticeTemplateError("a notice needs a body")
    context = sample_context(kind)
    rendered_subject = render_text(subject, context)
    if not rendered_subject.strip():
        raise NoticeTemplateError("the subject comes out empty")
    text = (rendered_subject + "\n" + render_text(body, context)).lower()
    missing = [r.what for r in REQUIREMENTS.get(kind, ()) if r.found.lower() not in text]
    if missing:
        raise NoticeTemplateError("this notice must say " + "; ".join(missing))


def sample_context(kind: str) -> dict[str, Any]:
    """A made-up case with every value a template can use, for checking templates."""
    allegation = {
        "number": 1,
        "category": "Bullying and harassment",
        "particulars": SAMPLE_PARTICULARS,
        "conduct_on": SAMPLE_DAY,
        "charged": True,
        "finding": "Upheld",
        "finding_reasons": SAMPLE_FINDING_REASONS,
        "sanction": "Formal warning",
        "sanction_reasons": "Sample reasons for the sanction.",
        "definition": "The organisation's code of conduct (version 1)",
    }
    return {
        "organisation": {"name": "Sample Organisation"},
        "case": {"reference": "RD-000000", "stage": "Investigation"},
        "kind": kind,
        "label": kind.replace("_", " ").capitalize(),
        "party": "respondent",
        "stage": "Investigation",
        "today": SAMPLE_DAY,
        "recipient": {"name": "Sample Recipient"},
        "complainant": {"named": True, "name": "Sample Complainant", "confidential": False},
        "categories": ["Bullying and harassment"],
        "allegations": [allegation, allegation | {"number": 2}],
        "evidence": [{"description": "Sample evidence", "received_on": SAMPLE_DAY}],
        "respond_by": SAMPLE_DAY,
        "extension": {"max_working_days": 10, "times": 1},
        "suspension": {
            "ground": "Risk to the investigation",
            "reasons": SAMPLE_SUSPENSION_REASONS,
            "review_due_on": SAMPLE_DAY,
            "lapses_on": SAMPLE_DAY,
            "review_every_working_days": 20,
        },
        "hearing": {"starts_at": datetime(2031, 3, 14, 10, 0), "place": SAMPLE_PLACE},
        "panel": [SAMPLE_PANELLIST, "Second Panel Member", "Third Panel Member"],
        "decisions": [
            {
                "kind": "appeal_outcome",
                "label": "Appeal outcome",
                "outcome": "Varied",
                "reasons": SAMPLE_APPEAL_REASONS,
            }
        ],
        "appeal_outcome": {"outcome": "Varied", "reasons": SAMPLE_APPEAL_REASONS},
        "appeal_window_closes_on": SAMPLE_DAY,
        "deadlines": [{"kind": "response", "label": "Respondent's response", "due_on": SAMPLE_DAY}],
    }


# --- Saving an organisation's templates -------------------------------------------------------


def known_kinds(organisation_id: int) -> list[str]:
    """The notice kinds of the organisation's current rulebook."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return list(parsed(current_version(organisation)).notices)


def save_template(
    organisation_id: int, *, kind: str, subject: str, body: str, actor: User | None
) -> NoticeTemplate:
    """Store the organisation's own template for `kind`, after checking it. Audited."""
    if kind not in known_kinds(organisation_id):
        raise NoticeTemplateError(f"the rulebook has no notice called {kind!r}")
    if len(subject) > SUBJECT_CHARS:
        raise NoticeTemplateError(f"a subject is at most {SUBJECT_CHARS} characters")
    check_template(kind, subject, body)
    with transaction.atomic():
        template, created = NoticeTemplate.objects.update_or_create(
            organisation_id=organisation_id,
            kind=kind,
            defaults={
                "subject": subject.strip(),
                "body": body,
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
        record_event(
            organisation=organisation_id,
            actor=actor,
            action="notice_template.saved",
            target=template,
            data={"kind": kind, "created": created, "subject": subject.strip(), "body": body},
        )
    return template


def reset_template(organisation_id: int, *, kind: str, actor: User | None) -> bool:
    """Go back to Redress's default for `kind`. Audited. False if there was no override."""
    with transaction.atomic():
        template = NoticeTemplate.objects.filter(organisation_id=organisation_id, kind=kind).first()
        if template is None:
            return False
        record_event(
            organisation=organisation_id,
            actor=actor,
            action="notice_template.reset",
            target=template,
            data={"kind": kind},
        )
        template.delete()
    return True
