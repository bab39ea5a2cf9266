"""Reading the agency's tables (CSV, XLSX, Parquet) as rows of text, with their row numbers.

Row numbers are what a person opening the file sees: the header is row 1. Workbooks are
read by the gate's reader (`spilldesk.scan.read_first_sheet`: in a worker process, the sheet
measured and bounded first), so a crafted file gives a one-line error, never a crash.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from spilldesk.errors import ServiceError
from spilldesk.scan import ScanError, read_first_sheet


class TableError(ServiceError):
    """The file cannot be read as a table; the message names the file."""


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number, column → text)


def _text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def read_table(path: Path) -> Table:
    """Read the first sheet / the file; blank lines are skipped, never silently merged."""
    if not path.exists():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            header, body = _read_csv(path, "\t" if suffix == ".tsv" else ",")
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            header, body = _read_xlsx(path)
        elif suffix == ".parquet":
            header, body = _read_parquet(path)
        else:
            raise TableError(f"{path}: unsupported file type {suffix or '(none)'} "
                             "(use CSV, XLSX or Parquet)")
    except TableError:
        raise
    except ScanError as exc:
        raise TableError(str(exc)) from None
    except UnicodeDecodeError:
        raise TableError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except Exception as exc:
        raise TableError(f"{path}: cannot read the file ({type(exc).__name__})") from None
    header = [h.strip() for h in header]
    if not header or all(not h for h in header):
        raise TableError(f"{path}: no header row")
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in body:
        texts = [_text(v) for v in values]
        if not any(texts):
            continue
        if len(texts) > len(header) and any(texts[len(header):]):
            raise TableError(f"{path}, row {number}: more values than header columns")
        texts += [""] * (len(header) - len(texts))
        rows.append((number, dict(zip(header, texts, strict=False))))
    return Table(path, header, rows)


def _read_csv(path: Path, delimiter: str) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    handle = path.open(newline="", encoding="utf-8-sig")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise TableError(f"{path}: the file is empty") from None

    def body() -> Iterator[tuple[int, list[object]]]:
        with handle:
            for values in reader:
                yield reader.line_num, list(values)

    return header, body()


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    rows = read_first_sheet(path)
    if not rows:
        raise TableError(f"{path}: the first sheet is empty")
    number, values = rows[0]
    header = [_text(v) for v in values] if number == 1 else []
    return header, iter(rows[1:] if number == 1 else rows)


def _read_parquet(path: Path) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = [column.to_pylist() for column in table.columns]
    header = list(table.column_names)
    return header, (
        (index + 2, [column[index] for column in columns]) for index in range(table.num_rows)
    )
