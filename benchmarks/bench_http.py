"""HTTP clearance under load: `POST /api/clearance` (`{"a_number"}`) on loopback (SPEC target:
>= 1,000 requests/s with p99 <= 20 ms), on SQLite and on PostgreSQL, with 2 and 4 workers.

Builds a desk (registry, an incident with exposures, notices, deliveries, holds, a machine
token), starts `spilldesk serve` with N uvicorn workers, and drives it from a second process:
`wrk` (Debian) with a Lua script picking random A-numbers, or, without wrk, a bounded Python
load generator (httpx, threads). The peers, side by side on the same server, workers and load
generator, are the ceiling of this machine for the stack: `GET /api/live` (the framework, no
database) and `GET /api/health` (the framework and one `SELECT 1`). Each run also reports the
server's CPU per request (the workers, and PostgreSQL's backends for the benchmark's
database), read from /proc: on 2 cores shared with the load generator, 2 cores divided by it
bounds the rate.

    python benchmarks/bench_http.py [--persons 20000] [--workers 2,4] [--seconds 10]
                                    [--connections 8,16,64] [--backend both]
                                    [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Writes docs/benchmarks/web.md when both databases were measured.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import create_engine, text

from spilldesk.access.users import Role, add_user, issue_token
from spilldesk.config import Settings
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.store.db import Store, initialise
from spilldesk.store.models import DeliveryAttempt, Exposure, Notice, RemovalHold
from spilldesk.store.people import find_people

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402

ET = ZoneInfo("America/New_York")
INCIDENT = "BENCH-1"
TARGET_RPS, TARGET_P99_MS = 1000.0, 20.0
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Run:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float = float("nan")  # the server's CPU per request (workers + database backends)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def build_desk(workdir: Path, persons: int) -> tuple[Store, list[str], str]:
    """A registry of `persons`, 30% exposed, half of those notified, holds on final orders."""
    store = initialise(Settings.load(workdir))
    a_numbers = [f"A{400000000 + n:09d}" for n in range(persons)]
    csv = workdir / "persons.csv"
    lines = ["a_number,family_name,given_name,date_of_birth,custody,final_order"]
    lines += [f"{a},FAM{n},GIV{n},1980-01-{n % 28 + 1:02d},"
              f"{'detained' if n % 2 else 'released'},{'true' if n % 3 == 0 else 'false'}"
              for n, a in enumerate(a_numbers)]
    csv.write_text("\n".join(lines) + "\n")
    with store.session() as session:
        import_file(session, csv, kind="persons", actor="bench", tz=ET)
        open_incident(session, IncidentSpec(
            id=INCIDENT, title="bench", exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
            exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET)), actor="bench")
    with store.session() as session:
        ids = {a: p.id for a, p in find_people(session, a_numbers).items()}
        exposed = a_numbers[: persons * 3 // 10]
        session.add_all(Exposure(incident_id=INCIDENT, person_id=ids[a], source="manual",
                                 created_by="bench") for a in exposed)
        notices = [Notice(notice_number=f"B-{n:07d}", incident_id=INCIDENT, person_id=ids[a],
                          recipient="noncitizen", language="en", channel="hand")
                   for n, a in enumerate(exposed)]
        session.add_all(notices)
        session.add_all(RemovalHold(incident_id=INCIDENT, person_id=ids[a], placed_by="bench")
                        for n, a in enumerate(exposed) if n % 3 == 0)
        session.flush()
        served = datetime(2022, 12, 5, 10, tzinfo=ET)
        session.add_all(DeliveryAttempt(notice_id=notice.id, status="delivered", at=served,
                                        method="hand", served_by="bench", created_by="bench")
                        for notice in notices[::2])
        add_user(session, "scheduler", Role.MACHINE, None, actor="bench")
        _, secret = issue_token(session, "scheduler", "bench", actor="bench")
    return store, a_numbers, secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(workdir: Path, env: dict[str, str],
                 workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    spilldesk = shutil.which("spilldesk", path=str(Path(sys.executable).parent)) or "spilldesk"
    server = subprocess.Popen([spilldesk, "serve", "--workdir", str(workdir), "--port", str(port),
                               "--workers", str(workers)], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not come up")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the process ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def server_cpu(server: subprocess.Popen[bytes], database: str | None) -> float:
    """CPU seconds used so far by the server's workers and (PostgreSQL) by the backends
    serving `database` (their process titles name it)."""
    total = 0.0
    for status in Path("/proc").glob("[0-9]*/stat"):
        pid = status.parent.name
        try:
            title = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = status.read_text().rsplit(")", 1)[1].split()[1]
        except OSError:
            continue
        if str(server.pid) in (pid, parent) or (database and title.startswith("postgres:")
                                         and f" {database} " in title):
            total += _cpu_seconds(pid)
    return total


WRK_SCRIPT = """
local numbers = {}
for line in io.lines("%s") do numbers[#numbers + 1] = line end
request = function()
  local pick = numbers[math.random(#numbers)]
  local headers = {["Authorization"] = "Bearer %s", ["Content-Type"] = "application/json"}
  if "%s" == "/api/clearance" then
    return wrk.format("POST", "/api/clearance", headers, '{"a_number": "' .. pick .. '"}')
  end
  return wrk.format("GET", "%s" .. pick, headers)
end
"""


def run_wrk(label: str, url: str, path_prefix: str, numbers: list[str], token: str,
            seconds: int, connections: int, folder: Path) -> Run:
    listing = folder / "numbers.txt"
    listing.write_text("\n".join(numbers) + "\n")
    script = folder / "clearance.lua"
    script.write_text(WRK_SCRIPT % (listing, token, path_prefix, path_prefix))
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(script), url], capture_output=True, text=True, check=True)
    text_out = out.stdout
    requests = int(re.search(r"(\d+) requests in", text_out).group(1))  # type: ignore[union-attr]
    elapsed = re.search(r"requests in ([\d.]+)(m?s)", text_out)
    secs = float(elapsed.group(1)) * (0.001 if elapsed.group(2) == "ms" else 1)  # type: ignore[union-attr]
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", text_out))
    return Run(label, requests, secs, _pct(text_out, "50%"), _pct(text_out, "99%"), errors)


def _pct(text_out: str, which: str) -> float:
    match = re.search(rf"{which}\s+([\d.]+)(us|ms|s)", text_out)
    if match is None:
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
    return float(match.group(1)) * scale


def run_python(label: str, url: str, path_prefix: str, numbers: list[str], token: str,
               seconds: int, threads: int) -> Run:
    """The fallback load generator: `threads` keep-alive clients for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        mine: list[float] = []
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                pick = random.choice(numbers)
                response = (client.post(path_prefix, json={"a_number": pick})
                            if path_prefix == "/api/clearance"
                            else client.get(path_prefix + pick))
                mine.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    ordered = sorted(latencies)
    return Run(label, len(ordered), time.perf_counter() - began, statistics.median(ordered),
               ordered[int(len(ordered) * 0.99) - 1], errors[0])


def postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"spilldesk_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{admin_url.rsplit('/', 1)[0]}/{name}", name


def drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_backend(backend: str, args: argparse.Namespace) -> list[Run]:
    folder = Path(tempfile.mkdtemp(prefix=f"spilldesk-bench-http-{backend}-"))
    workdir = folder / "desk"
    env = {k: v for k, v in os.environ.items() if k != "SPILLDESK_KEY_FILE"}
    env["SPILLDESK_HOME"] = str(workdir)
    dropped = None
    if backend == "postgresql":
        url, dropped = postgres_database(args.postgres)
        env["SPILLDESK_DATABASE_URL"] = os.environ["SPILLDESK_DATABASE_URL"] = url
    else:
        env.pop("SPILLDESK_DATABASE_URL", None)
        os.environ.pop("SPILLDESK_DATABASE_URL", None)
    built = time.perf_counter()
    store, numbers, token = build_desk(workdir, args.persons)
    store.close()
    print(f"[{backend}] desk of {args.persons} persons built in "
          f"{time.perf_counter() - built:.1f} s", flush=True)
    runs = []
    try:
        for workers in args.workers:
            runs += bench_workers(backend, workers, workdir, env, numbers, token, dropped,
                                  folder, args)
        return runs
    finally:
        if dropped:
            drop_database(args.postgres, dropped)
        shutil.rmtree(folder, ignore_errors=True)


PEERS = (("live (no database)", "/api/", ["live"]), ("health (one SELECT)", "/api/",
                                                       ["health"]))


def bench_workers(backend: str, workers: int, workdir: Path, env: dict[str, str],
                  numbers: list[str], token: str, database: str | None, folder: Path,
                  args: argparse.Namespace) -> list[Run]:
    """Clearance and its peers with `workers` workers, at each number of connections."""
    server, url = start_server(workdir, env, workers)
    sample = random.Random(7).sample(numbers, min(len(numbers), 5000))
    try:
        load = run_wrk if shutil.which("wrk") and not args.python_load else None
        runs = []
        for connections in args.connections:
            for label, prefix, targets in (("clearance", "/api/clearance", sample), *PEERS):
                run_load(url, prefix, targets, token, args, 2, folder, load, connections,
                         f"{label} warm-up")
                before = server_cpu(server, database)
                run = run_load(url, prefix, targets, token, args, args.seconds, folder, load,
                               connections, f"{backend} w{workers} -c {connections} {label}")
                if run.requests:
                    run.cpu_ms = (server_cpu(server, database) - before) / run.requests * 1000
                if run.errors:  # an answer that is not 2xx fails the benchmark
                    raise SystemExit(f"{run.label}: {run.errors} answers were not 2xx")
                print(f"{run.label}: {run.rps:,.0f} req/s p50 {run.p50_ms:.2f} p99 "
                      f"{run.p99_ms:.2f} ms, server CPU {run.cpu_ms:.2f} ms/request, load "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
                runs.append(run)
        return runs
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_load(url: str, prefix: str, targets: list[str], token: str, args: argparse.Namespace,
             seconds: int, folder: Path, load: object, connections: int, label: str) -> Run:
    if load is not None:
        return run_wrk(label, url, prefix, targets, token, seconds, connections, folder)
    return run_python(label, url, prefix, targets, token, seconds, connections)


def report(runs: list[Run], args: argparse.Namespace, generator: str) -> str:
    workers = " and ".join(f"`--workers {w}`" for w in args.workers)
    lines = [
        f"`spilldesk serve` with {workers} on loopback, {args.persons:,} registry "
        f"persons, {args.seconds} s per run after a 2 s warm-up, driven by {generator} from a "
        f"second process on the same 2 cores; load average at the end "
        f"{os.getloadavg()[0]:.1f} (the machine is shared). Every answer was 2xx (a run with "
        "another answer fails the benchmark). The peers are this machine's ceiling for the "
        "stack, on the same server, workers and load generator: `GET /api/live` (uvicorn and "
        "FastAPI, no database) and `GET /api/health` (the same and one `SELECT 1`). Server CPU "
        "is the workers' CPU per request plus, on PostgreSQL, its backends' for the "
        "benchmark's database (from /proc); with the load generator on the same 2 cores, "
        "2 cores divided by it bound the rate.",
        "",
        "| run | requests | req/s | p50 ms | p99 ms | server CPU ms/req | "
        "target (≥ 1,000 req/s, p99 ≤ 20 ms) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    group = 1 + len(PEERS)
    for start in range(0, len(runs), group):
        check, *peers = runs[start : start + group]
        meets = check.rps >= TARGET_RPS and check.p99_ms <= TARGET_P99_MS
        lines.append(f"| {check.label} | {check.requests:,} | **{check.rps:,.0f}** | "
                     f"{check.p50_ms:.2f} | {check.p99_ms:.2f} | {check.cpu_ms:.2f} | "
                     f"{'met' if meets else '**missed**'} |")
        for peer in peers:
            peer_meets = peer.rps >= TARGET_RPS and peer.p99_ms <= TARGET_P99_MS
            lines.append(f"| {peer.label} | {peer.requests:,} | {peer.rps:,.0f} | "
                         f"{peer.p50_ms:.2f} | {peer.p99_ms:.2f} | {peer.cpu_ms:.2f} | "
                         f"{'met' if peer_meets else 'missed'}; clearance at "
                         f"{check.rps / peer.rps:.2f}x of it |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--workers", default="2,4",
                        type=lambda text: [int(w) for w in text.split(",")],
                        help="uvicorn workers, one server each (e.g. 2,4)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="8,16,64",
                        type=lambda text: [int(c) for c in text.split(",")],
                        help="concurrent connections, one run each (e.g. 8,16,64)")
    parser.add_argument("--python-load", action="store_true", help="do not use wrk")
    parser.add_argument("--postgres", default=os.environ.get("SPILLDESK_TEST_POSTGRES_URL",
                                                             LOCAL_POSTGRES),
                        help="admin URL of a PostgreSQL server (the benchmark makes its own "
                        "database there)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    runs: list[Run] = []
    for backend in backends:
        runs += bench_backend(backend, args)
    generator = "wrk" if shutil.which("wrk") and not args.python_load else "httpx threads"
    body = report(runs, args, generator)
    print(body)
    if args.backend == "both":
        write_figures("web", "Web: clearance over HTTP", body,
                      f"python benchmarks/bench_http.py "
                      f"--workers {','.join(map(str, args.workers))} "
                      f"--connections {','.join(map(str, args.connections))}")


if __name__ == "__main__":
    main()
