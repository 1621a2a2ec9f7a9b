"""Files for the evidence tests: real ones, made here, each small."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from redress.evidence.models import ChatMessage, EvidenceItem, StoredFile


def jpeg_with_location(width: int = 40, height: int = 30) -> bytes:
    """A JPEG whose EXIF says where it was taken and on which phone."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(width: int = 20, height: int = 10) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` by `height` pixels."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat_body = zlib.compress(b"\x00" * 16)
    idat = b"IDAT" + idat_body
    idat_chunk = struct.pack(">I", len(idat_body)) + idat + struct.pack(">I", zlib.crc32(idat))
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat_chunk + iend


def pdf(*, author: str = "", javascript: bool = False, escaped: bool = False) -> bytes:
    """A one-page PDF, with an author in its metadata and, if asked, a JavaScript open action;
    `escaped` writes its names in #-escapes (`/J#61vaScript`), which a search of the raw bytes
    misses and a PDF reader still runs."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if author:
        writer.add_metadata({"/Author": author, "/Title": "Minutes"})
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1)"),
            }
        )
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    if escaped:
        data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    return data


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def zip_bomb(inflated: int = 100 * 1024 * 1024) -> bytes:
    """A ZIP of a few hundred kilobytes that inflates to `inflated` bytes of zeros."""
    out = io.BytesIO()
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(inflated // len(block)):
            member.write(block)
    return out.getvalue()


def nothing_left(root: Path) -> bool:
    """No stored file, no evidence row, no chat message: what a refusal must leave."""
    files = [p for p in (root / "sha256").rglob("*") if p.is_file()] if root.exists() else []
    temporary = [p for p in (root / "tmp").rglob("*") if p.is_file()] if root.exists() else []
    return (
        not files
        and not temporary
        and not StoredFile.objects.exists()
        and not EvidenceItem.objects.exists()
        and not ChatMessage.objects.exists()
    )
