"""Workbook parts that keep copies of data out of sight: pivot caches and external links."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from spilldesk.scan.pieces import Location, Piece, Table
from spilldesk.scan.readers.ooxml import local, parse_xml

_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def pivot_caches(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    """Each pivot cache as a table: its field names as a header row, then its records."""
    for name in sorted(package.namelist()):
        match = re.match(r"xl/pivotCache/pivotCacheDefinition(\d+)\.xml$", name)
        if not match:
            continue
        definition = parse_xml(package, name)
        if definition is None:
            continue
        fields, shared = _cache_fields(definition)
        records = parse_xml(package, f"xl/pivotCache/pivotCacheRecords{match[1]}.xml")
        rows = [(1, fields)]
        if records is not None:
            rows += _cache_records(records, shared)
        else:
            # Without records, the shared items still hold every distinct value per field.
            depth = max((len(items) for items in shared), default=0)
            rows += [
                (n + 2, [items[n] if n < len(items) else "" for items in shared])
                for n in range(depth)
            ]
        location = Location(path, "pivot_cache", cell=name).hide("pivot cache")
        yield Table(location, rows)


def _cache_fields(definition: etree._Element) -> tuple[list[str], list[list[str]]]:
    fields: list[str] = []
    shared: list[list[str]] = []
    for element in definition.iter():
        if local(element.tag) == "cacheField":
            fields.append(element.get("name", ""))
            items = [
                item.get("v", "")
                for holder in element
                if local(holder.tag) == "sharedItems"
                for item in holder
            ]
            shared.append(items)
    return fields, shared


def _cache_records(records: etree._Element, shared: list[list[str]]) -> list[tuple[int, list[str]]]:
    rows = []
    for number, record in enumerate((r for r in records if local(r.tag) == "r"), start=2):
        cells = []
        for index, value in enumerate(record):
            text = value.get("v", "")
            if local(value.tag) == "x" and index < len(shared) and text.isdigit():
                items = shared[index]
                text = items[int(text)] if int(text) < len(items) else ""
            cells.append(text)
        rows.append((number, cells))
    return rows


def external_links(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    """Cached values of linked workbooks: one table per cached sheet."""
    for name in sorted(package.namelist()):
        if not re.match(r"xl/externalLinks/externalLink\d+\.xml$", name):
            continue
        root = parse_xml(package, name)
        if root is None:
            continue
        for sheet_data in (e for e in root.iter() if local(e.tag) == "sheetData"):
            grid: dict[int, dict[int, str]] = {}
            for cell in (e for e in sheet_data.iter() if local(e.tag) == "cell"):
                match = _CELL_REF.match(cell.get("r", ""))
                values = [v.text or "" for v in cell if local(v.tag) == "v"]
                if match and values:
                    grid.setdefault(int(match[2]), {})[_column_number(match[1])] = values[0]
            rows = [
                (r, [cols.get(c, "") for c in range(1, max(cols) + 1)])
                for r, cols in sorted(grid.items())
            ]
            location = Location(path, "external_link", cell=name).hide("external link cache")
            yield Table(location, rows)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
