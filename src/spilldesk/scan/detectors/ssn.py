"""US Social Security numbers, with the SSA's validity rules (area, group and serial)."""

from __future__ import annotations

import re

from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation

CONTEXT = ("ssn", "social security", "seguro social", "ss#", "ss #", "s.s.n")
_NOT_DIGITS = re.compile(r"\D")
_KNOWN_INVALID = {"078051120", "219099999", "123456789", "111111111", "333333333"}


def valid_ssn(text: str) -> bool:
    digits = _NOT_DIGITS.sub("", text)
    if len(digits) != 9 or digits in _KNOWN_INVALID or len(set(digits)) == 1:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def check_ssn(text: str) -> Validation:
    """The SSA's rules refute numbers never issued; passing them proves nothing."""
    return Validation.unless(valid_ssn(text))


def mask_ssn(text: str) -> str:
    return "***-**-" + _NOT_DIGITS.sub("", text)[-4:]


DETECTOR = PatternDetector(
    entity="SSN",
    patterns=[
        Pattern(
            "dashed",
            re.compile(r"-(?<=\d-)\d{2}-\d{4}(?![\w-])"),
            0.5,
            back=re.compile(r"(?<![\w-])\d{3}$"),
        ),
        # These two score below REPORTABLE unless a context word precedes them, so they run
        # only in the windows after context words.
        Pattern(
            "spaced",
            re.compile(r"\d(?<![\w-]\d)\d{2} \d{2} \d{4}(?![\w-])"),
            0.3,
            context_only=True,
        ),
        Pattern(
            "bare",
            re.compile(r"\d(?<![\w.,-]\d)\d{8}(?![\w-]|[.,]\d)"),
            0.1,
            context_only=True,
        ),
    ],
    context=CONTEXT,
    validate=check_ssn,
    mask=mask_ssn,
)
