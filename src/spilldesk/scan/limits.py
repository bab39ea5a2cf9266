"""How much work the gate does on one file before it calls the file an error.

A limit hit makes the file's verdict `error` (SPEC capability 2): the gate never judges what
it did not read. The worker's memory and time and the spreadsheet cell limits are settings
(`spilldesk.config`: `SPILLDESK_SCAN_MEMORY`, e.g. `2G`; `SPILLDESK_SCAN_TIMEOUT`, in
seconds; `SPILLDESK_SCAN_SHEET_CELLS`, `SPILLDESK_SCAN_FILE_CELLS`), whose defaults are the
`Limits` defaults; they are read each time a file is judged by an entry point that was given
no `Limits`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from spilldesk import config
from spilldesk.config import SCAN_FILE_CELLS, SCAN_MEMORY, SCAN_SHEET_CELLS, SCAN_TIMEOUT, Setting
from spilldesk.scan.errors import ScanError

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
    max_sheet_cells: int = SCAN_SHEET_CELLS.read({})
    max_file_cells: int = SCAN_FILE_CELLS.read({})
    # The worker process that reads one file: address space it may add, and wall time.
    memory: int = SCAN_MEMORY.read({})
    seconds: float = SCAN_TIMEOUT.read({})

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """The defaults with the environment's memory, time and cells; a bad value is a ScanError
        (the gate cannot run safely, so nothing is judged)."""
        return replace(cls(), **{field: _read(row, environ) for field, row in _SETTINGS.items()})


_SETTINGS: dict[str, Setting] = {
    "memory": SCAN_MEMORY, "seconds": SCAN_TIMEOUT,
    "max_sheet_cells": SCAN_SHEET_CELLS, "max_file_cells": SCAN_FILE_CELLS,
}


def _read(row: Setting, environ: Mapping[str, str]) -> object:
    try:
        return row.read(environ)
    except config.ConfigError as exc:
        raise ScanError(str(exc)) from None


def parse_size(text: str, setting: str) -> int:
    """`2G`, `512M`, `1.5GiB` or a number of bytes."""
    try:
        return config.parse_size(text)
    except ValueError as exc:
        raise ScanError(f"{setting}={text!r}: {exc}") from None


def human_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


DEFAULT_LIMITS = Limits()
