"""Canonical, normalised fields of an extracted person record (documented in docs/gate.md)."""

from __future__ import annotations

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.domain.countries import UnknownCountry, country_code
from spilldesk.domain.dates import InvalidDate, infer_day_first, parse_date
from spilldesk.domain.names import split_full_name
from spilldesk.scan.detectors.columns import fold_header, slug
from spilldesk.scan.tables import RecordBlock

_SEX = {
    "M": "M",
    "MALE": "M",
    "H": "M",
    "HOMBRE": "M",
    "MASCULINO": "M",
    "F": "F",
    "FEMALE": "F",
    "MUJER": "F",
    "FEMENINO": "F",
    "X": "X",
}
_SPANISH_HINTS = ("fecha", "nacimiento", "nac", "nascimento")
_DATES = ("date_of_birth", "book_in_date")


def block_fields(block: RecordBlock) -> dict[int, str]:
    """Column index → canonical field (or the slug of its header) for a record block.

    A column that only numbers the rows (`No.`, `#`: 1, 2, 3, ...) says nothing about the
    person and is no data element of the disclosure; the record's source keeps its row."""
    columns = dict(block.fields)
    for index, header in block.headers.items():
        if index not in columns and not _counts_rows(block, index):
            columns[index] = slug(header)
    return columns


def _counts_rows(block: RecordBlock, index: int) -> bool:
    values = [cells[index].strip() if index < len(cells) else "" for _, cells in block.kept]
    if not values or not all(v.isdigit() for v in values):
        return False
    numbers = [int(v) for v in values]
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


def date_orders(block: RecordBlock) -> dict[str, bool]:
    """Each date field's day/month order, settled once per block (not per row)."""
    return {name: _day_first(block, name) for name in _DATES}


def record_fields(
    columns: dict[int, str], cells: list[str], day_first: dict[str, bool]
) -> dict[str, str]:
    raw: dict[str, list[str]] = {}
    for index, name in columns.items():
        if index < len(cells) and cells[index]:
            raw.setdefault(name, []).append(cells[index])
    fields: dict[str, str] = {}
    for name, values in raw.items():
        text = " ".join(values)
        if name == "a_number":
            try:
                fields[name] = normalize_a_number(text)
            except InvalidANumber:
                fields["a_number_raw"] = text
        elif name == "full_name":
            fields["full_name"] = text
        elif name == "sex":
            fields[name] = _SEX.get(text.strip().upper(), "X")
        elif name == "country_of_citizenship":
            _country(fields, text)
        elif name in _DATES:
            _date(fields, name, text, day_first.get(name, False))
        else:
            fields[name] = text
    if "full_name" in fields and not ("family_name" in fields and "given_name" in fields):
        family, given = split_full_name(fields["full_name"])
        fields.setdefault("family_name", family)
        fields.setdefault("given_name", given)
    return fields


def _country(fields: dict[str, str], text: str) -> None:
    try:
        fields["country_of_citizenship"] = country_code(text)
    except (UnknownCountry, ValueError):
        fields["country_of_citizenship_raw"] = text


def _date(fields: dict[str, str], name: str, text: str, day_first: bool) -> None:
    fields[f"{name}_raw"] = text
    try:
        fields[name] = parse_date(text, day_first=day_first).isoformat()
    except (InvalidDate, ValueError):
        return


def _day_first(block: RecordBlock, name: str) -> bool:
    """The column's own order if its values settle it; Spanish headers default to day-first."""
    index = next((i for i, f in block.fields.items() if f == name), None)
    if index is None:
        return False
    inferred = infer_day_first(c[index] for _, c in block.kept if index < len(c))
    if inferred is not None:
        return inferred
    header = fold_header(block.headers.get(index, ""))
    return any(hint in header.split() or header.startswith(hint) for hint in _SPANISH_HINTS)
