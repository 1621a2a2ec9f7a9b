"""Receipt codes: generated, shown once, kept only as an Argon2 hash.

A code is 20 characters from an alphabet without the look-alikes 0/O, 1/I/L (about 99 bits),
shown in groups of four. Argon2 hashes are salted, so a row cannot be found by its hash; the
row keeps a `lookup`, a keyed hash of the code's first four characters, which narrows the search
to a row or two and says nothing useful to someone who has the database but not the key.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from redress.intake.escrow import keyed_hash

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 20
GROUP = 4
LOOKUP_CHARS = 4
# Argon2id at OWASP's minimum for stored secrets (19 MiB, 2 passes, 1 lane). A receipt is 99
# random bits, not a person's password: no hash cost changes how guessable it is, and the hash
# only has to keep a stolen table from being tried offline one code at a time. RFC 9106's
# 64 MiB, 3-pass default cost about 390 ms a report on two cores and gained nothing.
PRODUCTION_COST = (2, 19456, 1)


def new_code() -> str:
    """A fresh receipt code, without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """The code as shown to a person: ABCD-EFGH-JKMN-PQRS-TUVW."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normal_code(entered: str) -> str:
    """What someone typed, without spaces, dashes or case; unknown characters are kept so the
    code simply fails to verify."""
    return "".join(c for c in entered.upper() if c not in " -\t\n")


def lookup_of(code: str) -> str:
    return keyed_hash("receipt-lookup", code[:LOOKUP_CHARS].encode())[:16]


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """Argon2id at PRODUCTION_COST, unless the REDRESS_RECEIPT_ARGON2 setting (time, memory KiB,
    parallelism) says otherwise (tests)."""
    return _hasher(*_cost())


def _cost() -> tuple[int, int, int]:
    cost: tuple[int, int, int] = getattr(settings, "REDRESS_RECEIPT_ARGON2", PRODUCTION_COST)
    return cost


def hash_code(code: str) -> str:
    return hasher().hash(code)


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash(new_code())


def verify(code_hash: str | None, code: str) -> bool:
    """Whether `code` is the one hashed. With no hash to check, a dummy one is verified, so a
    wrong code costs the same time whether or not its lookup found a row."""
    try:
        return hasher().verify(code_hash or _dummy_hash(*_cost()), code) and code_hash is not None
    except (VerificationError, InvalidHashError):
        return False
