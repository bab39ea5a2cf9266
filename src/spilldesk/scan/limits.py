"""How much work the gate does on one file before it calls the file an error.

A limit hit makes the file's verdict `error` (SPEC capability 2): the gate never judges what
it did not read. The worker's memory and time and the spreadsheet cell limits can also be set
from the environment (`SPILLDESK_SCAN_MEMORY`, e.g. `2G`; `SPILLDESK_SCAN_TIMEOUT`, in
seconds; `SPILLDESK_SCAN_SHEET_CELLS`, `SPILLDESK_SCAN_FILE_CELLS`), read each time a file is
judged by an entry point that was given no `Limits`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from spilldesk.scan.errors import ScanError

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
SHEET_ROWS = 1_048_576  # a spreadsheet's own grid (Excel, LibreOffice)
SHEET_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    # Archives (zip bombs): members, bytes unpacked, compression ratio, nesting.
    max_depth: int = 4
    max_members: int = 20_000
    max_unpacked: int = 1 << 30
    max_ratio: int = 400
    ratio_floor: int = 1 << 20  # small members may compress well; only large ones are judged
    # Spreadsheets: the cells of a sheet's grid (from row 1 to its last filled row, across its
    # filled columns), per sheet and summed over a workbook's sheets.
    max_sheet_cells: int = 5_000_000
    max_file_cells: int = 20_000_000
    # The worker process that reads one file: address space it may add, and wall time.
    memory: int = 2 << 30
    seconds: float = 120.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """The defaults with the environment's memory and time; a bad value is a ScanError
        (the gate cannot run safely, so nothing is judged)."""
        limits = cls()
        memory = environ.get("SPILLDESK_SCAN_MEMORY", "").strip()
        if memory:
            limits = replace(limits, memory=parse_size(memory, "SPILLDESK_SCAN_MEMORY"))
        seconds = environ.get("SPILLDESK_SCAN_TIMEOUT", "").strip()
        if seconds:
            limits = replace(limits, seconds=_positive(seconds, "SPILLDESK_SCAN_TIMEOUT"))
        for setting, field in _CELL_SETTINGS.items():
            cells = environ.get(setting, "").strip()
            if cells:
                limits = replace(limits, **{field: _count(cells, setting)})
        return limits


def parse_size(text: str, setting: str) -> int:
    """`2G`, `512M`, `1.5GiB` or a number of bytes."""
    match = _SIZE.match(text)
    if not match or float(match[1]) <= 0:
        raise ScanError(f"{setting}={text!r}: expected a size such as 2G or 512M")
    return int(float(match[1]) * _UNITS[match[2].upper()])


_CELL_SETTINGS = {
    "SPILLDESK_SCAN_SHEET_CELLS": "max_sheet_cells",
    "SPILLDESK_SCAN_FILE_CELLS": "max_file_cells",
}


def _count(text: str, setting: str) -> int:
    cleaned = text.replace("_", "").replace(",", "")
    if not cleaned.isdigit() or int(cleaned) <= 0:
        raise ScanError(f"{setting}={text!r}: expected a number of cells")
    return int(cleaned)


def _positive(text: str, setting: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ScanError(f"{setting}={text!r}: expected a number of seconds")
    return value


def human_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


DEFAULT_LIMITS = Limits()
