"""US Social Security numbers, with the SSA's validity rules (area, group and serial)."""

from __future__ import annotations

import re

from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation

CONTEXT = ("ssn", "social security", "seguro social", "ss#", "ss #", "s.s.n")
_NOT_DIGITS = re.compile(r"\D")
_KNOWN_INVALID = {"078051120", "219099999", "123456789", "111111111", "333333333"}


def valid_ssn(text: str) -> bool:
    digits = _ssn_digits(text)
    if len(digits) != 9 or digits in _KNOWN_INVALID or digits.count(digits[0]) == 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _ssn_digits(text: str) -> str:
    """The text's digits (`\\d`). The shape the gate meets most, `123-45-6789`, is read by
    slicing: once per candidate, a regex substitution costs more than the rules."""
    if len(text) == 11 and text[3] == "-" and text[6] == "-":
        digits = text[:3] + text[4:6] + text[7:]
        if digits.isdecimal():  # `\\d` is a decimal digit
            return digits
    return _NOT_DIGITS.sub("", text)


def check_ssn(text: str) -> Validation:
    """The SSA's rules refute numbers never issued; passing them proves nothing."""
    return Validation.UNKNOWN if valid_ssn(text) else Validation.REJECT


def mask_ssn(text: str) -> str:
    last = text[-4:]
    if last.isdecimal():  # ends in four digits: they are the last four
        return "***-**-" + last
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
