"""Synthetic chat exports in each layout WhatsApp writes, for the tests, the benchmark and the
demo: reproducible from a seed, with the figures a correct reader must find in them.

Nothing here is real: the names are invented and the texts are stock phrases.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta

LAYOUTS = ("android-24h", "android-12h", "ios-24h", "ios-12h")
SENDERS = (
    "Ada Lovelace",
    "Rex Respondent",
    "Sam O'Neill",
    "Bea Ng",
    "Yusuf Demir",
    "\u202a+44 7700 900123\u202c",  # WhatsApp wraps a phone number in direction marks
    "Dana Levi",
    "Mo Farah-Said",
)
PHRASES = (
    "See you at the branch meeting",
    "Has anyone read the minutes?",
    "That remark was out of order",
    "Agreed, let's raise it on Thursday",
    "I'm not comfortable with this thread",
    "Can we keep this civil please",
    "The leaflets are in the office: 4 boxes",
    "Thanks all",
    "Who is chairing?",
    "I'll send the agenda tonight",
)
EVENTS = (
    "{a} added {b}",
    "{a} left",
    "{a} removed {b}",
    "{a} joined using this group's invite link",
)


@dataclass
class Export:
    """A generated export and what it holds."""

    layout: str
    text: str
    count: int
    senders: set[str]
    multiline: int
    system: int
    attachments: list[str] = field(default_factory=list)
    multiline_texts: dict[int, str] = field(default_factory=dict)  # position -> full text

    def as_zip(self, *, with_attachments: bool = True) -> bytes:
        buffer = io.BytesIO()
        name = "_chat.txt" if self.layout.startswith("ios") else "WhatsApp Chat with Branch.txt"
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, self.text)
            if with_attachments:
                for attachment in self.attachments:
                    archive.writestr(attachment, f"photo {attachment}".encode())
        return buffer.getvalue()


def whatsapp_export(
    layout: str,
    count: int,
    *,
    seed: int = 1,
    month_first: bool | None = None,
    start: datetime = datetime(2023, 1, 20, 8, 0),
) -> Export:
    """`count` messages in `layout` (one of LAYOUTS). Twelve-hour layouts write dates month-first
    and 24-hour ones day-first, unless `month_first` says otherwise."""
    rng = random.Random(seed)
    ios = layout.startswith("ios")
    twelve = layout.endswith("12h")
    month_first = twelve if month_first is None else month_first
    lines: list[str] = []
    senders: set[str] = set()
    multiline = system = 0
    attachments: list[str] = []
    multiline_texts: dict[int, str] = {}
    when = start
    for position in range(count):
        when += timedelta(seconds=rng.randint(5, 400))
        header = _header(when, ios=ios, twelve=twelve, month_first=month_first)
        sender = SENDERS[rng.randrange(len(SENDERS))]
        roll = rng.random()
        if roll < 0.04:
            system += 1
            event = EVENTS[rng.randrange(len(EVENTS))].format(a=sender, b=SENDERS[0])
            lines.append(f"{header}Branch chat: \u200e{event}" if ios else f"{header}{event}")
            continue
        senders.add(sender.strip("\u202a\u202c"))
        if roll < 0.06:
            system += 1
            gone = "\u200eThis message was deleted." if ios else "This message was deleted"
            lines.append(f"{header}{sender}: {gone}")
        elif roll < 0.08:
            system += 1
            lines.append(f"{header}{sender}: {'‎image omitted' if ios else '<Media omitted>'}")
        elif roll < 0.10:
            name = f"{position:08d}-PHOTO-{when:%Y-%m-%d-%H-%M-%S}.jpg"
            attachments.append(name)
            said = f"\u200e<attached: {name}>" if ios else f"\u200e{name} (file attached)"
            lines.append(f"{header}{sender}: {said}")
        elif roll < 0.25:
            multiline += 1
            body = "\n".join(PHRASES[rng.randrange(len(PHRASES))] for _ in range(rng.randint(2, 4)))
            multiline_texts[position] = body
            lines.append(f"{header}{sender}: {body}")
        else:
            lines.append(f"{header}{sender}: {PHRASES[rng.randrange(len(PHRASES))]}")
    return Export(
        layout=layout,
        text="\n".join(lines) + "\n",
        count=count,
        senders=senders,
        multiline=multiline,
        system=system,
        attachments=attachments,
        multiline_texts=multiline_texts,
    )


def _header(when: datetime, *, ios: bool, twelve: bool, month_first: bool) -> str:
    first, second = (when.month, when.day) if month_first else (when.day, when.month)
    if ios:
        day = f"{first:02d}/{second:02d}/{when:%Y}"
        clock = (
            f"{(when.hour % 12) or 12}:{when:%M:%S}\u202f{'PM' if when.hour >= 12 else 'AM'}"
            if twelve
            else f"{when:%H:%M:%S}"
        )
        return f"[{day}, {clock}] "
    day = f"{first}/{second}/{when:%y}" if twelve else f"{first:02d}/{second:02d}/{when:%Y}"
    clock = (
        f"{(when.hour % 12) or 12}:{when:%M} {'pm' if when.hour >= 12 else 'am'}"
        if twelve
        else f"{when:%H:%M}"
    )
    return f"{day}, {clock} - "
