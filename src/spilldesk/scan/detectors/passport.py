"""Passport numbers: too shapeless to find alone, so only next to the word passport."""

from __future__ import annotations

import re

from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation

CONTEXT = ("passport", "pasaporte", "passaporte", "passeport", "travel document")


def plausible_passport(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return digits >= 5 and len(set(text)) > 2


def check_passport(text: str) -> Validation:
    """Passport numbers have no check the gate can run: refuted by shape, never confirmed."""
    return Validation.UNKNOWN if plausible_passport(text) else Validation.REJECT  # `unless`, inline


DETECTOR = PatternDetector(
    entity="PASSPORT",
    patterns=[
        Pattern(
            "alnum",
            re.compile(r"(?<![\w-])[A-Z]{0,2}\d{6,9}[A-Z]?(?![\w-])"),
            0.1,
            context_only=True,
        )
    ],
    context=CONTEXT,
    validate=check_passport,
)
