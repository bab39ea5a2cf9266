"""What readers yield: located pieces of a document, text or tables.

A reader turns a file into `TextPiece`s (free text with its place) and `Table`s (a grid of
cell texts with its place and which rows and columns a viewer would not see). Detectors and
the verdict only ever see these, so they know nothing about file formats.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Location:
    """Where something is in a file, in terms a publisher can find again."""

    path: str
    part: str
    sheet: str | None = None
    cell: str | None = None
    page: int | None = None
    hidden: bool = False
    hidden_how: str | None = None

    def hide(self, how: str) -> Location:
        """The same place, marked as unseen (hiding only ever accumulates)."""
        reason = how if not self.hidden_how else f"{self.hidden_how}; {how}"
        return replace(self, hidden=True, hidden_how=reason)

    def at(self, **changes: object) -> Location:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TextPiece:
    location: Location
    text: str


Row = tuple[int, list[str]]
"""A row number as the viewer sees it (1-based) and the cell texts ('' for empty)."""


@dataclass
class Table:
    """A grid of cell texts, possibly streamed (CSV) so that it is read only once.

    `rows` yields (row_number, cells); `first_column` is the 1-based column of cells[0].
    """

    location: Location
    rows: Iterable[Row]
    first_column: int = 1
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


@dataclass(frozen=True)
class HiddenContent:
    """An informational fact: this part of the file is not what a viewer sees."""

    location: Location
    what: str
    cells: int = 0


@dataclass(frozen=True)
class Embedded:
    """A file inside this file (archive member, embedded object, PDF attachment)."""

    location: Location
    name: str
    data: bytes


@dataclass(frozen=True)
class Uninspectable:
    """Something a viewer might open that the gate cannot look inside (a weaker signal)."""

    location: Location
    what: str


@dataclass(frozen=True)
class Unopened(Uninspectable):
    """An embedded file in a format the gate does not read (`location.path` names it): the
    scanner's walk makes it, where a reader would have, and asks a person to review it."""


Piece = TextPiece | Table | HiddenContent | Embedded | Uninspectable


def column_letter(index: int) -> str:
    """1 → A, 27 → AA (spreadsheet column names)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_range(first_row: int, last_row: int, first_col: int, last_col: int) -> str:
    start = f"{column_letter(first_col)}{first_row}"
    end = f"{column_letter(last_col)}{last_row}"
    return start if start == end else f"{start}:{end}"
