"""Evidence files taken in by the public intake. They go through the evidence store's checks
(type from the bytes, hostile files refused: see redress.evidence.checks) and into its one
content-addressed store (redress.evidence.store), with the store's chain of custody. A held
report's files are kept there encrypted, under random names, until the report opens."""

from __future__ import annotations

import dataclasses

from redress.evidence import checks, selectors, store
from redress.evidence.checks import CheckedFile, EvidenceRefused
from redress.evidence.services import Upload
from redress.people.models import Organisation

__all__ = ["CheckedFile", "EvidenceRefused", "Upload"]

# The public form's own ceiling, below any organisation's larger limit: reports come from
# anyone, on any connection.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
ACCEPTED_DESCRIPTION = checks.ACCEPTED_DESCRIPTION


def check(upload: Upload, organisation: Organisation | int | None = None) -> CheckedFile:
    """The file with its type found from its bytes, or EvidenceRefused saying why not."""
    limits = selectors.limits_for(organisation) if organisation is not None else checks.Limits()
    limits = dataclasses.replace(limits, max_bytes=min(limits.max_bytes, MAX_FILE_BYTES))
    return checks.check_upload(upload.name, upload.data, limits)


def store_sealed(sealed: bytes) -> str:
    """Keep an encrypted file under a random name (its hash would say what it is)."""
    return store.put_held(sealed)


def read_sealed(name: str) -> bytes:
    return store.read_held(name)


def delete_sealed(name: str) -> None:
    store.discard_held(name)
