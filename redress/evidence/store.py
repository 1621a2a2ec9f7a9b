"""The files on disk: each kept once under its SHA-256 in `REDRESS_EVIDENCE_ROOT`, written whole
or not at all, and never changed afterwards.

    sha256/ab/cd/abcd…   a file, named by the hash of its bytes, read-only
    held/<random>        a held report's file, encrypted (its hash would say what it is)
    tmp/                 files being written; an interrupted write leaves only debris here

A write goes to a temporary file in the same folder tree, is flushed to the disk (fsync), and is
then renamed into place, which is atomic: a reader sees the whole file or none. Everything the
store needs is under the one root, so backing up that folder and the database is enough.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024
READ_ONLY = 0o440


class StoreError(OSError):
    """The store could not be written or read."""


def root() -> Path:
    return Path(settings.REDRESS_EVIDENCE_ROOT)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_of(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise StoreError("not a SHA-256 in hexadecimal")
    return root() / "sha256" / sha256[:2] / sha256[2:4] / sha256


def put(data: bytes) -> tuple[str, bool]:
    """Keep `data` under its SHA-256; the hash, and whether this call wrote the file (False when
    it was already there)."""
    sha256 = sha256_of(data)
    target = path_of(sha256)
    if target.exists():
        return sha256, False
    _write_atomically(target, data)
    return sha256, True


def discard(sha256: str) -> None:
    """Remove a file this process has just written for an upload that then failed."""
    path_of(sha256).unlink(missing_ok=True)


def read(sha256: str) -> bytes:
    try:
        return path_of(sha256).read_bytes()
    except FileNotFoundError:
        raise StoreError("the file is missing from the evidence store") from None


def rehash(sha256: str) -> str | None:
    """The SHA-256 of the bytes now on disk under `sha256`, or None if the file is missing."""
    digest = hashlib.sha256()
    try:
        with path_of(sha256).open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def on_disk() -> Iterator[str]:
    """The hash names of every file in the content-addressed part of the store."""
    base = root() / "sha256"
    if not base.exists():
        return
    for path in sorted(base.glob("*/*/*")):
        if path.is_file():
            yield path.name


# --- Held (encrypted) files --------------------------------------------------------------------


def put_held(sealed: bytes) -> str:
    """Keep an encrypted file under a random name; the name to read it by."""
    name = f"held/{uuid.uuid4().hex}"
    _write_atomically(root() / name, sealed)
    return name


def read_held(name: str) -> bytes:
    return _held_path(name).read_bytes()


def discard_held(name: str) -> None:
    _held_path(name).unlink(missing_ok=True)


def _held_path(name: str) -> Path:
    folder, _, leaf = name.partition("/")
    if folder != "held" or not leaf or not all(c in "0123456789abcdef" for c in leaf):
        raise StoreError("not the name of a held file")
    return root() / "held" / leaf


def _write_atomically(target: Path, data: bytes) -> None:
    temporary_folder = root() / "tmp"
    temporary_folder.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_folder / f"{uuid.uuid4().hex}.part"
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(READ_ONLY)
        os.replace(temporary, target)
        _sync_folder(target.parent)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"the evidence store could not be written ({error.strerror})") from None


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
