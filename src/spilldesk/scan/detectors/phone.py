"""Phone numbers: a broad pattern finds digit groups shaped like a number as dialled; then
libphonenumber decides, for the US first and then for the regions people in the registry
most often give numbers from."""

from __future__ import annotations

import re

import phonenumbers

from spilldesk.scan.detectors.base import Pattern, PatternDetector

CONTEXT = ("phone", "tel", "teléfono", "telefono", "cell", "móvil", "celular", "contact", "call")
# Where a number written without +country code is tried, North American numbers first.
REGIONS = ("US", "MX", "GB", "DE", "FR", "CH", "BR", "IN", "IL", "CA", "NL")


_NOT_A_PHONE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}"  # a date or timestamp
    r"|^\d{1,3}(?:\.\d{1,3}){3}$"  # an IPv4 address
    r"|^\d+\.\d+$"  # a decimal number
    r"|^\d{12,}$"  # a card or account number
)


def valid_phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15 or _NOT_A_PHONE.search(text.strip()):
        return False
    regions: tuple[str | None, ...] = (None,) if text.lstrip().startswith("+") else REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


DETECTOR = PatternDetector(
    entity="PHONE",
    patterns=[
        Pattern(
            "dialled",
            re.compile(
                r"(?<![\w+/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?|\(0\)\d)?"
                r"\d[\d\s.-]{4,14}\d(?:\s?x\d{1,5})?(?![\w/-]|\.\d)"
            ),
            0.5,
        ),
    ],
    context=CONTEXT,
    validate=valid_phone,
    prefilter=re.compile(r"\d[\d\s.()-]{5,}\d"),
)
