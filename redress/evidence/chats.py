"""Chat exports read into messages: WhatsApp (Android and iOS layouts, the `.txt` or the exported
ZIP), Telegram's JSON export, and a plain CSV of timestamp, sender and text.

Pure functions over bytes, with no database, so the console command, the import service and the
tests all read a chat the same way. Every message comes out with its timestamp in ISO 8601 (local
time, as the export shows it: exports carry no time zone), its sender (None for events of the
group itself), its text with Unicode direction marks removed, its kind (`message`, or `system`
for joins, leaves, deleted messages and media left out of the export) and the name of any file
attached to it.

WhatsApp writes dates in the phone's locale. Whether a date is day-first or month-first is
decided once from every date in the file (a day above 12 settles it; failing that, the order in
which the dates run forwards), never guessed line by line.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress, repeat
from operator import add, not_, or_
from typing import Any, NamedTuple

import orjson

from redress.evidence import archives

MESSAGE = "message"
SYSTEM = "system"

# Left-to-right and right-to-left marks, embeddings, overrides and isolates, and the byte-order
# mark: WhatsApp puts them around names, phone numbers and its own notices.
DIRECTION_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_WITHOUT_MARKS = str.maketrans("", "", DIRECTION_MARKS)
_MARK_PREFIXES = tuple(DIRECTION_MARKS)

# One message header at the start of a line. Android: `31/12/2023, 21:15 - `; iOS:
# `[31/12/2023, 21:15:42] `; either with a 12-hour clock (`9:15 pm`, `9:15\u202fPM`), dots or
# dashes in the date, and an optional direction mark before it.
_HEADER = re.compile(
    r"(?:\A|\n)[\u200e\u200f]?(\[?)(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}),? "
    r"(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[ \u202f\u00a0]?[AaPp]\.?[ \u202f\u00a0]?[Mm]\.?)?)"
    r"(?:\] | - )"
    # The sender: up to the first colon of the line, if a space follows it. Notices of the
    # group itself (`Ada added Rex`) have none.
    r"(?:([^\n:]{1,80}): )?"
)
_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(?:([AaPp])\.?\s*[Mm]\.?)?")

# What WhatsApp writes in place of a message it did not export or that was deleted: a system
# notice attached to the sender's name (text compared without direction marks and final stop).
_NOTICES_FROM_SENDER = frozenset(
    {
        "<Media omitted>",
        "This message was deleted",
        "You deleted this message",
        "image omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "document omitted",
        "Contact card omitted",
        "null",
    }
)
_NOTICES_FROM_SENDER = _NOTICES_FROM_SENDER | {f"{notice}." for notice in _NOTICES_FROM_SENDER}
_ANDROID_ATTACHED = " (file attached)"
_IOS_ATTACHED = re.compile(r"<attached: ([^>\n]+)>")
# A "sender" with quotes in it, or one this long, is the group's own notice that has a colon in
# it (`Ada changed the subject to "AGM: 5pm"`), not a person's name.
MAX_SENDER_CHARS = 80
MAX_CHAT_BYTES = 512 * 1024 * 1024


class ChatUnreadable(ValueError):
    """The file is not a chat export this module can read, with a reason a person can act on."""


class Message(NamedTuple):
    """One message (a tuple, because a million of them are built at a time)."""

    timestamp: str
    sender: str | None
    text: str
    kind: str
    attachment: str | None = None

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "timestamp": self.timestamp,
            "sender": self.sender,
            "text": self.text,
            "kind": self.kind,
        }
        if self.attachment is not None:
            row["attachment"] = self.attachment
        return row


@dataclass
class Chat:
    """A parsed export: its format, how its dates were read, its messages in order, and the files
    of the ZIP it came in (name to bytes), if any, that messages name as attachments."""

    format: str
    date_order: str
    messages: list[Message]
    files: dict[str, bytes] = field(default_factory=dict)

    def senders(self) -> list[str]:
        return sorted({m.sender for m in self.messages if m.sender is not None})

    def missing_attachments(self) -> list[str]:
        named = {m.attachment for m in self.messages if m.attachment is not None}
        return sorted(named - set(self.files))


def read_chat(data: bytes, *, name: str = "") -> Chat:
    """The chat in `data`: a WhatsApp `.txt` or exported ZIP, a Telegram `result.json`, or a CSV
    with timestamp, sender and text columns. ChatUnreadable says why a file is none of these."""
    if len(data) > MAX_CHAT_BYTES:
        raise ChatUnreadable("the chat export is larger than 512 MB")
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data)
    text = _decode(data)
    head = text.lstrip(DIRECTION_MARKS + " \t\r\n")[:4096]
    if head.startswith("{"):
        return read_telegram(text)
    first_line = head.split("\n", 1)[0].strip().lower()
    if name.lower().endswith(".csv") or _is_csv_header(first_line):
        return read_csv(text)
    return read_whatsapp(text)


def read_whatsapp(text: str, *, files: dict[str, bytes] | None = None) -> Chat:
    """A WhatsApp export's text (Android or iOS layout) as messages."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Splitting on the headers (each with the newline before it) leaves the text before the
    # first header, then five items a message: the iOS bracket (or nothing), date, time,
    # sender (None for the group's own notices) and the text up to the next header.
    parts = _HEADER.split(text)
    if len(parts) < 6:
        raise ChatUnreadable(
            "no WhatsApp message lines found: the file is not a WhatsApp, Telegram or CSV export"
        )
    if parts[0].translate(_WITHOUT_MARKS).strip():
        raise ChatUnreadable("line 1 is not a WhatsApp message line: the export looks damaged")
    layout = "whatsapp-ios" if parts[1] == "[" else "whatsapp-android"
    days, clocks, senders, bodies = parts[2::5], parts[3::5], parts[4::5], parts[5::5]
    order, dates = _read_dates(text, list(dict.fromkeys(days)))
    day_starts = {day: f"{iso}T" for day, iso in dates.items()}
    times = {clock: _clock(clock, text) for clock in set(clocks)}
    if bodies[-1].endswith("\n"):
        bodies[-1] = bodies[-1][:-1]
    timestamps = list(map(add, map(day_starts.__getitem__, days), map(times.__getitem__, clocks)))
    with _without_cycle_collection():
        messages = _messages(timestamps, senders, bodies)
    return Chat(format=layout, date_order=order, messages=messages, files=files or {})


