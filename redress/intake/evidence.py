"""Evidence files taken in by the public intake, kept minimally: type and size checked from the
bytes, SHA-256 recorded, stored by content address under REDRESS_VAR_DIR. A later evidence
store (chain of custody, chat parsing) takes over from this."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

# What a file's first bytes say it is. Phones send HEIC photos and MP4/MOV videos.
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
    (b"ftyp", 4, "video/mp4"),
    (b"PK\x03\x04", 0, "application/zip"),  # Word and OpenDocument files, chat exports
]
ACCEPTED_DESCRIPTION = (
    "PDF, photos (JPEG, PNG, GIF, WebP, HEIC), videos (MP4, MOV), Word or OpenDocument "
    "documents, ZIP files (such as chat exports) and plain text"
)


class EvidenceRefused(ValueError):
    """A file that cannot be accepted, with a reason the person uploading it can act on."""


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name as given and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    content_type: str
    sha256: str


def storage() -> Storage:
    return FileSystemStorage(location=settings.VAR_DIR / "intake-evidence")


def check(upload: Upload) -> CheckedFile:
    """The file with its type found from its bytes, or EvidenceRefused saying why not."""
    if not upload.data:
        raise EvidenceRefused(f"“{_short(upload.name)}” is empty")
    if len(upload.data) > MAX_FILE_BYTES:
        raise EvidenceRefused(f"“{_short(upload.name)}” is larger than 10 MB")
    content_type = sniff(upload.data)
    if content_type is None:
        raise EvidenceRefused(
            f"“{_short(upload.name)}” is not a type we accept. We accept {ACCEPTED_DESCRIPTION}"
        )
    return CheckedFile(
        name=_short(upload.name),
        data=upload.data,
        content_type=content_type,
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )


def sniff(data: bytes) -> str | None:
    for signature, offset, content_type in SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return content_type
    if b"\x00" not in data[:8192]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def store_plain(checked: CheckedFile) -> str:
    """Store by content address; the same file twice is stored once."""
    name = f"{checked.sha256[:2]}/{checked.sha256}"
    store = storage()
    if not store.exists(name):
        name = store.save(name, ContentFile(checked.data))
    return name


def store_sealed(sealed: bytes) -> str:
    """Store an encrypted file under a random name (its hash would say what it is)."""
    return storage().save(f"held/{uuid.uuid4().hex}", ContentFile(sealed))


def read(name: str) -> bytes:
    with storage().open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def delete(name: str) -> None:
    storage().delete(name)


def _short(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return base[:200]
