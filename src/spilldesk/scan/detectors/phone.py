"""Phone numbers: a broad pattern finds digit groups shaped like a number as dialled; then
libphonenumber decides, for the US first and then for the regions people in the registry
most often give numbers from."""

from __future__ import annotations

import re

import phonenumbers

from spilldesk.scan.detectors.base import Pattern, PatternDetector

CONTEXT = ("phone", "tel", "teléfono", "telefono", "cell", "móvil", "celular", "contact", "call")
# Where a number written without +country code is tried. A number is a phone number if it
# is valid in any of them, so the order only decides speed: the most permissive plans first.
REGIONS = ("DE", "US", "GB", "FR", "IL", "CH", "MX", "IN", "BR", "CA", "NL")


_NOT_A_PHONE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}"  # a date or timestamp
    r"|^\d{1,3}(?:\.\d{1,3}){3}$"  # an IPv4 address
    r"|^\d+\.\d+$"  # a decimal number
    r"|^\d{12,}$"  # a card or account number
)


def valid_phone(text: str) -> bool:
    digits = sum(map(str.isdigit, text))
    if not 7 <= digits <= 15 or _NOT_A_PHONE.search(text.strip()):
        return False
    if digits == len(text) and digits not in (10, 11):
        return False  # an unbroken run is a phone number only at full national length
    international = text.lstrip().startswith("+")
    try:
        number = phonenumbers.parse(text, None if international else REGIONS[0])
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(number):
        return True
    if international:
        return False
    # Parsed once; the same national number is then tried under the other regions' codes
    # (parsing again per region costs more than the validity check itself).
    for region in REGIONS[1:]:
        number.country_code = phonenumbers.country_code_for_region(region)
        if phonenumbers.is_valid_number(number):
            return True
    return False


DETECTOR = PatternDetector(
    entity="PHONE",
    patterns=[
        Pattern(
            "dialled",
            # Begins with its first character (a class) for a fast scan; the look-behind
            # after it keeps a candidate from starting inside a word or a longer number.
            re.compile(
                r"[+(\d](?<![\w+/.(-][+(\d])[\d\s().+-]{5,22}\d(?:\s?x\d{1,5})?(?![\w/-]|\.\d)"
            ),
            0.5,
        ),
    ],
    context=CONTEXT,
    validate=valid_phone,
)