def _messages(timestamps: list[str], senders: list[str | None], bodies: list[str]) -> list[Message]:
    """The messages, built column by column: a large export has a million, so every step here
    is one of Python's own loops over a whole column (map, compress), not a line of Python a
    message. Plain-text messages from a named sender are built as they are; the few others
    (direction marks, attachments, notices, no sender) are then redone by _unusual_message."""
    count = len(bodies)
    # Senders repeat: each distinct one is cleaned of direction marks once. A "sender" with
    # quotes in it is a notice of the group's own with a colon in it; None is no sender; both
    # become a stand-in that marks the message as unusual.
    clean = {s: _sender(s) for s in set(senders)}
    named = list(map(clean.__getitem__, senders))
    unusual = map(
        or_,
        map(not_, map(str.isascii, bodies)),
        map(
            or_,
            map(_NOTICES_FROM_SENDER.__contains__, bodies),
            map(
                or_,
                map(str.__contains__, bodies, repeat(_ANDROID_ATTACHED)),
                map(NO_SENDER.__eq__, named),
            ),
        ),
    )
    messages: list[Message] = list(
        map(
            _new,
            repeat(Message),
            zip(
                timestamps, named, bodies, repeat(MESSAGE, count), repeat(None, count), strict=True
            ),
        )
    )
    for at in compress(range(count), unusual):
        messages[at] = _unusual_message(timestamps[at], senders[at], bodies[at])
    return messages


def _sender(sender: str | None) -> str:
    if sender is None:
        return NO_SENDER
    if not sender.isascii():
        sender = _unmarked(sender).strip()
    if len(sender) > MAX_SENDER_CHARS or any(q in sender for q in '"“”'):
        return NO_SENDER
    return sender


NO_SENDER = "\u0080"


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a million message tuples are made: they hold only
    strings and cannot form cycles, and the collector would otherwise rescan the growing list
    again and again (most of the time it takes to build them)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _unusual_message(timestamp: str, sender: str | None, raw: str) -> Message:
    """A message with direction marks, an attachment, a notice in place of its text, or no
    sender at all."""
    if sender is not None:
        sender = _unmarked(sender).strip()
        if len(sender) > MAX_SENDER_CHARS or any(q in sender for q in '"“”'):
            # A notice of the group's own with a colon in it, not a person's message.
            return _new(Message, (timestamp, None, _unmarked(f"{sender}: {raw}"), SYSTEM, None))
    text = _unmarked(raw)
    if sender is None:
        return _new(Message, (timestamp, None, text, SYSTEM, None))
    if len(text) < 40 and text in _NOTICES_FROM_SENDER:
        return _new(Message, (timestamp, sender, text, SYSTEM, None))
    first_line = text.split("\n", 1)[0]
    if first_line.endswith(_ANDROID_ATTACHED):
        name = first_line[: -len(_ANDROID_ATTACHED)]
        return _new(Message, (timestamp, sender, text, MESSAGE, name))
    if raw.startswith(_MARK_PREFIXES):
        found = _IOS_ATTACHED.match(text)
        if found:
            return _new(Message, (timestamp, sender, text, MESSAGE, found.group(1).strip()))
        # iOS writes the group's own events under the group's name, text behind a mark.
        return _new(Message, (timestamp, None, text, SYSTEM, None))
    return _new(Message, (timestamp, sender, text, MESSAGE, None))


