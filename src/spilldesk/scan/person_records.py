"""extract_records: the person records a disclosed document holds, and where each came from.

Used by incident ingestion and linkage. Records come only from tables classified as
person-level (every such table in the file, hidden ones and archive members included);
fields are canonical and normalised (see docs/gate.md, "Canonical fields").

It reads what the scanner reads, through the scanner's own walk, in a worker process, and
fails exactly when the scanner's verdict is `error` (see `unpacked.each_piece`). Asked for
`lines`, the same single reading also gives every line of text and table row (what the
egress check reads to find A-numbers and revealing words).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from spilldesk.scan.errors import ScanError
from spilldesk.scan.findings import text_tables
from spilldesk.scan.isolation import run_isolated
from spilldesk.scan.limits import Limits
from spilldesk.scan.lines import Line, piece_lines
from spilldesk.scan.normalise import block_fields, date_orders, record_fields
from spilldesk.scan.pieces import Piece, Table, TextPiece
from spilldesk.scan.readers import load_readers
from spilldesk.scan.tables import RecordBlock, record_blocks
from spilldesk.scan.unpacked import each_piece


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
    uninspectable: list[str] = field(default_factory=list)  # embedded files not readable
    lines: list[Line] = field(default_factory=list)  # only when asked for


def extract_records(
    path: str | Path, *, limits: Limits | None = None, lines: bool = False
) -> Extraction:
    """Every person record in the file at `path` (and, with `lines`, every line of text and
    table row, `document_lines`'s), read once in a worker process.

    Raises ScanError, and only ScanError, whenever the scanner's verdict would be `error`.
    """
    file = Path(path)
    if not file.is_file():
        raise ScanError(f"{path}: no such file")
    chosen = limits or Limits.from_environment()
    load_readers()
    return run_isolated(_extract, str(path), chosen, lines, name=str(path), limits=chosen)


def _extract(path: str, limits: Limits, with_lines: bool = False) -> Extraction:
    with open(path, "rb") as handle:
        data = handle.read()
    records: list[PersonRecord] = []
    elements: set[str] = set()
    lines: list[Line] = []

    def use(piece: Piece) -> None:
        if with_lines:
            if isinstance(piece, Table):  # read twice below: a streamed table is held
                piece = replace(piece, rows=list(piece.rows))
            lines.extend(piece_lines(piece))
        for block in _blocks(piece):
            columns = block_fields(block)
            elements.update(columns.values())
            records.extend(_records(block, columns))

    uninspectable = each_piece(data, path, limits, use)
    digest = hashlib.sha256(data).hexdigest()
    return Extraction(path, digest, records, sorted(elements), uninspectable, lines)


def _blocks(piece: Piece) -> Iterator[RecordBlock]:
    tables: list[Table] = []
    if isinstance(piece, Table):
        tables = [piece]
    elif isinstance(piece, TextPiece):
        tables = [table for table, _ in text_tables(piece)]
    for table in tables:
        yield from (b for b in record_blocks(table, keep=True) if b.records)


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
