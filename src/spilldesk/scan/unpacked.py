"""Every piece of a file and of the files inside it (archive members, embedded objects, PDF
attachments), through the scanner's own walk (`scanner.walk_document`): what record
extraction, document lines, the egress check and the monitor read.

It fails exactly where the scanner's verdict is `error` (the same walk, readers, boundary and
nesting limit: it is the gate's walk with another judge); pictures and fonts are skipped as
the scanner skips them, and an embedded file in a format the gate does not read is listed,
where the scanner asks a person to review it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from spilldesk.scan.errors import ScanError
from spilldesk.scan.limits import Limits
from spilldesk.scan.pieces import Piece, Unopened
from spilldesk.scan.report import FileReport, Finding, Verdict
from spilldesk.scan.scanner import walk_document


def each_piece(
    data: bytes, name: str, limits: Limits, use: Callable[[Piece], object]
) -> list[str]:
    """Hand `use` every piece of `data` and of its members (never an `Embedded` piece
    itself); return the embedded files the gate cannot open. Raises ScanError, inside the
    walk's boundary or after it, wherever the scanner's verdict would be `error`."""
    unopened: list[str] = []

    def collect(piece: Piece) -> Iterable[Finding]:
        if isinstance(piece, Unopened):
            unopened.append(piece.location.path)
        else:
            use(piece)
        return ()

    report = walk_document(lambda: io.BytesIO(data), name, limits, collect)
    if report.verdict is Verdict.ERROR:
        raise ScanError(_first_error(report))
    return unopened


def _first_error(report: FileReport) -> str:
    """The first failure the report lists (a file's own, then its members' in order)."""
    return next(
        (r.error for r in report.flattened() if r.error is not None),
        f"{report.path}: unreadable",
    )
