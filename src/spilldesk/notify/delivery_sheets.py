"""Read delivery results back: officers' completed sheets and the mail house's files (CSV).

Columns (header row, names exactly as below): `status`, `at` and either `notice_number` or
`a_number` (+ `recipient`, default noncitizen) are required; `method`, `served_by`,
`location`, `note` are optional. Rows with an empty status are skipped (not yet served).
"""

from __future__ import annotations

import csv
from pathlib import Path
from zoneinfo import ZoneInfo

from spilldesk.domain.dates import InvalidDate, parse_timestamp
from spilldesk.notify.notices import Delivery, DeliveryRow, NoticeError

COLUMNS = ("notice_number", "a_number", "recipient", "status", "at", "method", "served_by",
           "location", "note")


def read_delivery_sheet(path: Path, tz: ZoneInfo) -> list[DeliveryRow]:
    """Every filled-in row of a delivery sheet; NoticeError names file, row and field."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            _check_header(path, header)
            return [row for number, raw in enumerate(reader, start=2)
                    if (row := _row(path, number, raw, tz)) is not None]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problem = exc.__class__.__name__
        raise NoticeError(f"{path.name}: cannot be read as CSV ({problem})") from None


def _check_header(path: Path, header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise NoticeError(f"{path.name}: row 1: unknown column(s) {', '.join(unknown)}; "
                          f"expected {', '.join(COLUMNS)}")
    missing = [name for name in ("status", "at") if name not in header]
    if missing or not ({"notice_number", "a_number"} & set(header)):
        raise NoticeError(f"{path.name}: row 1: needs columns status, at and notice_number "
                          "(or a_number)")


def _row(path: Path, number: int, raw: dict[str, str | None], tz: ZoneInfo) -> DeliveryRow | None:
    cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
    status = cells.get("status", "").lower()
    if not status:
        return None
    try:
        at = parse_timestamp(cells.get("at", ""), tz)
    except InvalidDate as exc:
        raise NoticeError(f"{path.name}: row {number}: at: {exc}") from None
    delivery = Delivery(status=status, at=at, method=cells.get("method", "").lower() or None,
                        served_by=cells.get("served_by") or None,
                        location=cells.get("location") or None, note=cells.get("note") or None)
    return DeliveryRow(row=number, delivery=delivery,
                       notice_number=cells.get("notice_number", ""),
                       a_number=cells.get("a_number", ""), recipient=cells.get("recipient", ""))
