"""Every line of text a document holds, with its place: what the egress check reads to find
A-numbers and revealing words. Read as the gate reads everything: in a worker process, with
its limits, failing (ScanError) wherever the scanner's verdict would be `error`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spilldesk.scan.errors import ScanError
from spilldesk.scan.isolation import run_isolated
from spilldesk.scan.limits import Limits
from spilldesk.scan.pieces import Location, Piece, Table, TextPiece
from spilldesk.scan.readers import load_readers
from spilldesk.scan.unpacked import each_piece


@dataclass(frozen=True)
class Line:
    """A line of a text (`line`, from 1) or a table's row (`row`, as the viewer numbers it)."""

    location: Location
    text: str
    row: int | None = None
    line: int | None = None


def document_lines(path: str | Path, *, limits: Limits | None = None) -> list[Line]:
    if not Path(path).is_file():
        raise ScanError(f"{path}: no such file")
    chosen = limits or Limits.from_environment()
    load_readers()
    return run_isolated(_lines, str(path), chosen, name=str(path), limits=chosen)


def _lines(path: str, limits: Limits) -> list[Line]:
    with open(path, "rb") as handle:
        data = handle.read()
    found: list[Line] = []
    each_piece(data, path, limits, lambda piece: found.extend(piece_lines(piece)))
    return found


def piece_lines(piece: Piece) -> list[Line]:
    """A text's lines, a table's rows (its rows read: a streamed table is then spent)."""
    if isinstance(piece, TextPiece):
        return [
            Line(piece.location, text, line=number)
            for number, text in enumerate(piece.text.splitlines(), start=1)
        ]
    if isinstance(piece, Table):
        return [Line(piece.location, " ".join(cells), row=row) for row, cells in piece]
    return []
