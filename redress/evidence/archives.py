"""ZIP files read defensively: a chat export, a Word or OpenDocument file, or a bundle of
screenshots may be a ZIP, and so may an archive bomb (a few kilobytes that inflate to gigabytes)
or an archive whose member names climb out of the folder they are unpacked into.

Sizes are counted while inflating, never taken from the archive's own directory, which a hostile
archive can fill with any numbers it likes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

CHUNK = 1024 * 1024


class ArchiveRefused(ValueError):
    """An archive that cannot be accepted, with the reason."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 10_000
    max_inflated_bytes: int = 512 * 1024 * 1024
    # An export of text and photos compresses a few times over; a thousand times is a bomb.
    max_ratio: int = 200


def safe_members(data: bytes, limits: ArchiveLimits | None = None) -> dict[str, bytes]:
    """Every file in the ZIP `data` by its name, after the checks of `inspect`."""
    members: dict[str, bytes] = {}
    for name, body in _inflate(data, limits or ArchiveLimits(), keep=True):
        members[name] = body
    return members


def inspect(data: bytes, limits: ArchiveLimits | None = None) -> int:
    """The number of files in the ZIP `data`, or ArchiveRefused if it is damaged, encrypted,
    holds a name with a path trick, or inflates past the limits."""
    return sum(1 for _ in _inflate(data, limits or ArchiveLimits(), keep=False))


def _inflate(data: bytes, limits: ArchiveLimits, *, keep: bool) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveRefused("the ZIP file is damaged and cannot be opened") from None
    if len(entries) > limits.max_members:
        raise ArchiveRefused(f"the ZIP file holds more than {limits.max_members:,} files")
    budget = min(limits.max_inflated_bytes, max(len(data), 1) * limits.max_ratio)
    inflated = 0
    found: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for entry in entries:
        check_member_name(entry.filename)
        if entry.flag_bits & 0x1:
            raise ArchiveRefused("the ZIP file is encrypted, so its contents cannot be checked")
        if entry.is_dir():
            continue
        if entry.filename in seen:
            raise ArchiveRefused("the ZIP file holds two files of the same name")
        seen.add(entry.filename)
        parts: list[bytes] = []
        try:
            with archive.open(entry) as member:
                while chunk := member.read(CHUNK):
                    inflated += len(chunk)
                    if inflated > budget:
                        raise ArchiveRefused(
                            "the ZIP file inflates to far more than its size (an archive bomb)"
                        )
                    if keep:
                        parts.append(chunk)
        except ArchiveRefused:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise ArchiveRefused("the ZIP file is damaged and cannot be read") from None
        found.append((entry.filename, b"".join(parts)))
    return found


def check_member_name(name: str) -> None:
    """Refuse names that would land outside the folder they are unpacked into, or hide what they
    are: absolute paths, `..`, drive letters, backslashes, control and direction characters."""
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in name.split("/"))
        or any(ord(c) < 32 or c in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068" for c in name)
    ):
        raise ArchiveRefused("the ZIP file holds a file whose name points outside the archive")
