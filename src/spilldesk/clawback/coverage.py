"""Which bytes of the document one client received, response by response.

A 200 delivers the body from its first byte; a 206 delivers the range it answers. When the
log records the range (CloudFront's `sc-range-start`/`sc-range-end`, a logged `Range`
header) the bytes are placed exactly; when it does not (the combined log format never
does), they count without a place — the file is taken as covered once the placed bytes and
the unplaced ones add up to its size. That errs towards "received the whole document": a
copy that is out there must not be missed.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"^\s*(?:bytes=)?\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Coverage:
    def __init__(self, size: int) -> None:
        self.size = size
        self.spans: list[tuple[int, int]] = []  # [start, end) placed
        self.unplaced = 0

    def whole_body(self, sent: int) -> None:
        """A 200: the body from byte 0, `sent` bytes of it."""
        self._place(0, min(sent, self.size))

    def partial(self, byte_range: str | None, sent: int) -> None:
        """A 206: `sent` bytes of the range asked for (placed when the range is known)."""
        span = self._span(byte_range, sent)
        if span is None:
            self.unplaced += sent
        else:
            self._place(*span)

    def complete(self) -> bool:
        return self._placed() + self.unplaced >= self.size

    def _span(self, byte_range: str | None, sent: int) -> tuple[int, int] | None:
        found = _RANGE.match(byte_range or "")  # several ranges (multipart): no single place
        if not found or not (found[1] or found[2]):
            return None
        first, last = found[1], found[2]
        if not first:  # the last `last` bytes
            start = max(self.size - int(last), 0)
            return start, min(self.size, start + sent)
        start = int(first)
        end = self.size if not last else min(int(last) + 1, self.size)
        return start, min(end, start + sent)

    def _place(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))

    def _placed(self) -> int:
        total, reach = 0, 0
        for start, end in sorted(self.spans):
            if end <= reach:
                continue
            total += end - max(start, reach)
            reach = end
        return total
