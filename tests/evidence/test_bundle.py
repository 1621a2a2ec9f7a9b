"""The hearing bundle: every part present, page numbers on every page, and the same bytes when
regenerated from the same records."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from redress.evidence import bundle, services
from redress.evidence.models import ChatMessage
from redress.evidence.services import Upload
from redress.evidence.synthetic import whatsapp_export
from tests.evidence import helpers
from tests.factories import Cast, file_case, walk_to

pytestmark = pytest.mark.django_db


def test_the_bundle_holds_every_part_and_regenerates_identically(cast: Cast):
    case = file_case(cast)
    text = whatsapp_export("ios-24h", 60, seed=5).text.replace("Thanks all", "go back home", 1)
    chat = services.add_evidence(
        case, upload=Upload("_chat.txt", text.encode()), actor=cast.officer, chat_export=True
    )
    photo = services.add_evidence(
        case, upload=Upload("shot.png", helpers.png()), actor=cast.officer, description="Post"
    )
    relied = ChatMessage.objects.get(text__contains="go back home")
    allegation = case.allegations.order_by("pk").first()
    services.rely_on_message(allegation, relied, actor=cast.officer)
    case = walk_to(case, "hearing", cast)  # on the way the respondent's reply is recorded

    first = bundle.build(case)
    second = bundle.build(case)

    assert first.pdf == second.pdf and first.sha256 == second.sha256
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(first.pdf)).pages]
    assert len(pages) == first.pages >= 5
    everything = "\n".join(pages)
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {first.pages}" in page
    assert "Index" in pages[0] or "Index" in pages[1]
    assert "1. Allegations" in everything and "4. The respondent's reply" in everything
    assert chat.file.sha256 in everything and photo.file.sha256 in everything
    assert "go back home" in everything and "RELIED ON" in everything
    assert "I deny the allegations." in everything
    assert allegation.particulars.split("\n")[0][:40] in everything
