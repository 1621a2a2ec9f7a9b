"""The keyed hashes and encryption of the matching escrow, free of the ORM.

A respondent is known to the escrow only as keyed hashes of their identifiers (a normalised
name, a membership number, a handle, a register id). A held report is encrypted with a random
content key; that key is stored once per identifier, wrapped under a key derived from the
identifier and the server's escrow key. So the database alone neither says whom a held report
names nor lets anyone read it: reading it takes the escrow key *and* an identifier of the
respondent, which is what the second complainant brings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from redress.lib.names import normal_handle, normal_name, normal_number


class EscrowError(ValueError):
    """A held report could not be unwrapped with the identifier given."""


@dataclass(frozen=True)
class Identifier:
    """One normalised identifier of a respondent: kind is name, number, handle or person."""

    kind: str
    value: str

    def material(self) -> bytes:
        return f"{self.kind}\x00{self.value}".encode()


def escrow_key() -> bytes:
    """The server's escrow key: REDRESS_ESCROW_KEY, or one derived from SECRET_KEY."""
    configured: str = getattr(settings, "REDRESS_ESCROW_KEY", "")
    if configured:
        return hashlib.sha256(configured.encode()).digest()
    return hmac.new(settings.SECRET_KEY.encode(), b"redress.intake.escrow", hashlib.sha256).digest()


def keyed_hash(purpose: str, material: bytes) -> str:
    mac = hmac.new(escrow_key(), purpose.encode() + b"\x00" + material, hashlib.sha256)
    return mac.hexdigest()


def identifiers(
    *, names: list[str], numbers: list[str], handles: list[str], person_id: int | None
) -> list[Identifier]:
    """Every identifier of a respondent, normalised, without repeats or blanks."""
    found = [Identifier("name", normal_name(n)) for n in names]
    found += [Identifier("number", normal_number(n)) for n in numbers]
    found += [Identifier("handle", normal_handle(h)) for h in handles]
    if person_id is not None:
        found.append(Identifier("person", str(person_id)))
    return list(dict.fromkeys(i for i in found if i.value))


def digest(identifier: Identifier) -> str:
    """What the database keeps to match a respondent: a keyed hash, not the identifier."""
    return keyed_hash("match", identifier.material())


def reporter_digest(*, email: str = "", receipt: str = "") -> str:
    """Who reported, as a keyed hash, to tell apart a second complainant from the first one
    reporting again. An anonymous reporter is known only by their receipt."""
    if email:
        return keyed_hash("reporter", b"email\x00" + email.strip().casefold().encode())
    return keyed_hash("reporter", b"receipt\x00" + receipt.encode())


def _wrapping_key(identifier: Identifier) -> Fernet:
    raw = hmac.new(escrow_key(), b"wrap\x00" + identifier.material(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def new_content_key() -> bytes:
    return Fernet.generate_key()


def wrap(content_key: bytes, identifier: Identifier) -> bytes:
    return _wrapping_key(identifier).encrypt(content_key)


def unwrap(wrapped: bytes, identifier: Identifier) -> bytes:
    try:
        return _wrapping_key(identifier).decrypt(wrapped)
    except InvalidToken:
        raise EscrowError("that identifier does not open this held report") from None


def seal(content_key: bytes, payload: dict[str, Any]) -> bytes:
    return Fernet(content_key).encrypt(orjson.dumps(payload))


def open_sealed(content_key: bytes, ciphertext: bytes) -> dict[str, Any]:
    try:
        payload: dict[str, Any] = orjson.loads(Fernet(content_key).decrypt(ciphertext))
    except InvalidToken:
        raise EscrowError("the held report could not be decrypted") from None
    return payload


def seal_bytes(content_key: bytes, data: bytes) -> bytes:
    return Fernet(content_key).encrypt(data)


def open_bytes(content_key: bytes, data: bytes) -> bytes:
    try:
        return Fernet(content_key).decrypt(data)
    except InvalidToken:
        raise EscrowError("a held file could not be decrypted") from None
