"""The fingerprint's message format, and the normalised values it is taken of.

Kept apart from `fingerprints` (which knows the database) because the gate's worker that reads
a document imports it: a worker forked by the zygote imports its task's module afresh, so the
module must be light.
"""

from __future__ import annotations

import hmac

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.domain.names import name_tokens

A_NUMBER = "a_number"
NAME_DOB = "name_dob"


def digest(key: bytes, kind: str, value: str) -> str:
    return hmac.digest(key, kind.encode() + b"\x00" + value.encode(), "sha256").hex()


def name_words(text: str) -> list[str]:
    """The words of a name that are compared: normalised, particles dropped, initials too."""
    return [word for word in name_tokens(text) if len(word) > 1 and word.isalpha()]


def a_number_digits(text: str) -> str | None:
    try:
        return normalize_a_number(text)[1:]
    except InvalidANumber:
        return None
