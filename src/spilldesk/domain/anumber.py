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


def _digits(text: str) -> str:
    """The text without its prefix (`A`, `A#`, `A-`...) and separators: the digits, if it is one.

    The two shapes the gate meets most (8 or 9 digits, `A` and digits) are told apart without
    a regex pass: neither has a separator, and the only prefix either can have is its `A`."""
    value = str(text)
    if value.isdigit():
        return value
    if value[:1] in ("A", "a"):
        rest = value[1:]
        if rest.isdigit():
            return rest
        # `A-123-456-789`, `A# 123456789`: after the `A` and an optional `#`, only ASCII
        # digits, dashes and spaces; the prefix and the separators both drop every dash and
        # space, so what remains is the digits.
        bare = (rest[1:] if rest[:1] == "#" else rest).replace("-", "").replace(" ", "")
        if bare.isdigit() and bare.isascii():
            return bare
    return _SEPARATORS.sub("", _PREFIX.sub("", value))


def _problem(digits: str) -> str | None:
    """Why these digits are not an A-number's, or None."""
    if not digits.isdigit() or not digits.isascii() or len(digits) not in (8, 9):
        return f"not an A-number: expected A and 8 or 9 digits, got {len(digits)} characters"
    if not digits.strip("0"):
        return "not an A-number: all zeros"
    return None


def normalize_a_number(text: str) -> str:
    """Return the canonical `A` + 9 digits form, or raise InvalidANumber."""
    digits = _digits(text)
    problem = _problem(digits)
    if problem is not None:
        raise InvalidANumber(problem)
    return "A" + digits.zfill(9)


def is_a_number(text: str) -> bool:
    return _problem(_digits(text)) is None


def mask_a_number(a_number: str) -> str:
    """Show only the last four digits: `A*****5678` (never log a whole A-number)."""
    digits = _digits(a_number)
    if _problem(digits) is not None:
        return "A*********"
    return "A*****" + digits.zfill(9)[-4:]