def _unmarked(text: str) -> str:
    return text.translate(_WITHOUT_MARKS)


_new = tuple.__new__


def _read_dates(text: str, days: list[str]) -> tuple[str, dict[str, str]]:
    """How the file writes dates (year-first, day-first or month-first), decided from all of
    them (`days`: each distinct date as written, in the order they first appear), and each date
    as ISO 8601."""
    parts: dict[str, tuple[int, int, int, bool]] = {}
    for day in days:
        found = _DATE.fullmatch(day)
        assert found is not None  # the header pattern only lets such dates through
        a, b, c = found.groups()
        parts[day] = (int(a), int(b), int(c), len(a) == 4)
    if all(year_first for _, _, _, year_first in parts.values()):
        order = "year-first"
    else:
        firsts = max(a for a, _, _, yf in parts.values() if not yf)
        seconds = max(b for _, b, _, yf in parts.values() if not yf)
        if firsts > 12 and seconds > 12:
            raise ChatUnreadable(
                "the dates in this export fit neither day-first nor month-first order"
            )
        if firsts > 12:
            order = "day-first"
        elif seconds > 12:
            order = "month-first"
        else:
            order = _order_by_sequence(list(parts.values()))
    dates: dict[str, str] = {}
    for day, (a, b, c, year_first) in parts.items():
        if year_first:
            y, m, d = a, b, c
        elif order == "month-first":
            m, d, y = a, b, c
        else:
            d, m, y = a, b, c
        if y < 100:
            y += 2000
        try:
            dates[day] = date(y, m, d).isoformat()
        except ValueError:
            raise ChatUnreadable(
                f"line {_line_of(text, day)} has a date that does not exist: {day}"
            ) from None
    return order, dates


def _line_of(text: str, written: str) -> int:
    """The line of the first header that has `written` in it (for messages about bad input)."""
    at = text.find(written)
    return text.count("\n", 0, max(at, 0)) + 1


def _order_by_sequence(parts: list[tuple[int, int, int, bool]]) -> str:
    """Day-first or month-first for a file whose every day and month are 12 or less: whichever
    reading makes the dates (in the order they first appear) run forwards more often. Day-first,
    the more common, when both do equally."""

    def backward_steps(day_first: bool) -> int:
        keys = [(c, b, a) if day_first else (c, a, b) for a, b, c, _ in parts]
        return sum(1 for earlier, later in itertools.pairwise(keys) if later < earlier)

    return "month-first" if backward_steps(False) < backward_steps(True) else "day-first"


def _clock(clock: str, text: str) -> str:
    if len(clock) == 8 and clock[2] == ":" and clock[5] == ":" and clock < "24":
        return clock  # already HH:MM:SS, as iOS writes a 24-hour clock
    found = _TIME.fullmatch(clock.replace("\u202f", " ").replace("\u00a0", " "))
    if found is None:
        line = _line_of(text, clock)
        raise ChatUnreadable(f"line {line} has a time that cannot be read: {clock}")
    hours, minutes = int(found.group(1)), int(found.group(2))
    seconds = int(found.group(3) or 0)
    meridiem = found.group(4)
    twelve_hour_ok = meridiem is None or 1 <= hours <= 12
    if meridiem is not None:
        hours = hours % 12 + (12 if meridiem in "Pp" else 0)
    if not twelve_hour_ok or hours > 23 or minutes > 59 or seconds > 59:
        line = _line_of(text, clock)
        raise ChatUnreadable(f"line {line} has a time that does not exist: {clock}")
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


# --- Telegram ----------------------------------------------------------------------------------


