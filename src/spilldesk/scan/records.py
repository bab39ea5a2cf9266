"""extract_records: the person records a disclosed document holds, and where each came from.

Used by incident ingestion and linkage. Records come only from tables classified as
person-level (every such table in the file, hidden ones and archive members included);
fields are canonical and normalised (see docs/gate.md, "Canonical fields").
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from spilldesk.scan.errors import ScanError, UnsupportedFormat
from spilldesk.scan.findings import text_tables
from spilldesk.scan.normalise import block_fields, date_orders, record_fields
from spilldesk.scan.pieces import Embedded, Table, TextPiece
from spilldesk.scan.readers import DEFAULT_LIMITS, read_document
from spilldesk.scan.tables import RecordBlock, record_blocks


@dataclass(frozen=True)
class Source:
    path: str
    part: str
    sheet: str | None
    row: int | None
    page: int | None
    hidden: bool


@dataclass(frozen=True)
class PersonRecord:
    source: Source
    fields: dict[str, str]


@dataclass(frozen=True)
class Extraction:
    path: str
    sha256: str
    records: list[PersonRecord]
    data_elements: list[str]


def extract_records(path: str | Path) -> Extraction:
    """Every person record in the file at `path`; raises ScanError if it cannot be read."""
    file = Path(path)
    if not file.is_file():
        raise ScanError(f"{path}: no such file")
    data = file.read_bytes()
    records: list[PersonRecord] = []
    elements: set[str] = set()
    for block in _blocks(lambda: io.BytesIO(data), str(path), 0):
        columns = block_fields(block)
        elements.update(columns.values())
        records += _records(block, columns)
    return Extraction(str(path), hashlib.sha256(data).hexdigest(), records, sorted(elements))


def _blocks(opener: Callable[[], BinaryIO], name: str, depth: int) -> Iterator[RecordBlock]:
    if depth > DEFAULT_LIMITS.max_depth:
        raise ScanError(f"{name}: nested deeper than {DEFAULT_LIMITS.max_depth} levels")
    for piece in read_document(opener, name):
        tables: list[Table] = []
        if isinstance(piece, Table):
            tables = [piece]
        elif isinstance(piece, TextPiece):
            tables = [table for table, _ in text_tables(piece)]
        elif isinstance(piece, Embedded):
            member = f"{name}!/{piece.name}"
            # A picture or a binary object holds no table to extract.
            with contextlib.suppress(UnsupportedFormat):
                yield from _blocks(_opener(piece.data), member, depth + 1)
        for table in tables:
            yield from (b for b in record_blocks(table, keep=True) if b.records)


def _opener(data: bytes) -> Callable[[], BinaryIO]:
    return lambda: io.BytesIO(data)


def _records(block: RecordBlock, columns: dict[int, str]) -> list[PersonRecord]:
    where = block.location
    table = block.table
    hidden_columns = any(i + table.first_column in table.hidden_columns for i in columns)
    made = []
    orders = date_orders(block)
    for number, cells in block.kept:
        hidden = table.location.hidden or number in table.hidden_rows or hidden_columns
        source = Source(where.path, where.part, where.sheet, number, where.page, hidden)
        made.append(PersonRecord(source, record_fields(columns, cells, orders)))
    return made
