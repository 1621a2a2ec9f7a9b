"""The checks every uploaded file passes before anything is written, on every channel (the public
report form, the portal, the staff pages, the console).

A file is judged by its bytes, not by its name: its type is found from its first bytes (and, for
ZIP-based documents, from what the ZIP holds), and refused if its name claims another type. Then
each type has its own dangers: archives that inflate to gigabytes or name files outside
themselves, PDFs that carry JavaScript, images whose dimensions would exhaust memory when
decoded. Each refusal says what is wrong in words the person uploading can act on, and never
repeats a file name that hides characters.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from redress.evidence import archives, store

MEGABYTE = 1024 * 1024
MAX_NAME_CHARS = 200

# What a file's first bytes say it is: (signature, offset, media type).
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypheic", 4, "image/heic"),
    (b"ftypheix", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
    (b"ftypqt", 4, "video/quicktime"),
    (b"ftypM4A", 4, "audio/mp4"),
    (b"ftyp", 4, "video/mp4"),
    (b"OggS", 0, "audio/ogg"),  # WhatsApp voice notes (.opus)
    (b"ID3", 0, "audio/mpeg"),
    (b"PK\x03\x04", 0, "application/zip"),
]
# ZIP-based documents, told apart by a member only they have.
OOXML = "application/vnd.openxmlformats-officedocument"
ZIP_DOCUMENTS: list[tuple[str, str]] = [
    ("word/document.xml", f"{OOXML}.wordprocessingml.document"),
    ("xl/workbook.xml", f"{OOXML}.spreadsheetml.sheet"),
    ("ppt/presentation.xml", f"{OOXML}.presentationml.presentation"),
    ("content.xml", "application/vnd.oasis.opendocument"),
]
DESCRIPTIONS = {
    "application/pdf": "a PDF document",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "image/heic": "a HEIC photo",
    "image/heif": "a HEIF photo",
    "video/quicktime": "a QuickTime video",
    "video/mp4": "an MP4 video",
    "audio/mp4": "an M4A recording",
    "audio/ogg": "an Ogg recording",
    "audio/mpeg": "an MP3 recording",
    "application/zip": "a ZIP file",
    "text/plain": "plain text",
    ZIP_DOCUMENTS[0][1]: "a Word document",
    ZIP_DOCUMENTS[1][1]: "an Excel workbook",
    ZIP_DOCUMENTS[2][1]: "a PowerPoint presentation",
    ZIP_DOCUMENTS[3][1]: "an OpenDocument file",
}
# What a name's extension promises. An extension not listed here promises nothing.
EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    "png": frozenset({"image/png"}),
    "jpg": frozenset({"image/jpeg"}),
    "jpeg": frozenset({"image/jpeg"}),
    "gif": frozenset({"image/gif"}),
    "webp": frozenset({"image/webp"}),
    "heic": frozenset({"image/heic", "image/heif"}),
    "heif": frozenset({"image/heic", "image/heif"}),
    "mov": frozenset({"video/quicktime", "video/mp4"}),
    "mp4": frozenset({"video/mp4", "video/quicktime"}),
    "m4a": frozenset({"audio/mp4", "video/mp4"}),
    "opus": frozenset({"audio/ogg"}),
    "ogg": frozenset({"audio/ogg"}),
    "mp3": frozenset({"audio/mpeg"}),
    "zip": frozenset({"application/zip"}),
    "docx": frozenset({ZIP_DOCUMENTS[0][1]}),
    "xlsx": frozenset({ZIP_DOCUMENTS[1][1]}),
    "pptx": frozenset({ZIP_DOCUMENTS[2][1]}),
    "odt": frozenset({ZIP_DOCUMENTS[3][1]}),
    "ods": frozenset({ZIP_DOCUMENTS[3][1]}),
    "txt": frozenset({"text/plain"}),
    "csv": frozenset({"text/plain"}),
    "json": frozenset({"text/plain"}),
}
ACCEPTED_DESCRIPTION = (
    "PDF, photos (JPEG, PNG, GIF, WebP, HEIC), videos (MP4, MOV), voice notes, Word, Excel or "
    "OpenDocument documents, ZIP files (such as chat exports) and plain text"
)
IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ZIPS = frozenset({"application/zip", *(media for _, media in ZIP_DOCUMENTS)})
# Names that hide what they are: control characters, and direction overrides that make
# "invoice\u202egpj.exe" display as "invoiceexe.jpg".
_HIDDEN = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# JavaScript named anywhere in a PDF's uncompressed text (actions, name trees, forms).
_PDF_SCRIPT = re.compile(rb"/(?:JavaScript|JS)\b")
MAX_PDF_OBJECTS = 200_000


class EvidenceRefused(ValueError):
    """A file that cannot be accepted, with a reason the person uploading it can act on."""


@dataclass(frozen=True)
class Limits:
    """What an organisation accepts (see EvidencePolicy)."""

    max_bytes: int = 25 * MEGABYTE
    accepted_types: frozenset[str] = frozenset()  # empty: every type found here
    max_image_pixels: int = 60_000_000
    max_inflated_bytes: int = 256 * MEGABYTE


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, with what was found from its bytes."""

    name: str
    data: bytes
    content_type: str
    sha256: str
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)


