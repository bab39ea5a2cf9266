"""Dates of birth: any plausible past date is a candidate; only birth context makes it one."""

from __future__ import annotations

import datetime as dt
import re

from spilldesk.domain.dates import InvalidDate, parse_date
from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation

CONTEXT = (
    "dob",
    "d.o.b",
    "born",
    "birth",
    "nacimiento",
    "nacido",
    "nacida",
    "nació",
    "f. nac",
    "fecha de nac",
    "nascimento",
    "naissance",
)
_MONTH_STEMS = [
    *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    *("ene", "abr", "ago", "dic"),
]
# Month words in lower, Title or UPPER case, spelled out without (?i), which slows every pass.
_MONTHS = (
    "(?:"
    + "|".join(f"{m}[a-z]*|{m.title()}[a-z]*|{m.upper()}[A-Z]*" for m in _MONTH_STEMS)
    + r")\.?"
)


_LOADED = dt.date.today()


def plausible_birth_date(text: str) -> bool:
    for day_first in (False, True):
        try:
            born = parse_date(text, day_first=day_first)
        except (InvalidDate, ValueError):
            continue
        # Before the day this module was loaded, a date is past whatever day it is now;
        # only a later one asks the clock (once per candidate, that costs more than parsing).
        return born.year >= 1900 and (born < _LOADED or born <= dt.date.today())
    return False


def check_birth_date(text: str) -> Validation:
    """Not a date, or not a living person's birth date: REJECT; any other date: UNKNOWN."""
    return Validation.UNKNOWN if plausible_birth_date(text) else Validation.REJECT


def mask_date(_text: str) -> str:
    return "****-**-**"


DETECTOR = PatternDetector(
    entity="DATE_OF_BIRTH",
    patterns=[
        Pattern(
            "iso",
            re.compile(r"(?<![\w-])(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?![\w-])"),
            0.2,
            context_only=True,
        ),
        Pattern(
            "numeric",
            re.compile(r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/-]|\.\d)"),
            0.2,
            context_only=True,
        ),
        Pattern(
            "day_month_year",
            re.compile(rf"(?<!\w)\d{{1,2}}[- ](?:de )?{_MONTHS}[- ,]+(?:de )?\d{{4}}(?!\w)"),
            0.2,
            context_only=True,
        ),
        Pattern(
            "month_day_year",
            re.compile(rf"(?<!\w){_MONTHS} \d{{1,2}},? \d{{4}}(?!\w)"),
            0.2,
            context_only=True,
        ),
    ],
    context=CONTEXT,
    validate=check_birth_date,
    mask=mask_date,
)
