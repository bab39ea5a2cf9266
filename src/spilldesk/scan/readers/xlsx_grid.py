"""Worksheet cells through python-calamine, asked for only once the sheet's extent has been
measured on its XML and found within the limits (see sheet_extent).

Which sheets have cells is read from the workbook's relationships, never guessed from an
exception: a chart sheet or a dialog sheet is not a grid; a worksheet (or macro sheet) that
cannot be read makes the file an error.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from spilldesk.scan.errors import ScanError, one_line
from spilldesk.scan.limits import SHEET_COLUMNS, SHEET_ROWS, Limits
from spilldesk.scan.readers.archive import ZIP_DAMAGE, check_package
from spilldesk.scan.readers.ooxml import local, parse_xml, relationships
from spilldesk.scan.readers.sheet_extent import SheetExtent, measure_sheet

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NOT_A_GRID = frozenset({"chartsheet", "dialogsheet"})
SHARED_STRINGS = "xl/sharedStrings.xml"
_SST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b([^>]*)>")
_UNIQUE_COUNT = re.compile(rb"\buniqueCount\s*=\s*[\"']\s*\+?(\d+)")
ValueRow = tuple[int, list[object]]
"""A row number as the viewer sees it and the cell values from column A on."""


@dataclass(frozen=True)
class SheetEntry:
    name: str
    state: str
    part: str
    kind: str  # the relationship type: worksheet, chartsheet, dialogsheet, xlMacrosheet...

    @property
    def has_cells(self) -> bool:
        return self.kind not in NOT_A_GRID

    def label(self, path: str) -> str:
        return f"{path}: sheet '{one_line(self.name)}'"


@dataclass
class SheetCells:
    extent: SheetExtent
    rows: list[ValueRow]


class CellBudget:
    """The cells one workbook may ask for, over all of its sheets."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.spent = 0

    def spend(self, entry: SheetEntry, extent: SheetExtent) -> None:
        label = entry.label(self.path)
        if extent.last_row > SHEET_ROWS or extent.last_column > SHEET_COLUMNS:
            raise ScanError(
                f"{label} has a cell beyond a spreadsheet's {SHEET_ROWS:,} rows × "
                f"{SHEET_COLUMNS:,} columns; re-save it"
            )
        cells = extent.grid_cells
        if cells > self.limits.max_sheet_cells:
            raise ScanError(
                f"{label} spans {extent.last_row:,} rows × {extent.last_column:,} columns "
                f"({cells:,} cells), over the limit of {self.limits.max_sheet_cells:,} per "
                "sheet; split it"
            )
        self.spent += cells
        if self.spent > self.limits.max_file_cells:
            raise ScanError(
                f"{self.path}: its sheets span more than {self.limits.max_file_cells:,} cells, "
                "the limit per workbook; split it"
            )


def sheet_entries(package: zipfile.ZipFile, path: str) -> list[SheetEntry]:
    root = parse_xml(package, "xl/workbook.xml")
    if root is None:
        raise ScanError(f"{path}: the workbook part xl/workbook.xml is missing; re-save it")
    rels = relationships(package, "xl/workbook.xml")
    entries = []
    for element in root.iter():
        if local(element.tag) != "sheet":
            continue
        kind, part = rels.get(element.get(f"{{{R_NS}}}id", ""), ("", ""))
        entries.append(
            SheetEntry(element.get("name", ""), element.get("state", "visible"), part, kind)
        )
    return entries


def open_workbook(
    package: zipfile.ZipFile, data: bytes, path: str, entries: list[SheetEntry], limits: Limits
) -> CalamineWorkbook:
    _check_shared_strings(package, path, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own types for every kind of damage
        raise ScanError(f"{path}: damaged workbook ({type(error).__name__}); re-save it") from None
    if set(workbook.sheet_names) - {entry.name for entry in entries}:
        raise ScanError(f"{path}: the workbook's list of sheets is inconsistent; re-save it")
    return workbook


def _check_shared_strings(package: zipfile.ZipFile, path: str, limits: Limits) -> None:
    """calamine reserves room for as many strings as `uniqueCount` declares (4294967295 is 96
    GiB): a count no part of this size could hold, or beyond the cells a workbook may have,
    is a damaged part."""
    try:
        info = package.getinfo(SHARED_STRINGS)
    except KeyError:
        return
    with package.open(info) as part:
        head = part.read(64 << 10)
    tag = _SST_TAG.search(head)
    declared = _UNIQUE_COUNT.search(tag[1]) if tag else None
    most = min(info.file_size // len(b"<si/>") + 1, limits.max_file_cells)
    if declared and int(declared[1]) > most:
        raise ScanError(
            f"{path}: part {SHARED_STRINGS} declares {int(declared[1]):,} distinct strings, more "
            "than it can hold; re-save it"
        )


def read_sheet(
    package: zipfile.ZipFile, workbook: CalamineWorkbook, entry: SheetEntry, budget: CellBudget
) -> SheetCells:
    """A worksheet's non-empty rows, each padded from column A, once its extent is allowed."""
    extent = measure_sheet(package, entry.part)
    budget.spend(entry, extent)
    try:
        sheet = workbook.get_sheet_by_name(entry.name)
        rows = list(_filled_rows(sheet.iter_rows(), (sheet.start or (0, 0))[1]))
    except Exception as error:  # calamine names the damage, and may quote the cell: type only
        raise ScanError(
            f"{entry.label(budget.path)} could not be read ({type(error).__name__}); re-save it"
        ) from None
    return SheetCells(extent, rows)


def _filled_rows(rows: Iterator[Sequence[object]], first_column: int) -> Iterator[ValueRow]:
    """calamine starts rows at row 1 but columns at the first filled one: pad to column A."""
    padding: list[object] = [None] * first_column
    for number, values in enumerate(rows, start=1):
        if any(value not in (None, "") for value in values):
            yield number, [*padding, *values]


def first_sheet_rows(path: str, limits: Limits) -> list[ValueRow]:
    """The first sheet of the workbook at `path` (XLSX, or legacy XLS read by calamine alone)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(b"PK"):
        return _legacy_first_sheet(data, path)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        package.filename = path
        check_package(package, path, limits)
        entries = sheet_entries(package, path)
        if not entries:
            raise ScanError(f"{path}: the workbook has no sheets")
        if not entries[0].has_cells:
            raise ScanError(f"{entries[0].label(path)} is a chart or dialog sheet, not a table")
        workbook = open_workbook(package, data, path, entries, limits)
        return read_sheet(package, workbook, entries[0], CellBudget(path, limits)).rows
    except (*ZIP_DAMAGE, ValueError) as error:
        if isinstance(error, ScanError):
            raise
        raise ScanError(f"{path}: damaged or truncated workbook ({error})") from None


def _legacy_first_sheet(data: bytes, path: str) -> list[ValueRow]:
    """Legacy binary workbooks cannot be measured first: the worker's memory is the bound."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return list(_filled_rows(sheet.iter_rows(), (sheet.start or (0, 0))[1]))
    except Exception as error:
        raise ScanError(f"{path}: cannot read the workbook ({type(error).__name__})") from None
