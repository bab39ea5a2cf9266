"""The audit buffer's durable writes as the server makes them, without HTTP: P processes (the
uvicorn workers), each an event loop running C concurrent "checks" that spend `--check-ms` of
CPU (the check's reads hold the interpreter lock), add a durable `clearance.check` event and
await it. Prints the wait per event, the flush (write + commit) time, the batch size and the
CPU per event; writes nothing to docs/.

    python benchmarks/probe_audit_buffer.py [--processes 2] [--concurrency 4] [--seconds 8]
                                             [--check-ms 1] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from spilldesk.config import Settings
from spilldesk.store.checkpoints import checkpoint
from spilldesk.store.db import initialise
from spilldesk.web.app import serving_store
from spilldesk.web.audit_buffer import AuditBuffer
from spilldesk.web.deps import writing_session


def worker(env: dict[str, str], args: argparse.Namespace, results: Any) -> None:
    os.environ.update(env)
    store = serving_store(Settings.load(Path(env["SPILLDESK_HOME"])))  # as `serve` opens it
    buffer = AuditBuffer(lambda: writing_session(store), checkpoint=lambda: checkpoint(store))
    flushes: list[tuple[float, int]] = []
    write = buffer._write_rows  # noqa: SLF001 (timed, not changed)

    def timed(rows: list[Any]) -> None:
        started = time.perf_counter()
        write(rows)
        flushes.append((time.perf_counter() - started, len(rows)))

    buffer._write_rows = timed  # type: ignore[method-assign]  # noqa: SLF001
    waits: list[float] = []

    async def run() -> None:
        buffer.start()
        end = time.perf_counter() + args.seconds

        async def checks() -> None:
            n = 0
            while time.perf_counter() < end:
                started = time.perf_counter()
                spin = started + args.check_ms / 1000
                while time.perf_counter() < spin:
                    pass
                future = buffer.add(actor="bench", action="clearance.check",
                                    object_type="person", object_id=n, durable=True,
                                    detail={"on": "2026-01-01", "cleared": True, "reasons": []})
                await buffer.recorded(future)
                waits.append(time.perf_counter() - started)
                n += 1
                await asyncio.sleep(0)

        await asyncio.gather(*(checks() for _ in range(args.concurrency)))

    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(run())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    buffer.close()
    store.close()
    results.put((waits, flushes, wall, cpu))


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--check-ms", type=float, default=1.0)
    parser.add_argument("--postgres", help="admin URL; the benchmark makes its own database")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="spilldesk-bench-audit-")
    env = {"SPILLDESK_HOME": workdir}
    os.environ["SPILLDESK_HOME"] = workdir
    admin, name = None, ""
    if args.postgres:
        name = f"bench_audit_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        env["SPILLDESK_DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + "/" + name
        os.environ["SPILLDESK_DATABASE_URL"] = env["SPILLDESK_DATABASE_URL"]
    else:
        os.environ.pop("SPILLDESK_DATABASE_URL", None)
    try:
        initialise(Settings.load(Path(workdir))).close()
        results: Any = multiprocessing.Queue()
        processes = [multiprocessing.Process(target=worker, args=(env, args, results))
                     for _ in range(args.processes)]
        for process in processes:
            process.start()
        outcomes = [results.get() for _ in processes]
        for process in processes:
            process.join()
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    waits = [w for outcome in outcomes for w in outcome[0]]
    flushes = [f for outcome in outcomes for f in outcome[1]]
    wall, cpu = max(o[2] for o in outcomes), sum(o[3] for o in outcomes)
    times = [seconds for seconds, _ in flushes]
    print(f"{'postgresql' if args.postgres else 'sqlite'} {args.processes} processes x "
          f"{args.concurrency} checks ({args.check_ms:g} ms CPU each), load "
          f"{os.getloadavg()[0]:.1f}: {len(waits)} events, {len(waits) / wall:.0f}/s, "
          f"CPU {cpu / len(waits) * 1000:.2f} ms/event | wait p50 "
          f"{statistics.median(waits) * 1000:.2f} p99 {percentile(waits, 0.99):.2f} ms | "
          f"{len(flushes)} flushes p50 {statistics.median(times) * 1000:.2f} p99 "
          f"{percentile(times, 0.99):.2f} ms, {len(waits) / len(flushes):.1f} events each")


if __name__ == "__main__":
    main()
