"""Workbooks and documents written by hand with zipfile, so that a test controls every byte:
cells of a wrong type, absurd dimensions, chart sheets, parts that are damaged on purpose."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from tests.scan.scan_people import HEADERS_EN, Person, people

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = f"{REL}/worksheet"
CHARTSHEET = f"{REL}/chartsheet"
DIALOGSHEET = f"{REL}/dialogsheet"
_CONTENT_TYPES = {
    WORKSHEET: "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    CHARTSHEET: "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml",
    DIALOGSHEET: "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml",
}


def column(index: int) -> str:
    """0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def rows_xml(rows: Sequence[Sequence[str]], first_row: int = 1) -> str:
    return "".join(
        f'<row r="{n}">'
        + "".join(cell(f"{column(i)}{n}", v) for i, v in enumerate(values) if v)
        + "</row>"
        for n, values in enumerate(rows, start=first_row)
    )


def sheet_xml(body: str, dimension: str | None = None) -> str:
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{head}<sheetData>{body}</sheetData></worksheet>'


def person_rows(count: int = 12, seed: int = 7) -> list[list[str]]:
    """A header row and `count` rows of names, A-numbers and dates of birth."""
    crowd: list[Person] = people(count, seed=seed)
    return [HEADERS_EN[:4]] + [p.row_en()[:4] for p in crowd]


def workbook(
    sheets: Sequence[tuple[str, str]],
    *,
    kinds: Sequence[str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An XLSX package: `sheets` are (name, sheet part XML); `kinds` the relationship types."""
    kinds = list(kinds or [WORKSHEET] * len(sheets))
    folders = {WORKSHEET: "worksheets", CHARTSHEET: "chartsheets", DIALOGSHEET: "dialogsheets"}
    parts = {
        f"xl/{folders[kind]}/sheet{n}.xml": xml
        for n, ((_, xml), kind) in enumerate(zip(sheets, kinds, strict=True), start=1)
    }
    overrides = "".join(
        f'<Override PartName="/{part}" ContentType="{_CONTENT_TYPES[kind]}"/>'
        for part, kind in zip(parts, kinds, strict=True)
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    entries = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, (name, _) in enumerate(sheets, start=1)
    )
    book = f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>'
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{part[3:]}"/>'
        for n, (part, kind) in enumerate(zip(parts, kinds, strict=True), start=1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        package.writestr("xl/workbook.xml", book)
        package.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
        )
        for part, xml in parts.items():
            package.writestr(part, xml)
        for part, data in (extra or {}).items():
            package.writestr(part, data)
    return buffer.getvalue()


def numeric_cell_holding_text() -> bytes:
    """Issue #10, edge 1: 12 people on a sheet calamine rejects (a numeric cell holding text)."""
    body = rows_xml(person_rows(12)) + '<row r="14"><c r="A14" t="n"><v>abc</v></c></row>'
    return workbook([("Summary", sheet_xml(rows_xml([["AOR", "ADP"], ["SNA", "31"]]))),
                     ("People", sheet_xml(body))])


def whole_grid_claim() -> bytes:
    """Issue #10, edge 2: a few KB that claim A1:XFD1048576, with cells at both corners."""
    body = rows_xml([["AOR", "ADP"]]) + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>"
    return workbook([("Stats", sheet_xml(body, "A1:XFD1048576"))])


def reference_less_rows(rows: Sequence[Sequence[str]]) -> str:
    """Rows whose cells carry no `r` (some writers omit it): each follows the previous one."""
    return "".join(
        "<row>"
        + "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in values)
        + "</row>"
        for values in rows
    )


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
