"""A-numbers: `A` + 8 or 9 digits, or 3-3-3 digit groups; bare digit runs need context."""

from __future__ import annotations

import re

from spilldesk.domain.anumber import is_a_number, mask_a_number
from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation

CONTEXT = (
    "a-number",
    "a number",
    "a#",
    "a #",
    "a-file",
    "alien",
    "registration",
    "número a",
    "numero a",
    "a no.",
    "anumber",
    "extranjero",
)

def check_a_number(text: str) -> Validation:
    """An A-number has no check digit: the shape can refute a candidate, never confirm it."""
    return Validation.UNKNOWN if is_a_number(text) else Validation.REJECT  # `unless`, inline


_THREE = re.compile(r"(?<![\w-])\d{3}$")

DETECTOR = PatternDetector(
    entity="A_NUMBER",
    patterns=[
        Pattern(
            "prefixed",
            re.compile(r"A(?<![\w-]A)\s?#?\s?[-:]?\s?\d{3}-?\d{3}-?\d{2,3}(?![\w-])"),
            0.75,
        ),
        Pattern("grouped", re.compile(r"-(?<=\d-)\d{3}-\d{3}(?![\w-])"), 0.5, back=_THREE),
        # Scores below REPORTABLE unless a context word precedes it.
        Pattern("bare", re.compile(r"\d(?<![\w.,-]\d)\d{7,8}(?![\w-]|[.,]\d)"), 0.15),
    ],
    context=CONTEXT,
    validate=check_a_number,
    mask=mask_a_number,
)
