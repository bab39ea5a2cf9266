"""Every piece of a file and of the files inside it (archive members, embedded objects, PDF
attachments), flattened: what record extraction and the egress check read.

The walk fails exactly where the scanner's verdict is `error` (the same readers, the same
boundary, `errors.unreadable`, and the same nesting limit); pictures and fonts are skipped as
the scanner skips them (`readers.is_inert`), and an embedded file in a format the gate does
not read is listed in `uninspectable`, where the scanner asks a person to review it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from spilldesk.scan.errors import ScanError, UnsupportedFormat, unreadable
from spilldesk.scan.limits import Limits
from spilldesk.scan.pieces import Embedded, Piece
from spilldesk.scan.readers import is_inert, read_document


def every_piece(
    data: bytes, name: str, limits: Limits, uninspectable: list[str], depth: int = 0
) -> Iterator[Piece]:
    """Pieces of `data` and of its members (never an `Embedded` piece itself)."""
    try:
        if depth > limits.max_depth:
            raise ScanError(
                f"{name}: nested deeper than {limits.max_depth} levels; possible zip bomb"
            )
        for piece in read_document(lambda: io.BytesIO(data), name, limits):
            if not isinstance(piece, Embedded):
                yield piece
            elif not is_inert(piece):
                yield from _member(piece, name, depth, limits, uninspectable)
    except UnsupportedFormat:
        raise
    except Exception as error:  # the scanner's boundary: the whole file is an error
        raise unreadable(name, error) from None


def _member(
    piece: Embedded, parent: str, depth: int, limits: Limits, uninspectable: list[str]
) -> Iterator[Piece]:
    member = f"{parent}!/{piece.name}"
    try:
        yield from every_piece(piece.data, member, limits, uninspectable, depth + 1)
    except UnsupportedFormat:
        uninspectable.append(member)
