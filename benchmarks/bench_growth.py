"""Cost as work grows (issue #18): the desk's big jobs on registries of growing size.

For each registry size (default 100,000 and 1,000,000 persons; `--sizes ... 10000000` for
the 10 million run), a fresh desk and, each as a whole process the way an officer runs it:

- `registry import persons.csv` (the registry, sealed);
- `incident ingest` of a 6,252-row disclosed list (the Nov 28 sheet's size), not timed;
- `link` (resolve the list to the registry);
- `plan` (tasks, holds, notices for everyone linked);
- `clearance A-NUMBER` (one check, median of 5 processes);
- `clearance --manifest` of 10,000 lines (a removal manifest).

Wall time and peak resident memory of each (getrusage RUSAGE_CHILDREN in a fresh wrapper
process per step), and the growth exponent b of time ≈ c·Nᵇ between consecutive sizes
(1 means linear; the disclosed list and the manifest keep their size, so only the registry
grows). The registry is `spilldesk.scenario.noisy_registry`'s (two surnames, accents,
transliterations) and the list its noisy records of persons in custody on Nov 19, 2022, 90%
with an A-number; the truth scores the link (precision, recall), and the link's audited bulk
read says how many registry persons it decrypted. Linkage targets (SPEC): 1,000,000 persons
in ≤ 15 s and ≤ 2 GB, 10,000,000 in ≤ 90 s and ≤ 12 GB, reading and decrypting included.

    python benchmarks/bench_growth.py [--sizes 100000 1000000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_registry import CLI, MEASURE, ROOT, _drop_postgres, _env, _fresh_postgres  # noqa: E402
from figures import write_figures  # noqa: E402

RECORDS = 6252
MANIFEST_LINES = 10_000
REFERENCE = "2022-11-19"
LINK_TARGETS = {1_000_000: (15.0, 2048.0), 10_000_000: (90.0, 12 * 1024.0)}  # s, MB
STEPS = ("registry import", "link", "plan", "clearance (one)", "clearance (manifest)")


def write_registry(size: int, folder: Path) -> tuple[Path, Path, Path, dict[int, str]]:
    """persons.csv, the disclosed list, a manifest, and the truth (record row → A-number)."""
    from spilldesk.scenario.noisy_registry import make_disclosed, make_registry

    registry = make_registry(size, seed=7, reference=REFERENCE)
    in_custody = (registry.book_in_date <= REFERENCE) & (
        registry.book_out_date.isna() | (registry.book_out_date >= REFERENCE)
    )
    persons = folder / "persons.csv"
    out = registry.rename(columns={"country": "country_of_citizenship"}).drop(
        columns="person_id"
    )
    out["custody"] = in_custody.map({True: "detained", False: "released"})
    out["language"] = "es"
    out.to_csv(persons, index=False, lineterminator="\n")
    records = make_disclosed(registry[in_custody], RECORDS, seed=11)
    a_numbers = dict(zip(registry.person_id, registry.a_number, strict=True))
    truth = {
        int(row): a_numbers[int(person)]
        for row, person in zip(records.unique_id, records.true_person_id, strict=True)
    }
    disclosed = folder / "disclosed.csv"
    with disclosed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["A-Number", "Last Name", "First Name", "Date of Birth", "Sex",
                         "Country of Citizenship"])
        for r in records.itertuples(index=False):
            writer.writerow([r.a_number or "", r.family_name, r.given_name, r.date_of_birth,
                             r.sex, r.country])
    manifest = folder / "manifest.csv"
    picked = registry.a_number.sample(min(MANIFEST_LINES, size), random_state=5)
    picked.to_frame().to_csv(manifest, index=False, lineterminator="\n")
    return persons, disclosed, manifest, truth


def timed(env: dict[str, str], *args: str, answers: tuple[int, ...] = (0,),
          output: Path | None = None) -> dict[str, float]:
    """One whole process, timed; `answers`: the exit codes that are answers, not failures
    (`clearance` exits 1 when someone is blocked); `output`: where its stdout goes."""
    env = {**env, "BENCH_STDOUT": str(output)} if output else env
    done = subprocess.run([sys.executable, "-c", MEASURE, *CLI, *args], env=env,
                          check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    if result["code"] not in answers:
        raise SystemExit(f"`spilldesk {args[0]}` failed: {result['err']}")
    return result


def quiet(env: dict[str, str], *args: str) -> str:
    return subprocess.run([*CLI, *args], env=env, check=True, capture_output=True,
                          text=True).stdout


def open_desk(env: dict[str, str], persons: Path, disclosed: Path) -> dict[str, float]:
    """A fresh desk: the registry imported (timed; its figures returned), incident NOV28
    opened and the disclosed list ingested."""
    quiet(env, "init")
    imported = timed(env, "registry", "import", str(persons))
    quiet(env, "incident", "open", "NOV28", "--title", "Detention statistics posting",
          "--exposed-from", "2022-11-28T09:45:00-05:00",
          "--exposed-until", "2022-11-28T14:04:00-05:00",
          "--custody-reference-date", REFERENCE, "--disclosed-how", "public_posting",
          "--language", "en", "--language", "es")
    quiet(env, "incident", "ingest", "NOV28", str(disclosed))
    return imported


def run_size(size: int, root: Path, database: str | None) -> dict[str, object]:
    folder = root / f"{size}"
    folder.mkdir()
    persons, disclosed, manifest, truth = write_registry(size, folder)
    env = _env(folder / "desk", ROOT / "src", database)
    load = os.getloadavg()[0]
    steps = {"registry import": open_desk(env, persons, disclosed)}
    steps["link"] = timed(env, "link", "NOV28", "--json", "--show-a-numbers",
                          output=folder / "link.json")
    linked = json.loads((folder / "link.json").read_text())
    decrypted = _persons_decrypted(env)
    steps["plan"] = timed(env, "plan", "NOV28")
    one = next(iter(truth.values()))
    checks = [timed(env, "clearance", one, "--on", "2022-12-01", answers=(0, 1))
              for _ in range(5)]
    steps["clearance (one)"] = {
        "wall": statistics.median(c["wall"] for c in checks),
        "rss_mb": max(c["rss_mb"] for c in checks),
    }
    steps["clearance (manifest)"] = timed(env, "clearance", "--manifest", str(manifest),
                                          "--on", "2022-12-01", answers=(0, 1))
    shutil.rmtree(folder)
    return {"size": size, "load": load, "steps": steps,
            "link": _link_summary(linked, truth, decrypted, size)}


def _persons_decrypted(env: dict[str, str]) -> int | None:
    """How many registry persons the link decrypted: its audited bulk read says."""
    from sqlalchemy import select

    from spilldesk.config import Settings
    from spilldesk.store.db import open_store
    from spilldesk.store.models import AuditEvent

    environ = {"SPILLDESK_DATABASE_URL": env["SPILLDESK_DATABASE_URL"]} \
        if "SPILLDESK_DATABASE_URL" in env else {}
    store = open_store(Settings.load(Path(env["SPILLDESK_HOME"]), environ))
    try:
        with store.session(writing=False) as session:
            reads = session.execute(
                select(AuditEvent.detail).where(AuditEvent.action == "person.bulk_read")
                .order_by(AuditEvent.seq.desc())).scalars()
            # the registry's read (not the report's read of the matched persons' A-numbers)
            detail = next((d for d in reads if d["purpose"] == "linkage of incident NOV28"),
                          None)
    finally:
        store.close()
    return None if detail is None else int(detail["count"])


def _link_summary(report: dict, truth: dict[int, str], decrypted: int | None,  # type: ignore[type-arg]
                  size: int) -> str:
    """Counts, precision and recall against the truth (a record's row 2 is the list's first),
    and the persons decrypted."""
    right = sum(1 for m in report["matches"]
                if truth.get(m["record"]["source"]["row"] - 1) == m["a_number"])
    precision = right / max(len(report["matches"]), 1)
    opened = "unknown" if decrypted is None else f"{decrypted:,} of {size:,}"
    return (f"matched {report['matched']:,} (precision {precision:.4f}, recall "
            f"{right / len(truth):.4f}), review {report['review']:,}, unmatched "
            f"{report['unmatched']:,}; persons decrypted {opened}")


def _linkage_target(run: dict) -> str:  # type: ignore[type-arg]
    seconds, megabytes = LINK_TARGETS[int(run["size"])]
    link = run["steps"]["link"]
    time_ok = "met" if link["wall"] <= seconds else "missed"
    memory_ok = "met" if link["rss_mb"] <= megabytes else "missed"
    return (f"{int(run['size']):,} persons: {link['wall']:.1f} s against ≤ {seconds:.0f} s "
            f"({time_ok}), {link['rss_mb']:,.0f} MB against ≤ {megabytes / 1024:.0f} GB "
            f"({memory_ok})")


def exponent(smaller: tuple[int, float], larger: tuple[int, float]) -> float:
    """b in t = c·Nᵇ through two (N, t) points."""
    return math.log(larger[1] / smaller[1]) / math.log(larger[0] / smaller[0])


def table(runs: list[dict[str, object]]) -> str:
    sizes = [int(r["size"]) for r in runs]  # type: ignore[call-overload]
    header = ["job", *[f"{n:,} persons" for n in sizes]]
    header += [f"b {a:,}→{b:,}" for a, b in zip(sizes, sizes[1:], strict=False)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for step in STEPS:
        figures = [r["steps"][step] for r in runs]  # type: ignore[index]
        cells = [f"{f['wall']:.2f} s, {f['rss_mb']:,.0f} MB" for f in figures]
        walls = [(n, float(f["wall"])) for n, f in zip(sizes, figures, strict=True)]
        cells += [f"{exponent(a, b):.2f}" for a, b in zip(walls, walls[1:], strict=False)]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", help="a PostgreSQL URL: each size in a fresh database "
                        "beside it (dropped after)")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):
            name = f"bench_growth_{size}"
            database = _fresh_postgres(args.postgres, name) if args.postgres else None
            try:
                runs.append(run_size(size, Path(tmp), database))
            finally:
                if args.postgres:
                    _drop_postgres(args.postgres, name)
            print(json.dumps(runs[-1]), flush=True)
    where = "PostgreSQL" if args.postgres else "SQLite"
    targets = "; ".join(_linkage_target(r) for r in runs if int(r["size"]) in LINK_TARGETS)  # type: ignore[call-overload]
    loads = ", ".join(f"{r['load']:.1f}" for r in runs)
    linked = "; ".join(f"{int(r['size']):,}: {r['link']}" for r in runs)  # type: ignore[call-overload]
    body = (
        f"Each job as a whole process on a fresh desk ({where}); wall time, then the "
        "process's peak resident memory. `b` is the growth exponent of wall time between two "
        f"sizes (time ≈ c·Nᵇ). The disclosed list ({RECORDS:,} rows) and the manifest "
        f"({MANIFEST_LINES:,} lines) keep their size; only the registry grows.\n\n"
        f"{table(runs)}\n\nLinked: {linked}.\n\nLinkage targets: "
        f"{targets or 'none at these sizes'}.\n\nLoad average (1 minute, 2 cores) before each "
        f"size: {loads}."
    )
    command = "python benchmarks/bench_growth.py " + " ".join(sys.argv[1:])
    area = "growth-postgres" if args.postgres else "growth"
    write_figures(area, f"Cost as the registry grows, {where}", body, command.strip())


if __name__ == "__main__":
    main()
