"""Registry import: 40,000 scenario persons, validated and sealed, against the raw floor.

Target (SPEC/issue #2): 40,000 persons in ≤ 10 s on this machine. The peer, run side by side on
the same rows, is the floor: the same CSV read with the csv module and written with sqlite3
executemany as plain text — no validation, no normalisation, no encryption, no blind index.
The ratio says what the desk's safety costs over doing nothing safely.

    python benchmarks/bench_registry.py [--persons 40000]
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from spilldesk.config import Settings
from spilldesk.intake.registry import import_file
from spilldesk.scenario import generate
from spilldesk.scenario.timeline import EASTERN
from spilldesk.store.db import initialise

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402


def desk_import(scenario: Path, work: Path, url: str | None) -> tuple[float, float]:
    if url:
        os.environ["SPILLDESK_DATABASE_URL"] = url
    else:
        os.environ.pop("SPILLDESK_DATABASE_URL", None)
    store = initialise(Settings.load(work))
    registry = scenario / "registry"
    with store.session() as session:
        import_file(session, registry / "facilities.csv", kind=None, actor="bench", tz=EASTERN)
        import_file(session, registry / "representatives.csv", kind=None, actor="bench", tz=EASTERN)
    started = time.perf_counter()
    with store.session() as session:
        import_file(session, registry / "persons.csv", kind=None, actor="bench", tz=EASTERN)
    first = time.perf_counter() - started
    started = time.perf_counter()
    with store.session() as session:
        import_file(session, registry / "persons.csv", kind=None, actor="bench", tz=EASTERN)
    again = time.perf_counter() - started
    store.close()
    return first, again


def floor_import(scenario: Path, work: Path) -> float:
    started = time.perf_counter()
    with (scenario / "registry" / "persons.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    connection = sqlite3.connect(work / "floor.db")
    columns = ", ".join(f'"{c}" TEXT' for c in header)
    connection.execute(f"CREATE TABLE persons ({columns})")
    marks = ", ".join("?" for _ in header)
    connection.executemany(f"INSERT INTO persons VALUES ({marks})", rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=40_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root / "scenario", seed=2022, persons=args.persons)
        first, again = desk_import(root / "scenario", root / "desk", None)
        floor = floor_import(root / "scenario", root)
        lines = [
            f"| registry import, {args.persons:,} persons, SQLite | {first:.2f} s | ≤ 10 s |",
            f"| re-import of the same file (idempotent, nothing changes) | {again:.2f} s | |",
            f"| peer: raw csv → sqlite3 executemany, no validation or encryption | {floor:.2f} s "
            f"| ratio {first / floor:.1f}× |",
        ]
        url = os.environ.get("SPILLDESK_BENCH_POSTGRES_URL")
        if url:
            pg_first, _ = desk_import(root / "scenario", root / "desk-pg", url)
            lines.append(f"| registry import, {args.persons:,} persons, PostgreSQL | "
                         f"{pg_first:.2f} s | ≤ 10 s |")
    print("\n".join(lines))
    write_figures("registry", "Registry import",
                  "| measure | figure | target |\n|---|---|---|\n" + "\n".join(lines),
                  "python benchmarks/bench_registry.py")


if __name__ == "__main__":
    main()
