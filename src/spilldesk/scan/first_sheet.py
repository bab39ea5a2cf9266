"""The first sheet of a workbook as rows of values: how the agency's own tables (registry
imports, removal manifests) are read. Untrusted bytes all the same: read in a worker process,
the sheet measured and bounded before calamine builds it (see readers.xlsx_grid)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from spilldesk.scan.isolation import run_isolated
from spilldesk.scan.limits import Limits

if TYPE_CHECKING:
    from spilldesk.scan.readers.xlsx_grid import ValueRow


def read_first_sheet(path: str | Path, *, limits: Limits | None = None) -> list[ValueRow]:
    """(row number, values from column A) for each non-empty row; raises ScanError."""
    from spilldesk.scan.readers.xlsx_grid import first_sheet_rows  # calamine, when needed

    chosen = limits or Limits.from_environment()
    return run_isolated(first_sheet_rows, str(path), chosen, name=str(path), limits=chosen)
