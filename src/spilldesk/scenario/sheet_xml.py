"""Writing a large sheet's rows as SpreadsheetML directly (openpyxl's per-cell objects cost
seconds for 125,000 cells): openpyxl writes the sheet with its header and first row, and the
rows are spliced into that part with the same cell styles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape  # nosec B406 # writes XML; parses nothing

from openpyxl.utils import get_column_letter

_EXCEL_EPOCH = datetime(1899, 12, 30)
_CELL_STYLE = re.compile(r'<c r="([A-Z]+)2"[^>]*?\ss="(\d+)"')


def _cell(ref: str, value: object, style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        serial = (value - _EXCEL_EPOCH).days
        return f'<c r="{ref}"{style} t="n"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style} t="n"><v>{value}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: Sequence[Sequence[object]], styles: dict[str, str], first_row: int) -> str:
    """`<row>` elements for the rows, numbered from first_row, cells styled per column."""
    width = max((len(row) for row in rows), default=0)
    letters = [get_column_letter(index + 1) for index in range(width)]
    style_attr = [f' s="{styles[c]}"' if c in styles else "" for c in letters]
    parts = []
    for number, row in enumerate(rows, start=first_row):
        cells = "".join(
            _cell(f"{letters[i]}{number}", value, style_attr[i]) for i, value in enumerate(row)
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    return "".join(parts)


def splice_rows(part: bytes, rows: Sequence[Sequence[object]]) -> bytes:
    """Replace the sheet's rows after the header (row 1) with `rows` (rows 2...)."""
    text = part.decode("utf-8")
    start = text.index("<sheetData>")
    header_end = text.index("</row>", start) + len("</row>")
    end = text.index("</sheetData>")
    styles = dict(_CELL_STYLE.findall(text[header_end:end]))
    body = rows_xml(rows, styles, first_row=2)
    last = f"{get_column_letter(max(len(r) for r in rows))}{len(rows) + 1}"
    text = text[:header_end] + body + text[end:]
    text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', text, count=1)
    return text.encode("utf-8")
