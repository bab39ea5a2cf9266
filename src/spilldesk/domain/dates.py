"""Dates as people and agencies write them: one home for parsing them.

ISO (`1990-03-12`), US month-first (`3/12/1990`), day-first (`12/03/1990`, when the writer is
known to be day-first), month names (`12-Mar-1990`, `March 12, 1990`, `12 de marzo de 1990`) and
partial dates (`1990`, `03/1990`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from spilldesk.errors import ServiceError


class InvalidDate(ServiceError):
    """The text is not a date this desk can read."""


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("jan", "january", "ene", "enero", "janeiro"),
        ("feb", "february", "febrero", "fev", "fevereiro"),
        ("mar", "march", "marzo", "março", "marco"),
        ("apr", "april", "abr", "abril"),
        ("may", "mayo", "mai", "maio"),
        ("jun", "june", "junio", "junho"),
        ("jul", "july", "julio", "julho"),
        ("aug", "august", "ago", "agosto"),
        ("sep", "sept", "september", "septiembre", "set", "setembro"),
        ("oct", "october", "octubre", "out", "outubro"),
        ("nov", "november", "noviembre", "novembro"),
        ("dec", "december", "dic", "diciembre", "dez", "dezembro"),
    ],
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YEAR_FIRST_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_WORDS = re.compile(r"[a-zA-ZÀ-ÿ]+|\d+")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class PartialDate:
    """A date whose month or day may be unknown (`1990`, `1990-03`)."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def to_date(self) -> date | None:
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


def _build(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(f"not a real date: {exc}") from None


def _full_year(year_text: str) -> int:
    year = int(year_text)
    if len(year_text) == 2:
        # Two-digit years in person records are birth years or recent events; pivot at 30.
        year += 2000 if year < 30 else 1900
    return year


def parse_date(text: str, *, day_first: bool = False) -> date:
    """Read a complete date; `day_first` settles `03/04/1990` for day-first writers."""
    value = str(text).strip()
    if not value:
        raise InvalidDate("empty date")
    if match := _ISO.match(value):
        return _build(int(match[1]), int(match[2]), int(match[3]))
    if match := _YEAR_FIRST_SLASH.match(value):
        return _build(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(value):
        first, second, year = int(match[1]), int(match[2]), _full_year(match[3])
        if day_first:
            return _build(year, second, first)
        return _build(year, first, second)
    return _parse_words(value)


def _parse_words(value: str) -> date:
    tokens = [t.lower() for t in _WORDS.findall(value) if t.lower() not in ("de", "of", "the")]
    numbers = [int(t) for t in tokens if t.isdigit()]
    months = [_MONTHS[t] for t in tokens if t in _MONTHS]
    if len(months) != 1 or len(numbers) != 2:
        raise InvalidDate("unrecognised date format (use YYYY-MM-DD)")
    day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
    if year < 100:
        year = _full_year(f"{year:02d}")
    return _build(year, months[0], day)


def parse_partial_date(text: str, *, day_first: bool = False) -> PartialDate:
    """Read a date that may lack its day or month."""
    value = str(text).strip()
    if match := _YEAR.match(value):
        return PartialDate(int(match[1]))
    if match := _YEAR_MONTH.match(value):
        return _partial(int(match[1]), int(match[2]))
    if match := _MONTH_YEAR.match(value):
        return _partial(int(match[2]), int(match[1]))
    full = parse_date(value, day_first=day_first)
    return PartialDate(full.year, full.month, full.day)


def _partial(year: int, month: int) -> PartialDate:
    if not 1 <= month <= 12:
        raise InvalidDate(f"not a month: {month}")
    return PartialDate(year, month)


def infer_day_first(values: Iterable[str]) -> bool | None:
    """Tell a column's order from its values: True day-first, False month-first, None unknown."""
    day_first = month_first = False
    for raw in values:
        match = _NUMERIC.match(str(raw).strip())
        if not match:
            continue
        first, second = int(match[1]), int(match[2])
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            month_first = True
    if day_first == month_first:
        return None
    return day_first


def parse_timestamp(text: str, tz: ZoneInfo) -> datetime:
    """Read an ISO timestamp (or a date, meaning its start) as an aware datetime.

    A timestamp written without an offset is in the agency's time zone `tz`.
    """
    value = str(text).strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(parse_date(value), time())
        except InvalidDate:
            raise InvalidDate("not a timestamp (use YYYY-MM-DDTHH:MM[:SS][+HH:MM])") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed
