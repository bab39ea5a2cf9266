"""Merge docs/benchmarks/*.md into docs/benchmarks.md (run by `make bench`).

`--since FILE`: also name every section not rewritten since FILE was touched (a figure no
run of `make bench` reproduces), and exit 1 if there is one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# Benchmarks

Every figure here was measured by a script in `benchmarks/` (run them all with `make bench`),
side by side with a peer where the SPEC names one. The peers (Presidio, DataFog, recordlinkage,
pseudopeople, fpdf2, WeasyPrint, RE2, Hyperscan) are installed by `make bench-peers` into
`benchmarks/.peers-venv`, never into the project's environment, and run in a subprocess in the
same call. Tests never assert timings. Each section says when and with which command it was
measured, and the load on the machine; a section is rewritten whenever its script runs, and a
missed target is written as missed.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=Path, help="the file touched when the runs began")
    args = parser.parse_args()
    sections = sorted((ROOT / "docs" / "benchmarks").glob("*.md"))
    parts = [HEADER, *(path.read_text().strip() + "\n" for path in sections)]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(parts))
    print(f"wrote docs/benchmarks.md from {len(sections)} sections")
    if args.since:
        began = args.since.stat().st_mtime
        stale = [p.name for p in sections if p.stat().st_mtime < began]
        if stale:
            sys.exit(f"not rewritten by this run (no run in `make bench` writes them): "
                     f"{', '.join(stale)}")


if __name__ == "__main__":
    main()