def read_telegram(text: str) -> Chat:
    """Telegram Desktop's JSON export of one chat (`result.json`)."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ChatUnreadable("the file looks like JSON but cannot be read as JSON") from None
    if isinstance(document, dict) and "chats" in document and "messages" not in document:
        raise ChatUnreadable("this is a Telegram export of all chats: export the one chat instead")
    if not isinstance(document, dict) or not isinstance(document.get("messages"), list):
        raise ChatUnreadable("the JSON file is not a Telegram chat export (it has no messages)")
    messages = []
    for number, item in enumerate(document["messages"], start=1):
        if not isinstance(item, dict):
            raise ChatUnreadable(f"message {number} of the Telegram export is not a message")
        messages.append(_telegram_message(item, number))
    return Chat(format="telegram", date_order="year-first", messages=messages)


def _telegram_message(item: dict[str, Any], number: int) -> Message:
    try:
        timestamp = datetime.fromisoformat(str(item["date"])).isoformat()
    except (KeyError, ValueError):
        raise ChatUnreadable(f"message {number} of the Telegram export has no date") from None
    text = _telegram_text(item.get("text", "")).translate(_WITHOUT_MARKS)
    attachment = item.get("photo") or item.get("file")
    name = str(attachment).rsplit("/", 1)[-1] if isinstance(attachment, str) else None
    if item.get("type") == "service":
        actor = item.get("actor")
        action = str(item.get("action", "event")).replace("_", " ")
        members = item.get("members") or []
        said = " ".join(
            part
            for part in [str(actor) if actor else "", action, ", ".join(map(str, members)), text]
            if part
        )
        return Message(timestamp, None, said.translate(_WITHOUT_MARKS), SYSTEM)
    sender = item.get("from")
    return Message(
        timestamp,
        str(sender).translate(_WITHOUT_MARKS) if sender else None,
        text,
        MESSAGE,
        name,
    )


def _telegram_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in value
            if isinstance(part, str | dict)
        )
    return ""


# --- CSV ---------------------------------------------------------------------------------------

CSV_COLUMNS = ("timestamp", "sender", "text")


def _is_csv_header(line: str) -> bool:
    names = [cell.strip().strip('"') for cell in line.split(",")]
    return all(column in names for column in CSV_COLUMNS)


def read_csv(text: str) -> Chat:
    """A CSV with a header row naming at least timestamp, sender and text (and optionally kind:
    message or system). Timestamps in ISO 8601."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    missing = [c for c in CSV_COLUMNS if c not in columns]
    if missing:
        raise ChatUnreadable(f"the CSV has no {', '.join(missing)} column")
    messages = []
    for row in reader:
        line = reader.line_num
        try:
            timestamp = datetime.fromisoformat(row[columns["timestamp"]].strip()).isoformat()
        except (ValueError, AttributeError):
            raise ChatUnreadable(f"line {line} of the CSV has no ISO 8601 timestamp") from None
        kind = (row.get(columns.get("kind", ""), "") or MESSAGE).strip().lower() or MESSAGE
        if kind not in (MESSAGE, SYSTEM):
            raise ChatUnreadable(f"line {line} of the CSV has kind {kind!r}: message or system")
        sender = (row[columns["sender"]] or "").translate(_WITHOUT_MARKS).strip() or None
        text_value = (row[columns["text"]] or "").translate(_WITHOUT_MARKS)
        messages.append(Message(timestamp, sender, text_value, kind))
    return Chat(format="csv", date_order="year-first", messages=messages)


# --- ZIP exports -------------------------------------------------------------------------------


def _read_zip(data: bytes) -> Chat:
    try:
        members = archives.safe_members(data)
    except archives.ArchiveRefused as error:
        raise ChatUnreadable(str(error)) from None
    texts = [name for name in members if name.lower().endswith(".txt")]
    chat_texts = [n for n in texts if n.rsplit("/", 1)[-1].startswith(("_chat", "WhatsApp Chat"))]
    chosen = chat_texts or texts
    if len(chosen) != 1:
        raise ChatUnreadable(
            "the ZIP holds no chat text file" if not chosen else "the ZIP holds more than one chat"
        )
    text = _decode(members[chosen[0]])
    files = {n.rsplit("/", 1)[-1]: body for n, body in members.items() if n != chosen[0]}
    return read_whatsapp(text, files=files)


def _decode(data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raw = data.decode("utf-16")
        else:
            raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ChatUnreadable(
            "the file is not text in UTF-8 or UTF-16 (nor a ZIP of a chat)"
        ) from None
    if "\x00" in raw[:4096]:
        raise ChatUnreadable("the file is not a text file")
    return raw


def json_lines(messages: Iterable[Message]) -> bytes:
    """Each message as one line of JSON (as `Message.as_json`, built inline for speed)."""
    dumps = orjson.dumps
    newline = orjson.OPT_APPEND_NEWLINE
    return b"".join(
        [
            dumps(
                {"timestamp": timestamp, "sender": sender, "text": text, "kind": kind}
                if attachment is None
                else {
                    "timestamp": timestamp,
                    "sender": sender,
                    "text": text,
                    "kind": kind,
                    "attachment": attachment,
                },
                option=newline,
            )
            for timestamp, sender, text, kind, attachment in messages
        ]
    )
