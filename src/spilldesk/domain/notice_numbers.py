"""Notice numbers: `<incident>-<6-digit sequence>-<2 check digits>`, e.g. `NOV28-000123-45`.

Printed and encoded on every page; an officer or the mail house types it back when recording a
delivery, so it carries ISO 7064 MOD 97-10 check digits that catch a mistyped digit or a swap.
It says nothing about the person.
"""

from __future__ import annotations

import re

from spilldesk.errors import ServiceError

_FORMAT = re.compile(r"^(?P<incident>[A-Za-z0-9][A-Za-z0-9._-]*)-(?P<seq>\d{6,})-(?P<check>\d{2})$")


class InvalidNoticeNumber(ServiceError):
    """Not a notice number, or its check digits do not match (a typing mistake)."""


def _digits(text: str) -> str:
    # Letters count as 10..35 as in IBAN; other characters are separators.
    return "".join(str(int(c, 36)) for c in text.upper() if c.isalnum())


def _check(body: str) -> str:
    return f"{98 - (int(_digits(body) + '00') % 97):02d}"


def notice_number(incident_id: str, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("notice sequence numbers start at 1")
    body = f"{incident_id}-{sequence:06d}"
    return f"{body}-{_check(body)}"


def parse_notice_number(text: str) -> tuple[str, int]:
    """(incident id, sequence) of a typed notice number, or InvalidNoticeNumber."""
    value = text.strip()
    match = _FORMAT.match(value)
    if not match:
        raise InvalidNoticeNumber(f"not a notice number: {value!r}")
    body = value[: match.start("check") - 1]
    if _check(body) != match["check"]:
        raise InvalidNoticeNumber(f"notice number {value!r} has wrong check digits (a typo?)")
    return match["incident"], int(match["seq"])
