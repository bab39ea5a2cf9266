"""Phone numbers: a broad pattern finds digit groups shaped like a number as dialled; their
shape decides, and libphonenumber settles the short ambiguous ones for the regions people in
the registry most often give numbers from."""

from __future__ import annotations

import re

import phonenumbers

from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation

CONTEXT = ("phone", "tel", "teléfono", "telefono", "cell", "móvil", "celular", "contact", "call")
# Where a number written without +country code is tried. A number is a phone number if it
# is valid in any of them, so the order only decides speed: the most permissive plans first.
REGIONS = ("DE", "US", "GB", "FR", "IL", "CH", "MX", "IN", "BR", "CA", "NL")


_A_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")  # a date or timestamp, anywhere in it
_NOT_A_PHONE = re.compile(  # the whole candidate (two passes cost less than one alternation)
    r"(?:\d{1,3}(?:\.\d{1,3}){3}"  # an IPv4 address
    r"|\d+\.\d+"  # a decimal number
    r"|\d{12,})$"  # a card or account number
)


# A number libphonenumber confirms scores a little above a candidate of the right shape, but
# less than a date of birth in context (0.6): `12.05.1980` after `DOB:` stays a birth date.
CONFIRMED = 0.55


def check_phone(text: str) -> Validation:
    """A phone number by its shape, with libphonenumber deciding the short, ambiguous ones.

    9–15 digits written in groups (or 10–11 unbroken) read as a phone number (UNKNOWN: the
    shape says so, nothing checked it); 8 digits without `(` or `+` may be a local number or
    anything else, so libphonenumber decides: CONFIRM when valid in any region of REGIONS,
    else REJECT. Measured on presidio-evaluator sentences this is both more accurate (F1 0.79
    vs 0.75) and twice as fast as validating every candidate.
    """
    written = text.strip()
    digits = sum(map(str.isdigit, written))
    if not 8 <= digits <= 15:
        return Validation.REJECT
    unbroken = digits == len(written)
    # Each regex is asked only where it can match (a date holds `-`; an IPv4 address and a
    # decimal number hold dots; a long account number is all digits): once per candidate,
    # a regex call costs as much as the rest of the check.
    if "-" in written and _A_DATE.search(written):
        return Validation.REJECT
    dots = written.count(".")  # an IPv4 address holds three, a decimal number one
    if (dots == 1 or dots == 3 or unbroken) and _NOT_A_PHONE.match(written):
        return Validation.REJECT
    if unbroken:  # an unbroken run only at full national length
        return Validation.UNKNOWN if digits in (10, 11) else Validation.REJECT
    if digits > 8 or "(" in written or "+" in written:
        return Validation.UNKNOWN
    return Validation.CONFIRM if _valid_somewhere(written) else Validation.REJECT


def _valid_somewhere(text: str) -> bool:
    try:
        number = phonenumbers.parse(text, REGIONS[0])
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(number):
        return True
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
    validate=check_phone,
    confirmed=CONFIRMED,
)
