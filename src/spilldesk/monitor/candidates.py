"""What a document could be carrying of the leak, as fingerprints: read in the gate's worker.

Every document goes through the gate's walk (`scan.unpacked.each_piece`: HTML with its
hidden elements and comments, CSV, PDF text and attachments, XLSX hidden sheets, DOCX, ZIP
members), so a record in an attached PDF or a hidden block counts. From each table row, and
from each line of text, it takes the candidates:

- A-numbers in any of the ways people write them (`A-123-456-789`, `A# 123456789`,
  `123-456-789`, and a bare 8-9 digit number when a word sits beside it);
- dates (ISO, `03/04/1988` read both ways, `4 March 1988`, `March 4, 1988`), each with the
  name words around it: in a table row the row's words, in prose the words near the date.

The worker hashes them with the monitor's key (`digests.digest`) and hands back only
digests and where they were: no name, date or number leaves it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from spilldesk.domain.dates import InvalidDate, parse_date
from spilldesk.monitor.digests import A_NUMBER, NAME_DOB, a_number_digits, digest, name_words
from spilldesk.scan import Limits, ScanError
from spilldesk.scan.detectors.date_of_birth import DETECTOR as DATES
from spilldesk.scan.isolation import run_isolated, run_isolated_each
from spilldesk.scan.pieces import Location, Piece, Table, TextPiece
from spilldesk.scan.unpacked import each_piece

_PREFIXED = re.compile(r"(?<![\w-])A\s?#?\s?[-:.]?\s?(\d{3}-?\d{3}-?\d{2,3})(?![\w-])")
_GROUPED = re.compile(r"(?<![\w-])(\d{3}-\d{3}-\d{3})(?![\w-])")
_BARE = re.compile(r"(?<![\w.,/-])(\d{8,9})(?![\w/-]|[.,]\d)")
_WORD = re.compile(r"[^\W\d_]{2,}")
BEFORE, AFTER = 160, 90  # how far from a date in prose the name words are taken


@dataclass(frozen=True)
class Group:
    """The digests of one table row or one line of text, and where it is."""

    where: dict[str, object]
    ids: frozenset[str]
    names: frozenset[str]


@dataclass
class Reading:
    sha256: str
    size: int
    groups: list[Group] = field(default_factory=list)
    uninspectable: list[str] = field(default_factory=list)


def read_candidates(path: str | Path, name: str, key: bytes, limits: Limits) -> Reading:
    """Read the file at `path` (called `name` in messages and locations) in a worker process.

    Raises ScanError wherever the gate's verdict would be `error`.
    """
    if not Path(path).is_file():
        raise ScanError(f"{name}: no such file")
    return _reading(run_isolated(_read, str(path), name, key, limits, name=name,
                                 limits=limits))


def read_candidates_each(files: list[tuple[Path, str]], key: bytes,
                         limits: Limits) -> list[Reading | ScanError]:
    """Several files (path, name) read in turn by one worker (a folder's files): each gets
    the answer a worker of its own would give, a ScanError where the gate's verdict would
    be `error`."""
    jobs = [((str(path), name, key, limits), name) for path, name in files]
    return [answer if isinstance(answer, ScanError) else _reading(answer)
            for answer in run_isolated_each(_read, jobs, limits)]


def _reading(answer: Answer) -> Reading:
    # The worker answers in plain values only (the gate's unpickler trusts no other type).
    sha256, size, groups, uninspectable = answer
    return Reading(str(sha256), int(size),
                   [Group(dict(where), frozenset(ids), frozenset(names))
                    for where, ids, names in groups], [str(m) for m in uninspectable])


Answer = tuple[str, int, list[tuple[dict[str, object], frozenset[str], frozenset[str]]],
               list[str]]


def _read(path: str, name: str, key: bytes, limits: Limits) -> Answer:
    with open(path, "rb") as handle:
        data = handle.read()
    groups: list[Group] = []

    def use(piece: Piece) -> None:
        if isinstance(piece, Table):
            groups.extend(_table_groups(piece, key))
        elif isinstance(piece, TextPiece):
            groups.extend(_text_groups(piece, key))

    uninspectable = each_piece(data, name, limits, use)
    return (hashlib.sha256(data).hexdigest(), len(data),
            [(g.where, g.ids, g.names) for g in groups], uninspectable)


def _where(location: Location, **place: object) -> dict[str, object]:
    where: dict[str, object] = {"part": location.part}
    for name in ("sheet", "cell", "page"):
        value = getattr(location, name)
        if value is not None:
            where[name] = value
    where.update(place)
    if location.hidden:
        where["hidden"] = True
    return where


def _table_groups(table: Table, key: bytes) -> list[Group]:
    groups = []
    for number, cells in table:
        text = " | ".join(cell for cell in cells if cell)
        if not text:
            continue
        hidden = number in table.hidden_rows
        ids = _a_numbers(text, key)
        dates = [value for value, _ in _dates(text)]
        names = _name_digests(name_words(text), dates, key) if dates else frozenset()
        if ids or names:
            where = _where(table.location, row=number)
            if hidden:
                where["hidden"] = True
            groups.append(Group(where, ids, names))
    return groups


def _text_groups(piece: TextPiece, key: bytes) -> list[Group]:
    text = piece.text
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    by_line: dict[int, tuple[set[str], set[str]]] = {}

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    numbers = [(line_of(offset), value) for offset, value in _a_number_matches(text)]
    dates = [(line_of(start), when, (start, end)) for when, (start, end) in _dates(text)]
    marked = {line for line, _ in numbers} | {line for line, _, _ in dates}
    for line, value in numbers:
        by_line.setdefault(line, (set(), set()))[0].add(digest(key, A_NUMBER, value))
    for line, when, (start, end) in dates:
        words = _words_near(text, starts, marked, line, start, end)
        names = _name_digests(words, [when], key)
        if names:
            by_line.setdefault(line, (set(), set()))[1].update(names)
    return [Group(_where(piece.location, line=line + 1), frozenset(ids), frozenset(names))
            for line, (ids, names) in sorted(by_line.items())]


def _words_near(text: str, starts: list[int], marked: set[int], line: int, start: int,
                end: int) -> list[str]:
    """The name words beside a date: on its own line (a table row, a list item, a pasted
    record, a paragraph) near it, and on the lines just above and below when those carry no
    date or A-number of their own (a name in its own HTML element, a form's `Name:` line).
    A neighbouring line that has its own date or A-number is another record's: never mixed."""
    def end_of(number: int) -> int:
        return starts[number + 1] - 1 if number + 1 < len(starts) else len(text)

    low, high = starts[line], end_of(line)
    if line > 0 and line - 1 not in marked:
        low = starts[line - 1]
    if line + 1 < len(starts) and line + 1 not in marked:
        high = end_of(line + 1)
    return name_words(text[max(low, start - BEFORE): min(high, end + AFTER)])


def _a_number_matches(text: str) -> Iterable[tuple[int, str]]:
    seen: set[int] = set()
    for pattern in (_PREFIXED, _GROUPED):
        for match in pattern.finditer(text):
            digits = a_number_digits(match[1])
            if digits and match.start(1) not in seen:
                seen.add(match.start(1))
                yield match.start(), digits
    for match in _BARE.finditer(text):
        if match.start(1) in seen:
            continue
        # A bare number is an A-number only beside a word (a name, a label), not in a list
        # of figures.
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        digits = a_number_digits(match[1])
        if digits and _WORD.search(line):
            yield match.start(), digits


def _a_numbers(text: str, key: bytes) -> frozenset[str]:
    return frozenset(digest(key, A_NUMBER, value) for _, value in _a_number_matches(text))


def _dates(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Every date in the text, each reading of an ambiguous one (`03/04/1988` both ways)."""
    found = []
    for pattern in DATES.patterns:
        for match in pattern.regex.finditer(text):
            for when in _readings(match[0]):
                found.append((when.isoformat(), match.span()))
    return found


def _readings(text: str) -> set[date]:
    readings = set()
    for day_first in (False, True):
        try:
            readings.add(parse_date(text, day_first=day_first))
        except (InvalidDate, ValueError):
            continue
    return readings


def _name_digests(words: list[str], dates: list[str], key: bytes) -> frozenset[str]:
    unique = list(dict.fromkeys(words))
    return frozenset(digest(key, NAME_DOB, f"{word}|{when}") for word in unique
                     for when in set(dates))
