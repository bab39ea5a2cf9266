"""Lists that grow with an incident (tasks, a manifest's answers, holds, alerts, review
items): one line per row in aligned columns, written straight to stdout.

A rich table measures, pads and wraps every cell: printing a 10,000-line manifest's answers
took 6 of the 7 seconds of `clearance --manifest`, and 6,000 tasks 8 seconds. These lines
take milliseconds, never wrap or cut a value (an A-number cut in two ties to no one), and
read the same in a terminal, a file or `grep`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence


def print_listing(title: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """`title`, the column headers over a rule, then each row; columns two spaces apart."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [max([len(header), *(len(row[i]) for row in cells)])
              for i, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    lines = [title, line(headers), "  ".join("─" * w for w in widths)]
    lines += [line(row) for row in cells]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
