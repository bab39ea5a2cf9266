"""A worksheet's extent, measured on its XML before any library is asked for its cells.

calamine builds a sheet as a dense grid (every cell of the rectangle its cells span), so a
few KB that put one cell in A1 and one in XFD1048576 ask it for 17 billion cells, and the
process dies. The extent is measured by streaming the part through regular expressions, one
chunk at a time (memory stays bounded): the 6,252-row sheet of Nov 28 takes a few tens of ms.

Cells are located as calamine locates them: by their `r` attribute, or, without one, next to
the previous cell of the row (a row without `r` follows the previous row). Every cell counts,
empty styled ones too, so the extent is never smaller than what calamine would build.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from spilldesk.scan.errors import ScanError

CHUNK = 4 << 20
_PLAIN_ROW_TAG = re.compile(rb"<row\b([^>]*)>")
_ROW_OPENING = re.compile(rb"<row\b")
_NUMBERED_ROW = re.compile(rb'<row r="([0-9]+)"')
_HIDDEN_ROW = re.compile(
    rb"<row\b([^>]*\b(?:hidden\s*=\s*[\"'](?:1|true)[\"']|ht\s*=\s*[\"']0(?:\.0*)?[\"'])[^>]*)>"
)
_COL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col(?=[\s/>])([^>]*)>")
_ANY_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_PLAIN_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}"')
_PLAIN_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_NOT_A_CELL = re.compile(rb"<c[^\s/>]")  # <col>, <cfRule>, <conditionalFormatting>...
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*\bref\s*=\s*[\"']([^\"']*)[\"']")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"^\$?([A-Za-z]+)\$?([0-9]+)$")
_DECLARED = re.compile(r"^\$?[A-Z]{1,3}\$?(\d+)$")


@dataclass
class SheetExtent:
    """Rows and columns are 1-based; `last_row` is 0 for a sheet without cells."""

    last_row: int = 0
    last_column: int = 0
    cells: int = 0
    declared_last_row: int | None = None
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    _row: int = 0  # the row the next reference-less cell belongs to
    _next_column: int = 1

    @property
    def grid_cells(self) -> int:
        """The cells of the grid from A1 to the last filled row and column."""
        return self.last_row * self.last_column

    def _cell(self, row: int, column: int) -> None:
        self.cells += 1
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column)


def measure_sheet(package: zipfile.ZipFile, part: str) -> SheetExtent:
    """The extent of a worksheet part (an absent part has none)."""
    extent = SheetExtent()
    try:
        stream = package.open(part)
    except KeyError:
        return extent
    head_done = False
    carry = b""
    with stream:
        while True:
            block = stream.read(CHUNK)
            data = carry + block
            end = data.rfind(b">") + 1 if block else len(data)
            segment, rest = data[:end], data[end:]
            start = rest.rfind(b"<")
            carry = rest[start:] if start >= 0 else b""
            if len(carry) > CHUNK:
                raise ScanError(f"part {part} holds a tag longer than {CHUNK >> 20} MiB")
            if not head_done:
                data_starts = _SHEET_DATA.search(segment)
                _measure_head(extent, segment[: data_starts.start()] if data_starts else segment)
                head_done = data_starts is not None
            _measure_cells(extent, segment)
            if not block:
                return extent


def _measure_head(extent: SheetExtent, head: bytes) -> None:
    """The declared used range and the hidden columns, both before <sheetData>."""
    if extent.declared_last_row is None:
        match = _DIMENSION.search(head)
        ref = match[1].decode("ascii", "replace").split(":")[-1] if match else ""
        last = _DECLARED.match(ref)
        if last:
            extent.declared_last_row = int(last[1])
    for match in _COL_TAG.finditer(head):
        attrs = _attributes(match[1])
        hidden = attrs.get(b"hidden") in (b"1", b"true") or attrs.get(b"width") in (b"0", b"0.0")
        low, high = attrs.get(b"min", b""), attrs.get(b"max", b"")
        if hidden and low.isdigit() and high.isdigit():
            extent.hidden_columns.update(range(int(low), min(int(high), 16_384) + 1))


def _measure_cells(extent: SheetExtent, segment: bytes) -> None:
    columns = _PLAIN_COLUMN.findall(segment)
    opened = segment.count(b"<c") - len(_NOT_A_CELL.findall(segment))
    prefixed = b":c" in segment and _PREFIXED_CELL.search(segment)
    if len(columns) == opened and not prefixed:
        # Every cell says where it is, in the form Excel writes: no per-cell Python work.
        _measure_rows(extent, segment)
        if columns:
            extent.cells += len(columns)
            rows = set(_PLAIN_ROW.findall(segment))
            extent.last_row = max(extent.last_row, max(map(int, rows)))
            extent.last_column = max(extent.last_column, max(map(_column_number, set(columns))))
        return
    for match in _ANY_TAG.finditer(segment):
        if match[1] == b"row":
            _row(extent, match[2])
            continue
        ref = _REF.match(_attributes(match[2]).get(b"r", b""))
        if ref:
            row, column = int(ref[2]), _column_number(ref[1])
        else:
            row, column = max(extent._row, 1), extent._next_column
        extent._next_column = column + 1
        extent._cell(row, column)


def _measure_rows(extent: SheetExtent, segment: bytes) -> None:
    """Hidden rows, and the row a reference-less cell would follow; without per-row Python
    work when every row starts with its number (`<row r="12"`), as Excel writes them."""
    numbered = _NUMBERED_ROW.findall(segment)
    if len(numbered) != len(_ROW_OPENING.findall(segment)):
        for attributes in _PLAIN_ROW_TAG.findall(segment):
            _row(extent, attributes)
        return
    if b"hidden" in segment or b'ht="0' in segment or b"ht='0" in segment:
        for attributes in _HIDDEN_ROW.findall(segment):
            _row(extent, attributes)
    if numbered:
        extent._row = int(numbered[-1])
        extent._next_column = 1


def _row(extent: SheetExtent, raw: bytes) -> None:
    attrs = _attributes(raw)
    number = attrs.get(b"r", b"")
    extent._row = int(number) if number.isdigit() else extent._row + 1
    extent._next_column = 1
    hidden = attrs.get(b"hidden") in (b"1", b"true") or attrs.get(b"ht") in (b"0", b"0.0")
    if hidden:
        extent.hidden_rows.add(extent._row)


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {name: double or single for name, double, single in _ATTR.findall(raw)}


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
