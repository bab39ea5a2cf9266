"""XLSX/XLSM: every sheet (hidden and very hidden too), hidden rows and columns, cells
outside the used range, and the parts a viewer never sees (comments, defined names,
properties, pivot caches, external links, drawings, embedded objects).

Cell values come from python-calamine (measured several times faster than openpyxl, see
docs/benchmarks/gate.md); everything calamine does not expose is read from the package XML.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from spilldesk.scan.errors import ScanError
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
from spilldesk.scan.readers.xlsx_parts import external_links, pivot_caches

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)/?>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_ATTR = re.compile(rb"\b([\w:]+)=\"([^\"]*)\"")
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass(frozen=True)
class SheetEntry:
    name: str
    state: str
    part: str


def read_xlsx(package: zipfile.ZipFile, data: bytes, path: str) -> Iterator[Piece]:
    sheets = _sheet_entries(package)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own types for every kind of damage
        raise ScanError(f"{path}: damaged workbook ({type(error).__name__}); re-save it") from None
    for sheet in sheets:
        yield from _sheet(package, workbook, sheet, path)
    yield from _defined_names(package, path)
    yield from _comments(package, sheets, path)
    yield from document_properties(package, path)
    yield from pivot_caches(package, path)
    yield from external_links(package, path)
    yield from _drawings_and_charts(package, path)
    yield from _embeddings(package, path)


def _sheet_entries(package: zipfile.ZipFile) -> list[SheetEntry]:
    root = parse_xml(package, "xl/workbook.xml")
    if root is None:
        raise ScanError("workbook part xl/workbook.xml is missing")
    rels = relationships(package, "xl/workbook.xml")
    entries = []
    for element in root.iter():
        if local(element.tag) != "sheet":
            continue
        rel = rels.get(element.get(f"{{{R_NS}}}id", ""), ("", ""))
        entries.append(SheetEntry(element.get("name", ""), element.get("state", "visible"), rel[1]))
    return entries


def _sheet(
    package: zipfile.ZipFile, workbook: CalamineWorkbook, entry: SheetEntry, path: str
) -> Iterator[Piece]:
    location = Location(path, "sheet", sheet=entry.name)
    if entry.state in ("hidden", "veryHidden"):
        how = "very hidden sheet" if entry.state == "veryHidden" else "hidden sheet"
        location = location.hide(how)
        yield HiddenContent(location, how)
    try:
        grid = workbook.get_sheet_by_name(entry.name).to_python(skip_empty_area=False)
    except Exception:  # a chart sheet or dialog sheet has no cells
        return
    xml = _read_part(package, entry.part)
    hidden_rows, hidden_cols = _hidden_rows_and_columns(xml)
    rows = [
        (number, [cell_text(v) for v in values])
        for number, values in enumerate(grid, start=1)
        if any(v not in (None, "") for v in values)
    ]
    yield from _hidden_facts(location, rows, hidden_rows, hidden_cols)
    yield from _outside_used_range(location, rows, xml)
    yield Table(location, rows, 1, frozenset(hidden_rows), frozenset(hidden_cols))


def _read_part(package: zipfile.ZipFile, part: str) -> bytes:
    try:
        return package.read(part)
    except KeyError:
        return b""


def _hidden_rows_and_columns(xml: bytes) -> tuple[set[int], set[int]]:
    rows: set[int] = set()
    for match in _ROW_TAG.finditer(xml):
        attrs = dict(_ATTR.findall(match[1]))
        hidden = attrs.get(b"hidden") in (b"1", b"true") or attrs.get(b"ht") in (b"0", b"0.0")
        if hidden and attrs.get(b"r", b"").isdigit():
            rows.add(int(attrs[b"r"]))
    columns: set[int] = set()
    head = xml[: xml.find(b"sheetData")] if b"sheetData" in xml else xml
    for match in _COL_TAG.finditer(head):
        attrs = dict(_ATTR.findall(match[1]))
        hidden = attrs.get(b"hidden") in (b"1", b"true") or attrs.get(b"width") in (b"0", b"0.0")
        if hidden and attrs.get(b"min", b"").isdigit() and attrs.get(b"max", b"").isdigit():
            columns.update(range(int(attrs[b"min"]), min(int(attrs[b"max"]), 16384) + 1))
    return rows, columns


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
    location: Location, rows: list[tuple[int, list[str]]], xml: bytes
) -> Iterator[HiddenContent]:
    match = _DIMENSION.search(xml[:4096])
    if not match or not rows:
        return
    last = _CELL_REF.match(match[1].decode().split(":")[-1])
    if not last:
        return
    max_row = int(last[2])
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
