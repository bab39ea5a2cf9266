"""Compiled regex engines against Python's `re` on the gate's own patterns (run in the peers'
environment by bench_gate.py).

    python benchmarks/peer_regex.py PATTERNS.json OUT.json

PATTERNS.json: the detectors' patterns (name, source, bare) and the dense corpus. For each pattern,
each engine either compiles it or says why not (RE2 and Hyperscan have no look-behind, which
most of the gate's patterns use to scan from their rarest character), and the ones that
compile are timed over the whole corpus (CPU time, best of 3), matches counted. The same
again for each pattern without its look-arounds and `\\b` (`bare_*`, made by the gate's own
`engine.bare`, the form the gate hands Hyperscan): the scanning speed an engine would give if
the boundaries were checked after each match.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import hyperscan
import re2


def best(scan: Callable[[], int]) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(3):
        began = time.process_time()
        found = scan()
        times.append(time.process_time() - began)
    return min(times), found


def with_re(source: str, text: str) -> tuple[float, int]:
    pattern = re.compile(source)
    return best(lambda: sum(1 for _ in pattern.finditer(text)))


def with_re2(source: str, text: str) -> tuple[float, int] | str:
    try:
        pattern = re2.compile(source)
    except Exception as error:  # re2.error: the syntax it does not have
        return f"not compiled ({str(error)[:60]})"
    return best(lambda: sum(1 for _ in pattern.finditer(text)))


def with_hyperscan(source: str, data: bytes) -> tuple[float, int] | str:
    database = hyperscan.Database()
    try:
        database.compile(expressions=[source.encode()], ids=[0],
                         flags=[hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST])
    except Exception as error:  # hyperscan.error: look-arounds and back-references
        return f"not compiled ({str(error)[:60]})"
    count = [0]

    def found(*_: Any) -> None:
        count[0] += 1

    def scan() -> int:
        count[0] = 0
        database.scan(data, match_event_handler=found)
        return count[0]

    return best(scan)


def main() -> None:
    given, out = Path(sys.argv[1]), Path(sys.argv[2])
    data = json.loads(given.read_text(encoding="utf-8"))
    text = data["text"]
    raw = text.encode()
    rows = []
    for name, source, bare in data["patterns"]:
        rows.append({"name": name, "re": with_re(source, text), "re2": with_re2(source, text),
                     "hyperscan": with_hyperscan(source, raw), "bare_re": with_re(bare, text),
                     "bare_re2": with_re2(bare, text),
                     "bare_hyperscan": with_hyperscan(bare, raw)})
    out.write_text(json.dumps({"rows": rows, "re2": version("google-re2"),
                               "hyperscan": version("hyperscan")}))


if __name__ == "__main__":
    main()
