"""Registry import: 40,000 scenario persons, validated and sealed, against the raw floor.

Target (SPEC/issue #2): 40,000 persons in ≤ 10 s on this machine. The peer, run side by side on
the same rows, is the floor: the same CSV read with the csv module and written with sqlite3
executemany as plain text — no validation, no normalisation, no encryption, no blind index.
The ratio says what the desk's safety costs over doing nothing safely.

    python benchmarks/bench_registry.py [--persons 40000]

`scale` (issue #18): `spilldesk registry import` as a whole process on 100,000 and 1,000,000
persons, SQLite, each run in a fresh desk; wall time, CPU time and the process's peak resident
memory (getrusage RUSAGE_CHILDREN ru_maxrss, read in a fresh wrapper process per run so one run
cannot carry another's peak). Targets: 1,000,000 persons in ≤ 60 s, and peak memory flat in the
file's size. The large files are the 40,000-person scenario's rows repeated with fresh
A-numbers (the names repeat; A-numbers, the key, do not). `--src OTHER/src --label before`
runs another source tree on the same files beside this one (at the sizes in `--before-sizes`:
the old import held the whole file, 1,000,000 persons took 3.9 GB).

    python benchmarks/bench_registry.py scale [--sizes 100000 1000000] \
        [--src OLD/src --label before --before-sizes 100000] [--postgres URL]

`--postgres URL` runs the imports on PostgreSQL instead (a fresh database beside URL's for each
run, dropped after) and writes its own section.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
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


ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from spilldesk.cli.main import main; main()"]
TARGET_SECONDS = 60.0  # 1,000,000 persons
POSTGRES_10M_SECONDS = 600.0  # 10,000,000 persons into PostgreSQL with COPY (issue #18)
# One run in a fresh wrapper: its RUSAGE_CHILDREN is that one import's peak, not an earlier one.
# Its output goes to the file named by $BENCH_STDOUT, if set.
MEASURE = """
import json, os, resource, subprocess, sys, time
out = open(os.environ.get("BENCH_STDOUT", os.devnull), "w")
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=out, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024, "err": done.stderr.decode()[-300:]}))
"""


def padded_persons(source: Path, target: Path, count: int) -> Path:
    """`count` person rows: the scenario's rows over and over, each with a fresh A-number."""
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    column = header.index("a_number")
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for number, row in enumerate(itertools.islice(itertools.cycle(rows), count)):
            row = list(row)
            row[column] = f"A{300_000_000 + number:09d}"
            writer.writerow(row)
    return target


def _env(work: Path, src: Path, database: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPILLDESK_")}
    env["PYTHONPATH"] = str(src)
    env["SPILLDESK_HOME"] = str(work)
    if database:
        env["SPILLDESK_DATABASE_URL"] = database
    return env


def _admin(url: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


def _fresh_postgres(url: str, name: str) -> str:
    """A new empty database beside `url`'s (dropped first if a run left it)."""
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return f"{url.rsplit('/', 1)[0]}/{name}"


def _drop_postgres(url: str, name: str) -> None:
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def process_import(registry: Path, persons: Path, work: Path, src: Path,
                   database: str | None = None) -> dict[str, float]:
    """A fresh desk with the facilities and representatives, then the persons file, timed."""
    env = _env(work, src, database)
    subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "registry", "import", str(registry / "facilities.csv"),
                    str(registry / "representatives.csv")], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = subprocess.run([sys.executable, "-c", MEASURE, *CLI, "registry", "import",
                           str(persons)], env=env, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"registry import of {persons.name} failed: {result['err']}")
    return result


def scale(args: argparse.Namespace) -> None:
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root / "scenario", seed=2022, persons=40_000)
        registry = root / "scenario" / "registry"
        runs = [("this tree", ROOT / "src", args.sizes)]
        targets = {1_000_000: TARGET_SECONDS}
        if args.postgres:
            targets[10_000_000] = POSTGRES_10M_SECONDS
        if args.src:
            runs.append((args.label, Path(args.src).resolve(), args.before_sizes))
        for size in sorted(set(args.sizes) | set(args.before_sizes if args.src else [])):
            persons = padded_persons(registry / "persons.csv", root / f"persons-{size}.csv", size)
            for label, src, sizes in runs:
                if size not in sizes:
                    continue
                database = (_fresh_postgres(args.postgres, f"bench_registry_{len(lines)}")
                            if args.postgres else None)
                load = os.getloadavg()[0]
                r = process_import(registry, persons, root / f"desk-{label}-{size}", src,
                                   database)
                if args.postgres:
                    _drop_postgres(args.postgres, f"bench_registry_{len(lines)}")
                target = targets.get(size)
                verdict = ("" if target is None else
                           f" ({'met' if r['wall'] <= target else 'missed'})")
                lines.append(f"| {label} | {size:,} | {r['wall']:.1f} s{verdict} | "
                             f"{r['cpu']:.1f} s | {r['rss_mb']:,.0f} MB | "
                             f"{size / r['wall']:,.0f} | {load:.1f} |")
                print(lines[-1], flush=True)
                shutil.rmtree(root / f"desk-{label}-{size}")
            persons.unlink()
    where = "PostgreSQL" if args.postgres else "SQLite"
    body = (f"Whole process `spilldesk registry import persons.csv`, {where}, a fresh desk each. "
            f"Target: 1,000,000 persons in ≤ {TARGET_SECONDS:.0f} s by the wall clock"
            + (f", 10,000,000 in ≤ {POSTGRES_10M_SECONDS / 60:.0f} minutes" if args.postgres
               else "") + "; peak "
            "memory flat in the file's size. CPU is the import's and its reading worker's "
            "together (a file of 16 MB and up is read and checked in a second process; the "
            "database server's own CPU is not in it), so wall time below CPU time is the two "
            "overlapping. The load average (1 minute, 2 cores) before each run says how much "
            "of the machine other jobs were taking.\n\n"
            "| code | persons | wall | CPU | peak RSS | persons/s | load |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(lines))
    command = "python benchmarks/bench_registry.py scale " + " ".join(sys.argv[2:])
    area = "registry-scale-postgres" if args.postgres else "registry-scale"
    write_figures(area, f"Registry import at scale, {where}", body, command.strip())


def main() -> None:
    if sys.argv[1:2] == ["scale"]:
        parser = argparse.ArgumentParser(prog="bench_registry.py scale")
        parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
        parser.add_argument("--src", help="another source tree to run beside this one")
        parser.add_argument("--label", default="before")
        parser.add_argument("--before-sizes", type=int, nargs="+", default=[100_000])
        parser.add_argument("--postgres", help="a PostgreSQL URL: run there, a fresh database "
                            "beside it each run")
        scale(parser.parse_args(sys.argv[2:]))
        return
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
