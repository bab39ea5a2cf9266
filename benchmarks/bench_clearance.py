"""Clearance: a single check (database read + rule + audit write + commit) and a manifest.

Targets (SPEC "Targets"): a single check <= 5 ms p99 in process; a 10,000-line manifest <= 1 s.
Peers, run side by side on the same desk:
  - single check: the floor, one raw sqlite3 SELECT of the person by blind index (no rule,
    no audit, no transaction of ours);
  - manifest: the naive way, one `clearance()` call (and so one set of queries) per line.

    python benchmarks/bench_clearance.py [--persons 12000] [--lines 10000] [--checks 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from spilldesk.config import Settings
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.safeguards.clearance import clearance, clearance_manifest
from spilldesk.safeguards.holds import extend_holds
from spilldesk.store.db import Store, initialise
from spilldesk.store.models import DeliveryAttempt, Exposure, Notice, Person, RemovalHold
from spilldesk.store.people import find_people

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402

ET = ZoneInfo("America/New_York")
ACTOR = "bench"
ON = date(2023, 1, 20)


def build_desk(work: Path, persons: int, rng: random.Random) -> tuple[Store, list[str]]:
    os.environ.pop("SPILLDESK_DATABASE_URL", None)
    store = initialise(Settings.load(work))
    a_numbers = [f"A{500000000 + n:09d}" for n in range(persons)]
    csv_path = work / "persons.csv"
    rows = ["a_number,family_name,given_name,date_of_birth,final_order"]
    rows += [f"{a},FAMILY{n},GIVEN{n},1980-01-01,{n % 10 == 0}" for n, a in enumerate(a_numbers)]
    csv_path.write_text("\n".join(rows) + "\n")
    spec = IncidentSpec(
        id="NOV28",
        title="bench",
        exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
        exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET),
    )
    with store.session() as session:
        import_file(session, csv_path, kind="persons", actor=ACTOR, tz=ET)
        open_incident(session, spec, actor=ACTOR)
    with store.session() as session:
        _expose(session, find_people(session, a_numbers), rng)
        extend_holds(session, "NOV28", days=30, reason="bench", actor=ACTOR)
    return store, a_numbers


def _expose(session: Session, people: dict[str, Person], rng: random.Random) -> None:
    """A third exposed; of those half notified (hand or mail), a tenth held."""
    exposed = [p for p in people.values() if rng.random() < 1 / 3]
    session.add_all(
        Exposure(incident_id="NOV28", person_id=p.id, source="bench", created_by=ACTOR)
        for p in exposed
    )
    session.add_all(
        RemovalHold(incident_id="NOV28", person_id=p.id, placed_by=ACTOR)
        for p in exposed
        if rng.random() < 0.1
    )
    notices = [
        Notice(
            notice_number=f"N{p.id}",
            incident_id="NOV28",
            person_id=p.id,
            recipient="noncitizen",
            language="en",
            channel=rng.choice(["hand", "usps"]),
        )
        for p in exposed
        if rng.random() < 0.5
    ]
    session.add_all(notices)
    session.flush()
    start = datetime(2022, 12, 1, 9, tzinfo=ET)
    session.add_all(
        DeliveryAttempt(
            notice_id=n.id,
            status="delivered" if n.channel == "hand" else "mailed",
            method=n.channel,
            at=start + timedelta(hours=rng.randint(0, 200)),
            created_by=ACTOR,
        )
        for n in notices
    )


def single_checks(
    store: Store, a_numbers: list[str], checks: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each check (CPU time leaves out other processes)."""
    wall, cpu = [], []
    for _ in range(checks):
        a_number = rng.choice(a_numbers)
        began, began_cpu = time.perf_counter(), time.process_time()
        with store.session() as session:
            clearance(session, a_number, ON, actor=ACTOR, tz=ET)
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return wall, cpu


def floor_checks(
    store: Store, a_numbers: list[str], checks: int, rng: random.Random
) -> list[float]:
    with store.session() as session:
        indexes = {a: p.a_number_index for a, p in find_people(session, a_numbers).items()}
    path = store.settings.database_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    times = []
    for _ in range(checks):
        index = indexes[rng.choice(a_numbers)]
        began = time.perf_counter()
        connection.execute("SELECT * FROM persons WHERE a_number_index = ?", (index,)).fetchall()
        times.append(time.perf_counter() - began)
    connection.close()
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=12000)
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--checks", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(2022)
    with tempfile.TemporaryDirectory(prefix="bench-clearance-") as tmp:
        store, a_numbers = build_desk(Path(tmp), args.persons, rng)
        single_checks(store, a_numbers, 50, rng)  # warm up
        load = os.getloadavg()[0]
        single, single_cpu = single_checks(store, a_numbers, args.checks, rng)
        floor = floor_checks(store, a_numbers, args.checks, rng)
        lines = rng.sample(a_numbers, min(args.lines, len(a_numbers)))
        began = time.perf_counter()
        with store.session() as session:
            answer = clearance_manifest(session, lines, ON, actor=ACTOR, tz=ET)
        manifest = time.perf_counter() - began
        naive_lines = lines[:1000]
        began = time.perf_counter()
        for a_number in naive_lines:
            with store.session() as session:
                clearance(session, a_number, ON, actor=ACTOR, tz=ET)
        naive = (time.perf_counter() - began) * len(lines) / len(naive_lines)
        store.close()
    p50, p99 = percentile(single, 0.5) * 1000, percentile(single, 0.99) * 1000
    f50, f99 = percentile(floor, 0.5) * 1000, percentile(floor, 0.99) * 1000
    c50, c99 = percentile(single_cpu, 0.5) * 1000, percentile(single_cpu, 0.99) * 1000
    c50, c99 = percentile(single_cpu, 0.5) * 1000, percentile(single_cpu, 0.99) * 1000
    rows = [
        ("single check p50, SQLite (read + rule + audit + commit)", f"{p50:.2f} ms", ""),
        ("single check p99", f"{p99:.2f} ms", "≤ 5 ms"),
        ("single check, CPU time of this process, p50 / p99", f"{c50:.2f} / {c99:.2f} ms", ""),
        (
            "peer: raw sqlite3 SELECT by blind index, p50 / p99",
            f"{f50:.3f} / {f99:.3f} ms",
            f"ratio p99 {p99 / f99:.0f}×",
        ),
        (
            f"manifest, {len(lines):,} lines (bulk), {answer.blocked:,} blocked",
            f"{manifest:.2f} s",
            "≤ 1 s",
        ),
        (
            "peer: one clearance() per line (1,000 timed, scaled)",
            f"{naive:.2f} s",
            f"ratio {naive / manifest:.1f}×",
        ),
    ]
    body = "| measure | figure | target / ratio |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    body += (
        f"\n\nDesk: {args.persons:,} persons, a third exposed, half of those notified, "
        "a tenth held, one extension; every check audited. Load average when the single checks "
        f"began: {load:.1f} on {os.cpu_count()} cores (a shared machine: the wall-clock p99 "
        "includes waiting for the CPU)."
    )
    print(body)
    print(f"(mean single check {statistics.mean(single) * 1000:.2f} ms)")
    command = "python benchmarks/bench_clearance.py" + (
        " " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    print(f"figures written to {write_figures('clearance', 'Clearance', body, command)}")


if __name__ == "__main__":
    main()
