"""Alien registration numbers (A-numbers): one home for reading, writing and masking them.

An A-number is written `A` + 9 digits (`A012345678`). Older numbers have 8 digits and are
padded with a leading zero; people and systems write them with dashes, spaces, `A#`, `A-`.
"""

from __future__ import annotations

import re

from spilldesk.errors import ServiceError

# A token that may be an A-number in free text: an optional A / A# / A- prefix, then 8 or 9
# digits, possibly grouped 3-3-3 with dashes, dots or spaces.
A_NUMBER_CANDIDATE = re.compile(
    r"(?<![\w-])(?:A\s*#?\s*[-:]?\s*)?(\d{3}[-. ]?\d{3}[-. ]?\d{3}|\d{8,9})(?![\w-])",
    re.IGNORECASE,
)

_PREFIX = re.compile(r"^\s*(?:A\s*(?:#|NO\.?|NUMBER)?\s*[-:]?\s*)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-.]")


class InvalidANumber(ServiceError):
    """The text is not an A-number."""


def normalize_a_number(text: str) -> str:
    """Return the canonical `A` + 9 digits form, or raise InvalidANumber."""
    digits = _SEPARATORS.sub("", _PREFIX.sub("", str(text)))
    if not digits.isdigit() or not digits.isascii() or len(digits) not in (8, 9):
        raise InvalidANumber(
            f"not an A-number: expected A and 8 or 9 digits, got {len(digits)} characters"
        )
    digits = digits.zfill(9)
    if digits == "000000000":
        raise InvalidANumber("not an A-number: all zeros")
    return "A" + digits


def is_a_number(text: str) -> bool:
    try:
        normalize_a_number(text)
    except InvalidANumber:
        return False
    return True


def mask_a_number(a_number: str) -> str:
    """Show only the last four digits: `A*****5678` (never log a whole A-number)."""
    try:
        canonical = normalize_a_number(a_number)
    except InvalidANumber:
        return "A*********"
    return "A*****" + canonical[-4:]
