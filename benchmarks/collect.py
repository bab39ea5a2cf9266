"""Merge docs/benchmarks/*.md into docs/benchmarks.md (run by `make bench`)."""

from __future__ import annotations

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
    parts = [HEADER]
    for path in sorted((ROOT / "docs" / "benchmarks").glob("*.md")):
        parts.append(path.read_text().strip() + "\n")
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(parts))
    print(f"wrote docs/benchmarks.md from {len(parts) - 1} sections")


if __name__ == "__main__":
    main()
