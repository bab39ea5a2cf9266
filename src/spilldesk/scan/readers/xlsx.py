"""XLSX/XLSM: every sheet (hidden and very hidden too), hidden rows and columns, cells
outside the used range, and the parts a viewer never sees (comments, defined names,
properties, pivot caches, external links, drawings, embedded objects).

Cell values come from python-calamine (measured several times faster than openpyxl, see
docs/benchmarks/gate.md), asked for a sheet only once its extent is known to be within the
limits (xlsx_grid); everything calamine does not expose is read from the package XML. A
worksheet that cannot be read makes the file an error, never a skipped sheet.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator

from python_calamine import CalamineWorkbook

from spilldesk.scan.limits import DEFAULT_LIMITS, Limits
from spilldesk.scan.pieces import (
    Embedded,
    HiddenContent,
    Location,
    Piece,
    Table,
    TextPiece,
    column_letter,
)
from spilldesk.scan.readers.cells import cell_text
from spilldesk.scan.readers.ooxml import (
    all_text,
    document_properties,
    local,
    parse_xml,
    relationships,
)
from spilldesk.scan.readers.sheet_extent import SheetExtent
from spilldesk.scan.readers.xlsx_grid import (
    CellBudget,
    SheetEntry,
    open_workbook,
    read_sheet,
    sheet_entries,
)
from spilldesk.scan.readers.xlsx_parts import external_links, pivot_caches


def read_xlsx(
    package: zipfile.ZipFile, data: bytes, path: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Piece]:
    sheets = sheet_entries(package, path)
    workbook = open_workbook(package, data, path, sheets, limits)
    budget = CellBudget(path, limits)
    for sheet in sheets:
        yield from _sheet(package, workbook, sheet, path, budget)
    yield from _defined_names(package, path)
    yield from _comments(package, sheets, path)
    yield from document_properties(package, path)
    yield from pivot_caches(package, path)
    yield from external_links(package, path)
    yield from _drawings_and_charts(package, path)
    yield from _embeddings(package, path)


def _sheet(
    package: zipfile.ZipFile,
    workbook: CalamineWorkbook,
    entry: SheetEntry,
    path: str,
    budget: CellBudget,
) -> Iterator[Piece]:
    location = Location(path, "sheet", sheet=entry.name)
    if entry.state in ("hidden", "veryHidden"):
        how = "very hidden sheet" if entry.state == "veryHidden" else "hidden sheet"
        location = location.hide(how)
        yield HiddenContent(location, how)
    if not entry.has_cells:  # a chart sheet or dialog sheet: no grid, but any text it holds
        root = parse_xml(package, entry.part)
        text = all_text(root, "\n") if root is not None else ""
        if text:
            yield TextPiece(location.at(part=entry.kind).hide(f"{entry.kind} part"), text)
        return
    cells = read_sheet(package, workbook, entry, budget)
    extent = cells.extent
    rows = [(number, [cell_text(v) for v in values]) for number, values in cells.rows]
    yield from _hidden_facts(location, rows, extent.hidden_rows, extent.hidden_columns)
    yield from _outside_used_range(location, rows, extent)
    hidden_rows, hidden_columns = frozenset(extent.hidden_rows), frozenset(extent.hidden_columns)
    yield Table(location, rows, 1, hidden_rows, hidden_columns)


def _hidden_facts(
    location: Location,
    rows: list[tuple[int, list[str]]],
    hidden_rows: set[int],
    hidden_cols: set[int],
) -> Iterator[HiddenContent]:
    """Hidden rows and columns are reported (with how many filled cells they hold) even when
    empty: a publisher should know what the viewer does not see."""
    if hidden_rows:
        by_number = dict(rows)
        cells = sum(sum(1 for c in by_number.get(n, []) if c) for n in hidden_rows)
        numbers = sorted(hidden_rows)
        where = location.at(cell=_span(numbers)).hide("hidden rows")
        yield HiddenContent(where, f"{len(numbers)} hidden row(s), {cells} filled cell(s)", cells)
    if hidden_cols:
        cells = sum(1 for _, r in rows for c in hidden_cols if c <= len(r) and r[c - 1])
        first, last = min(hidden_cols), max(hidden_cols)
        span = column_letter(first) + (f":{column_letter(last)}" if last > first else "")
        where = location.at(cell=span).hide("hidden columns")
        yield HiddenContent(
            where, f"{len(hidden_cols)} hidden column(s), {cells} filled cell(s)", cells
        )


def _span(numbers: list[int]) -> str:
    return f"{numbers[0]}:{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def _outside_used_range(
    location: Location, rows: list[tuple[int, list[str]]], extent: SheetExtent
) -> Iterator[HiddenContent]:
    max_row = extent.declared_last_row
    if max_row is None or not rows:
        return
    beyond = [n for n, cells in rows if n > max_row and any(cells)]
    if beyond:
        where = location.at(cell=f"{beyond[0]}:{beyond[-1]}").hide("outside the used range")
        yield HiddenContent(where, "cells outside the declared used range", len(beyond))


def _defined_names(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    root = parse_xml(package, "xl/workbook.xml")
    if root is None:
        return
    lines = [
        f"{element.get('name', '')}: {element.text.strip()}"
        for element in root.iter()
        if local(element.tag) == "definedName" and element.text
    ]
    if lines:
        location = Location(path, "defined_name").hide("defined names")
        yield TextPiece(location, "\n".join(lines))


def _comments(package: zipfile.ZipFile, sheets: list[SheetEntry], path: str) -> Iterator[Piece]:
    for sheet in sheets:
        for kind, part in relationships(package, sheet.part).values():
            if kind not in ("comments", "threadedComment"):
                continue
            root = parse_xml(package, part)
            if root is None:
                continue
            how = "threaded comment" if kind == "threadedComment" else "cell comment (note)"
            for element in root.iter():
                if local(element.tag) not in ("comment", "threadedComment"):
                    continue
                text = all_text(element)
                location = Location(path, "comment", sheet=sheet.name, cell=element.get("ref"))
                yield HiddenContent(location.hide(how), how, 1)
                if text:
                    yield TextPiece(location.hide(how), text)


def _drawings_and_charts(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    for name in package.namelist():
        if re.match(r"xl/(drawings/drawing|charts/chart)\d+\.xml$", name):
            root = parse_xml(package, name)
            text = all_text(root, "\n") if root is not None else ""
            if text:
                part = "chart" if "/charts/" in name else "drawing"
                yield TextPiece(Location(path, part, cell=posixpath.basename(name)), text)


def _embeddings(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    for info in package.infolist():
        if info.filename.startswith(("xl/embeddings/", "word/embeddings/")) and not info.is_dir():
            location = Location(path, "embedded_object", cell=info.filename)
            yield Embedded(location.hide("embedded object"), info.filename, package.read(info))
