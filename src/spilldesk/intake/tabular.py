"""Reading the agency's tables (CSV, XLSX, Parquet) as rows of text, with their row numbers.

Row numbers are what a person opening the file sees: the header is row 1. `open_table` streams:
CSV is read line by line and Parquet a record batch at a time, so a caller that consumes the
rows as they come holds one batch, not the file. Workbooks are read by the gate's reader
(`spilldesk.scan.read_first_sheet`: in a worker process, the sheet measured and bounded
first), so a crafted file gives a one-line error, never a crash; that reader hands the sheet
over whole (a sheet is at most 1,048,576 rows and the gate's limits bound it).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from spilldesk.errors import ServiceError
from spilldesk.scan import ScanError, read_first_sheet

T = TypeVar("T")


class TableError(ServiceError):
    """The file cannot be read as a table; the message names the file."""


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    rows: Iterable[tuple[int, dict[str, str]]]  # (row number, column → text)
    total: int | None = None  # rows in the file when the format says so cheaply (Parquet)


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
    """The whole table in memory (small files: manifests, lists)."""
    with open_table(path) as table:
        return Table(table.path, table.header, list(table.rows), table.total)


@contextmanager
def open_table(path: Path) -> Iterator[Table]:
    """The first sheet / the file, its rows read as they are consumed (once); blank lines are
    skipped, never silently merged. A file that turns out unreadable part-way raises
    TableError naming it."""
    if not path.exists():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    header, body, total = _guarded(path, lambda: _open(path, suffix))
    header = [h.strip() for h in header]
    if not header or all(not h for h in header):
        body.close()
        raise TableError(f"{path}: no header row")
    with closing(body):
        yield Table(path, header, _texts(path, header, body), total)


Body = Generator[tuple[int, list[object]], None, None]


def _open(path: Path, suffix: str) -> tuple[list[str], Body, int | None]:
    if suffix in (".csv", ".tsv", ".txt"):
        return *_read_csv(path, "\t" if suffix == ".tsv" else ","), None
    if suffix in (".xlsx", ".xlsm", ".xls"):
        header, rows = _read_xlsx(path)
        return header, rows, None
    if suffix == ".parquet":
        return _read_parquet(path)
    raise TableError(f"{path}: unsupported file type {suffix or '(none)'} "
                     "(use CSV, XLSX or Parquet)")


def _guarded(path: Path, read: Callable[[], T]) -> T:
    """Run a reading step; any failure becomes one line naming the file."""
    try:
        return read()
    except Exception as exc:
        raise _table_error(path, exc) from None


def _table_error(path: Path, exc: Exception) -> TableError:
    if isinstance(exc, TableError):
        return exc
    if isinstance(exc, ScanError):
        return TableError(str(exc))
    if isinstance(exc, UnicodeDecodeError):
        return TableError(f"{path}: not UTF-8 text (save the CSV as UTF-8)")
    return TableError(f"{path}: cannot read the file ({type(exc).__name__})")


def _texts(path: Path, header: list[str], body: Body) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(header)
    try:
        for number, values in body:
            texts = [v.strip() if type(v) is str else _text(v) for v in values]
            if not any(texts):
                continue
            if len(texts) > width and any(texts[width:]):
                raise TableError(f"{path}, row {number}: more values than header columns")
            texts += [""] * (width - len(texts))
            yield number, dict(zip(header, texts, strict=False))
    except Exception as exc:
        raise _table_error(path, exc) from None


def _read_csv(path: Path, delimiter: str) -> tuple[list[str], Body]:
    handle = path.open(newline="", encoding="utf-8-sig")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise TableError(f"{path}: the file is empty") from None

    def body() -> Body:
        with handle:
            for values in reader:
                yield reader.line_num, list(values)

    return header, body()


def _read_xlsx(path: Path) -> tuple[list[str], Body]:
    rows = read_first_sheet(path)
    if not rows:
        raise TableError(f"{path}: the first sheet is empty")
    number, values = rows[0]
    header = [_text(v) for v in values] if number == 1 else []
    return header, (row for row in (rows[1:] if number == 1 else rows))


def _read_parquet(path: Path) -> tuple[list[str], Body, int]:
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    header = list(source.schema_arrow.names)

    def body() -> Body:
        number = 2
        with closing(source):
            for batch in source.iter_batches(batch_size=PARQUET_BATCH):
                columns = [column.to_pylist() for column in batch.columns]
                for values in zip(*columns, strict=True):
                    yield number, list(values)
                    number += 1

    return header, body(), source.metadata.num_rows


PARQUET_BATCH = 10_000
