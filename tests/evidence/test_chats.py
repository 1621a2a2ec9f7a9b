"""Reading chat exports: WhatsApp's layouts, Telegram and CSV, checked message by message on
small exports and by count, senders, multi-line texts and notices on 100,000-message ones."""

from __future__ import annotations

import json

import pytest

from redress.evidence import chats
from redress.evidence.chats import ChatUnreadable, read_chat
from redress.evidence.synthetic import LAYOUTS, whatsapp_export
from tests.evidence.helpers import zip_of


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_100000_message_export_of_each_layout_reads_right(layout):
    export = whatsapp_export(layout, 100_000, seed=7)

    chat = read_chat(export.text.encode())

    assert len(chat.messages) == export.count
    assert set(chat.senders()) == export.senders
    assert sum(1 for m in chat.messages if m.kind == "system") == export.system
    multiline = {i: m.text for i, m in enumerate(chat.messages) if "\n" in m.text}
    assert multiline == export.multiline_texts
    assert [m.attachment for m in chat.messages if m.attachment] == export.attachments
    assert chat.format == ("whatsapp-ios" if layout.startswith("ios") else "whatsapp-android")
    timestamps = [m.timestamp for m in chat.messages]
    assert timestamps == sorted(timestamps), "the export runs forwards in time"


ANDROID_12H = """\
1/20/23, 9:05 pm - Messages and calls are end-to-end encrypted. Tap to learn more.
1/20/23, 9:06 pm - Ada added Rex
1/20/23, 9:07 pm - Rex: first line
second line: with a colon

third after a blank
1/20/23, 12:00 am - Rex: <Media omitted>
1/21/23, 12:30 pm - Ada: This message was deleted
1/21/23, 12:31 pm - Ada: \u200eIMG-20230121-WA0001.jpg (file attached)
a caption
1/21/23, 12:32 pm - \u202a+44 7700 900123\u202c: hello \u200f\u05e9\u05dc\u05d5\u05dd\u200f
1/21/23, 12:33 pm - Ada changed the subject from "Branch" to "Branch: AGM"
1/21/23, 12:34 pm - Rex left
"""


def test_android_twelve_hour_month_first_message_by_message():
    chat = read_chat(ANDROID_12H.encode())
    rows = [m.as_json() for m in chat.messages]
    assert chat.date_order == "month-first"
    assert rows[0]["kind"] == "system" and rows[0]["sender"] is None
    assert rows[1] == {
        "timestamp": "2023-01-20T21:06:00",
        "sender": None,
        "text": "Ada added Rex",
        "kind": "system",
    }
    assert rows[2]["text"] == "first line\nsecond line: with a colon\n\nthird after a blank"
    assert rows[3]["timestamp"] == "2023-01-20T00:00:00" and rows[3]["kind"] == "system"
    assert rows[4] == {
        "timestamp": "2023-01-21T12:30:00",
        "sender": "Ada",
        "text": "This message was deleted",
        "kind": "system",
    }
    assert rows[5]["attachment"] == "IMG-20230121-WA0001.jpg"
    assert rows[5]["text"].endswith("a caption") and rows[5]["kind"] == "message"
    assert rows[6]["sender"] == "+44 7700 900123"
    assert rows[6]["text"] == "hello \u05e9\u05dc\u05d5\u05dd"
    assert rows[7]["kind"] == "system" and rows[7]["sender"] is None
    assert rows[8]["text"] == "Rex left"
    assert len(rows) == 9


IOS_24H = """\
\u200e[13/02/2024, 08:00:01] Branch chat: \u200eMessages and calls are end-to-end encrypted.
[13/02/2024, 08:01:02] Ada Lovelace: Morning
\u200e[13/02/2024, 08:02:03] Rex: \u200e<attached: 00000003-PHOTO-2024-02-13-08-02-03.jpg>
\u200e[13/02/2024, 08:03:04] Rex: \u200eimage omitted
[13/02/2024, 08:04:05] Branch chat: \u200eRex removed Ada Lovelace
"""


def test_ios_twenty_four_hour_day_first_message_by_message():
    chat = read_chat(IOS_24H.encode())
    rows = [m.as_json() for m in chat.messages]
    assert chat.format == "whatsapp-ios" and chat.date_order == "day-first"
    assert [r["kind"] for r in rows] == ["system", "message", "message", "system", "system"]
    assert rows[1]["timestamp"] == "2024-02-13T08:01:02"
    assert rows[2]["attachment"] == "00000003-PHOTO-2024-02-13-08-02-03.jpg"
    assert rows[3]["sender"] == "Rex" and rows[3]["text"] == "image omitted"
    assert rows[4]["sender"] is None and rows[4]["text"] == "Rex removed Ada Lovelace"


def test_the_date_order_is_decided_from_the_whole_file_not_line_by_line():
    # Every line but the last could be either order; the last (day 13) settles it for all.
    lines = [f"0{d}/0{m}/2023, 10:00 - Ada: hi" for d, m in ((1, 2), (2, 3), (3, 4))]
    lines.append("13/04/2023, 10:00 - Ada: settles it")
    chat = read_chat(("\n".join(lines) + "\n").encode())
    assert chat.date_order == "day-first"
    assert chat.messages[0].timestamp == "2023-02-01T10:00:00"


