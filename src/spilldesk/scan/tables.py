"""Person-level tables: find header rows, classify columns, and count the rows that tie a
name to an identifier or a date of birth. Streams: only a sample of rows is ever held,
unless the caller asks to keep the records (extraction)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from spilldesk.domain.anumber import is_a_number, mask_a_number, normalize_a_number
from spilldesk.scan.detectors.columns import (
    ENTITY_OF_FIELD,
    ID_FIELDS,
    NAME_FIELDS,
    PERSON_FIELDS,
    header_field,
    value_field,
)
from spilldesk.scan.detectors.date_of_birth import plausible_birth_date
from spilldesk.scan.detectors.passport import plausible_passport
from spilldesk.scan.detectors.ssn import mask_ssn, valid_ssn
from spilldesk.scan.pieces import Location, Row, Table, cell_range

SAMPLE_ROWS = 300
_STRONG_A = re.compile(r"^[Aa]\s?#?\s?-?\s?\d{3}-?\d{3}-?\d{2,3}$")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


@dataclass
class RecordBlock:
    """A run of rows under one header (or none) and what they disclose."""

    table: Table
    header_row: int | None
    headers: dict[int, str]
    fields: dict[int, str]
    records: int = 0
    hidden_records: int = 0
    first_row: int = 0
    last_row: int = 0
    identifiers: Counter[str] = field(default_factory=Counter)
    distinct_ids: set[str] = field(default_factory=set)
    examples: dict[str, list[str]] = field(default_factory=dict)
    kept: list[Row] = field(default_factory=list)

    @property
    def location(self) -> Location:
        columns = [i + self.table.first_column for i in self.fields]
        where = self.table.location
        if self.records and columns:
            where = where.at(
                cell=cell_range(self.first_row, self.last_row, min(columns), max(columns))
            )
        if self.hidden_records:
            where = where.hide(f"{self.hidden_records} record(s) in hidden rows")
        if any(c in self.table.hidden_columns for c in columns):
            where = where.hide("hidden columns")
        return where

    def entities(self) -> list[str]:
        return sorted({ENTITY_OF_FIELD[f] for f in self.fields.values() if f in ENTITY_OF_FIELD})


def record_blocks(table: Table, *, keep: bool = False) -> Iterator[RecordBlock]:
    """Every block that holds person records or identifiers (others are not yielded)."""
    rows = iter(table)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    block = _headerless_block(table, sample)
    for number, cells in itertools.chain(sample, rows):
        fields = _header_fields(cells)
        if fields is not None:
            if block.records or block.identifiers:
                yield block
            block = RecordBlock(table, number, _headers(cells), fields)
            continue
        _take_row(block, number, cells, keep)
    if block.records or block.identifiers:
        yield block


def _header_fields(cells: list[str]) -> dict[int, str] | None:
    fields = {}
    for index, text in enumerate(cells):
        if text and len(text) <= 48:
            found = header_field(text)
            if found is not None:
                fields[index] = found
    if len(fields) >= 2 and PERSON_FIELDS.intersection(fields.values()):
        return fields
    return None


def _headers(cells: list[str]) -> dict[int, str]:
    return {i: text for i, text in enumerate(cells) if text}


def _headerless_block(table: Table, sample: list[Row]) -> RecordBlock:
    """Columns classified by their values, on the rows before any header row."""
    before = list(itertools.takewhile(lambda row: _header_fields(row[1]) is None, sample))
    width = max((len(cells) for _, cells in before), default=0)
    fields = {}
    for index in range(width):
        found = value_field([cells[index] if index < len(cells) else "" for _, cells in before])
        if found is not None:
            fields[index] = found
    return RecordBlock(table, None, {}, fields)


def _take_row(block: RecordBlock, number: int, cells: list[str], keep: bool) -> None:
    has_name = False
    ids: list[tuple[str, str]] = []
    born = False
    for index, name in block.fields.items():
        value = cells[index] if index < len(cells) else ""
        if not value:
            continue
        if name in NAME_FIELDS:
            has_name = has_name or bool(_LETTERS.search(value))
        elif name in ID_FIELDS:
            if _valid_identifier(name, value):
                ids.append((name, value))
        elif name == "date_of_birth":
            born = born or plausible_birth_date(value)
    if "a_number" not in block.fields.values():
        ids += [("a_number", v) for v in cells if v and _STRONG_A.match(v) and is_a_number(v)]
    for name, value in ids:
        _count_identifier(block, name, value)
    if has_name and (ids or born):
        block.records += 1
        block.first_row = block.first_row or number
        block.last_row = number
        if number in block.table.hidden_rows:
            block.hidden_records += 1
        if keep:
            block.kept.append((number, cells))


def _valid_identifier(name: str, value: str) -> bool:
    if name == "a_number":
        return is_a_number(value)
    if name == "ssn":
        return valid_ssn(value)
    return plausible_passport(value.replace(" ", "").upper())


def _count_identifier(block: RecordBlock, name: str, value: str) -> None:
    entity = {"a_number": "A_NUMBER", "ssn": "SSN", "passport": "PASSPORT"}[name]
    block.identifiers[entity] += 1
    canonical = normalize_a_number(value) if name == "a_number" else value.replace("-", "")
    block.distinct_ids.add(f"{entity}:{canonical}")
    examples = block.examples.setdefault(entity, [])
    if len(examples) < 3:
        masked = {"a_number": mask_a_number, "ssn": mask_ssn}.get(name, _mask_passport)(value)
        examples.append(masked)


def _mask_passport(value: str) -> str:
    return "*" * max(len(value) - 3, 1) + value[-3:]