def check_upload(name: str, data: bytes, limits: Limits) -> CheckedFile:
    """The file, checked; or EvidenceRefused, having written nothing."""
    name = check_name(name)
    if not data:
        raise EvidenceRefused(f"“{name}” is empty")
    if len(data) > limits.max_bytes:
        raise EvidenceRefused(
            f"“{name}” is larger than {_megabytes(limits.max_bytes)}, "
            "the largest file this organisation accepts"
        )
    content_type = sniff(data)
    if content_type is None:
        raise EvidenceRefused(f"“{name}” is not a type we accept. We accept {ACCEPTED_DESCRIPTION}")
    if content_type == "application/zip":
        content_type = _zip_document(data, name, limits)
    promised = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if promised is not None and content_type not in promised:
        raise EvidenceRefused(
            f"“{name}” is named as {DESCRIPTIONS[min(promised)]} but its contents are "
            f"{DESCRIPTIONS.get(content_type, content_type)}"
        )
    if limits.accepted_types and not _accepted(content_type, limits.accepted_types):
        raise EvidenceRefused(
            f"“{name}” is {DESCRIPTIONS.get(content_type, content_type)}, which this "
            "organisation does not accept"
        )
    width = height = None
    if content_type in IMAGES:
        width, height = _check_image(data, name, limits)
    elif content_type == "application/pdf":
        _check_pdf(data, name)
    return CheckedFile(
        name=name,
        data=data,
        content_type=content_type,
        sha256=store.sha256_of(data),
        width=width,
        height=height,
    )


def check_name(name: str) -> str:
    """The file's name, if it is a plain name: no folders, no `..`, nothing hidden."""
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        return "file"
    if _HIDDEN.search(name):
        raise EvidenceRefused("a file's name has hidden characters in it; rename it and try again")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise EvidenceRefused(
            "a file's name may not contain folders or “..”; rename it and try again"
        )
    if len(name) > MAX_NAME_CHARS:
        raise EvidenceRefused(f"a file's name may be at most {MAX_NAME_CHARS} characters")
    return name


def sniff(data: bytes) -> str | None:
    """The media type the bytes say, or None for bytes of no type accepted here."""
    for signature, offset, content_type in SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return content_type
    if b"\x00" not in data[:8192]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def _accepted(content_type: str, accepted: frozenset[str]) -> bool:
    return content_type in accepted or content_type.split("/")[0] + "/*" in accepted


def _zip_document(data: bytes, name: str, limits: Limits) -> str:
    """What a ZIP is (a plain archive, or a Word, Excel or OpenDocument file), after checking it
    is not a bomb and names nothing outside itself."""
    try:
        members = archives.safe_members(
            data, archives.ArchiveLimits(max_inflated_bytes=limits.max_inflated_bytes)
        )
    except archives.ArchiveRefused as error:
        raise EvidenceRefused(f"“{name}”: {error}") from None
    for member, media in ZIP_DOCUMENTS:
        if member in members:
            return media
    return "application/zip"


def _check_image(data: bytes, name: str, limits: Limits) -> tuple[int, int]:
    """The image's dimensions, read from its header before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > limits.max_image_pixels or max(width, height) > 50_000:
                    raise EvidenceRefused(
                        f"“{name}” is an image of {width:,} by {height:,} pixels, "
                        "far larger than any photo or screenshot"
                    )
                image.verify()
    except EvidenceRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRefused(
            f"“{name}” is an image far larger than any photo or screenshot"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise EvidenceRefused(f"“{name}” is a damaged image that cannot be opened") from None
    return width, height


def _check_pdf(data: bytes, name: str) -> None:
    if _PDF_SCRIPT.search(data) or _pdf_objects_have_script(data, name):
        raise EvidenceRefused(
            f"“{name}” is a PDF that contains JavaScript; print it to a new PDF and upload that"
        )


def _pdf_objects_have_script(data: bytes, name: str) -> bool:
    """Whether any object reachable from the PDF's trailer is a JavaScript action, looked at
    after decompression (a script can hide in a compressed object stream)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise EvidenceRefused(
                f"“{name}” is an encrypted PDF, so its contents cannot be checked"
            )
        pending: list[object] = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        visited = 0
        while pending:
            node = pending.pop()
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in seen:
                    continue
                seen.add(key)
                node = node.get_object()
            visited += 1
            if visited > MAX_PDF_OBJECTS:
                raise EvidenceRefused(f"“{name}” is a PDF with too many objects to check")
            if isinstance(node, DictionaryObject):
                if "/JS" in node or node.get("/S") == "/JavaScript" or "/JavaScript" in node:
                    return True
                pending.extend(node.values())
            elif isinstance(node, ArrayObject):
                pending.extend(node)
    except EvidenceRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise EvidenceRefused(f"“{name}” is a damaged PDF that cannot be checked") from None
    return False


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g} MB"