def test_an_ambiguous_file_is_read_in_the_order_that_runs_forwards():
    lines = [
        "01/02/2023, 10:00 - Ada: a",
        "01/03/2023, 10:00 - Ada: b",
        "02/03/2023, 10:00 - Ada: c",
    ]
    # Month-first: Jan 2, Jan 3, Feb 3 (forwards). Day-first: 1 Feb, 1 Mar, 2 Mar (also
    # forwards); both run forwards, so the common reading, day-first, wins.
    assert read_chat("\n".join(lines).encode()).date_order == "day-first"
    # Day-first: 1 Feb then 2 Jan (backwards); month-first: 2 Jan then 1 Feb (forwards).
    backwards_if_day_first = ["01/02/2023, 10:00 - Ada: a", "02/01/2023, 10:00 - Ada: b"]
    chat = read_chat("\n".join(backwards_if_day_first).encode())
    assert chat.date_order == "month-first"
    assert chat.messages[1].timestamp == "2023-02-01T10:00:00"


def test_dates_with_dots_and_a_narrow_space_before_pm():
    chat = read_chat("[20.01.23, 9:15:00\u202fPM] Ada: dots\n".encode())
    assert chat.messages[0].timestamp == "2023-01-20T21:15:00"


def test_windows_line_endings_and_a_byte_order_mark():
    text = "\ufeff20/01/2023, 10:00 - Ada: one\r\ntwo\r\n20/01/2023, 10:01 - Rex: three\r\n"
    chat = read_chat(text.encode())
    assert [m.text for m in chat.messages] == ["one\ntwo", "three"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "no WhatsApp message lines"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not text"),
        (b"Dear panel,\n20/01/2023, 10:00 - Ada: hi\n", "line 1 is not"),
        (b"13/13/2023, 10:00 - Ada: hi\n", "neither day-first nor month-first"),
        (b"31/02/2023, 10:00 - Ada: hi\n", "line 1 has a date that does not exist"),
        (b"20/01/2023, 13:00 pm - Ada: hi\n", "time that does not exist"),
        (b'{"name": "x"}', "not a Telegram chat export"),
        (b"timestamp,sender,text\nyesterday,Ada,hi\n", "line 2 of the CSV"),
        (zip_of({"a.jpg": b"x"}), "no chat text file"),
        (zip_of({"../_chat.txt": b"x"}), "outside the archive"),
    ],
)
def test_a_file_that_is_not_a_readable_chat_says_why(data, says):
    with pytest.raises(ChatUnreadable, match=says):
        read_chat(data)


def test_a_zip_export_matches_attachments_to_its_files():
    export = whatsapp_export("android-24h", 300)
    missing = export.attachments[0]
    archive = zip_of(
        {
            "WhatsApp Chat with Branch.txt": export.text.encode(),
            **{name: b"jpeg" for name in export.attachments[1:]},
        }
    )
    chat = read_chat(archive)
    assert len(chat.messages) == 300
    assert chat.missing_attachments() == [missing]
    assert set(chat.files) == set(export.attachments[1:])


TELEGRAM = {
    "name": "Branch",
    "type": "private_group",
    "messages": [
        {"id": 1, "type": "service", "date": "2024-03-01T09:00:00", "actor": "Ada",
         "action": "invite_members", "members": ["Rex"]},
        {"id": 2, "type": "message", "date": "2024-03-01T09:01:00", "from": "Rex",
         "text": ["see ", {"type": "link", "text": "https://example.org"}, " now"]},
        {"id": 3, "type": "message", "date": "2024-03-01T09:02:00", "from": "Ada",
         "text": "", "photo": "photos/photo_1.jpg"},
    ],
}  # fmt: skip


def test_telegram_json():
    chat = read_chat(json.dumps(TELEGRAM).encode())
    rows = [m.as_json() for m in chat.messages]
    assert rows[0] == {
        "timestamp": "2024-03-01T09:00:00",
        "sender": None,
        "text": "Ada invite members Rex",
        "kind": "system",
    }
    assert rows[1]["text"] == "see https://example.org now" and rows[1]["sender"] == "Rex"
    assert rows[2]["attachment"] == "photo_1.jpg"


def test_plain_csv():
    data = 'timestamp,sender,text\n2024-03-01T09:00:00,Ada,"two\nlines"\n2024-03-01 09:01,Rex,hi\n'
    rows = [m.as_json() for m in read_chat(data.encode(), name="chat.csv").messages]
    assert rows == [
        {
            "timestamp": "2024-03-01T09:00:00",
            "sender": "Ada",
            "text": "two\nlines",
            "kind": "message",
        },
        {"timestamp": "2024-03-01T09:01:00", "sender": "Rex", "text": "hi", "kind": "message"},
    ]


def test_json_lines_are_one_object_a_line():
    chat = read_chat(ANDROID_12H.encode())
    lines = chats.json_lines(chat.messages).decode().splitlines()
    assert len(lines) == len(chat.messages)
    assert json.loads(lines[2])["text"].count("\n") == 3
