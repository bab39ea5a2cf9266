"""Phone numbers: a cheap pattern finds candidates, libphonenumber decides."""

from __future__ import annotations

import re

import phonenumbers

from spilldesk.scan.detectors.base import Pattern, PatternDetector

CONTEXT = ("phone", "tel", "teléfono", "telefono", "cell", "móvil", "celular", "contact")


def valid_phone(text: str) -> bool:
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


DETECTOR = PatternDetector(
    entity="PHONE",
    patterns=[
        Pattern(
            "dialled",
            re.compile(
                r"(?<![\w-])(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\w-])"
            ),
            0.5,
        ),
    ],
    context=CONTEXT,
    validate=valid_phone,
    prefilter=re.compile(r"\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"),
)
