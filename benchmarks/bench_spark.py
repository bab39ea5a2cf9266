"""The Spark backend on a standalone cluster, at scale (issue #18).

For each registry size (default 1,000,000 persons), the growth bench's registry and its
6,252-row disclosed list (bench_growth.write_registry) in a fresh SQLite desk (import,
incident open, ingest: not timed), and a copy of that desk for DuckDB. Then, each as a whole
process the way an officer runs it:

- `link NOV28 --backend spark` against a standalone cluster started here
  (benchmarks/spark_cluster.py: a master and two workers, one core each, each its own JVM,
  `SPILLDESK_SPARK_MASTER=spark://...`), executor memory from a `spark-defaults.conf`;
- `link NOV28` on DuckDB, on the copy.

Wall time and CPU (the command and what it waited for), and peak resident memory read from
/proc while it runs: the driver's Python process, the driver's JVM, and each executor JVM
(with any Python workers it starts), with the executors' CPU. Both links are scored against
the truth (precision, recall) and against each other: the same (record row, A-number) pairs,
and the same matched/review/unmatched counts, or the differences counted. Linkage targets
(SPEC): 1,000,000 persons in ≤ 15 s and ≤ 2 GB, 10,000,000 in ≤ 90 s and ≤ 12 GB; here all on
one machine (2 cores), the cluster's JVMs included.

    python benchmarks/bench_spark.py [--sizes 100000 1000000] [--executor-memory 3g]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_growth import (  # noqa: E402
    LINK_TARGETS,
    RECORDS,
    _link_summary,
    _persons_decrypted,
    open_desk,
    timed,
    write_registry,
)
from bench_registry import ROOT, _env  # noqa: E402
from figures import write_figures  # noqa: E402
from spark_cluster import cluster  # noqa: E402

WORKERS, CORES = 2, 1
TICK = os.sysconf("SC_CLK_TCK")
# Which process is which, by its command line.
ROLES = {
    "executor": ("CoarseGrainedExecutorBackend",),
    "executor Python": ("pyspark.daemon", "pyspark/daemon.py", "pyspark.worker"),
    "driver JVM": ("org.apache.spark.deploy.SparkSubmit",),
    "driver Python": ("spilldesk.cli.main",),
}


# Set in this process's environment, so inherited by everything it starts (the cluster's
# daemons and so their executors, the link and its driver JVM), and by no other process.
TOKEN = f"BENCH_SPARK_RUN={os.getpid()}-{time.time_ns()}".encode()


def _role(pid: str) -> str | None:
    try:
        if TOKEN not in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            return None
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    return next((role for role, marks in ROLES.items() if any(m in cmdline for m in marks)),
                None)


def _usage(pid: str) -> tuple[float, float] | None:
    """(peak resident MB, CPU seconds) of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    peak = next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)
    fields = stat.rsplit(")", 1)[1].split()
    return peak / 1024, (int(fields[11]) + int(fields[12])) / TICK


@contextmanager
def watched(interval: float = 0.2) -> Iterator[dict[str, dict[str, tuple[float, float]]]]:
    """Every Spark/desk process seen while the block runs: role → pid → (peak MB, CPU s),
    each process's last reading (its peak is the kernel's high-water mark)."""
    seen: dict[str, dict[str, tuple[float, float]]] = {role: {} for role in ROLES}
    foreign: set[str] = set()  # processes without the token: never ours
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for pid in (p for p in os.listdir("/proc") if p.isdigit() and p not in foreign):
                # Asked every time: a process forked by ours has its parent's command line
                # until it starts its own program.
                role = _role(pid)
                if role is None:
                    with suppress(OSError):
                        if TOKEN not in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                            foreign.add(pid)
                    continue
                usage = _usage(pid)
                if usage:
                    seen[role][pid] = usage
            stop.wait(interval)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()


def _spark_defaults(folder: Path, executor_memory: str) -> Path:
    conf = folder / "spark-conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(f"spark.executor.memory {executor_memory}\n")
    return conf


def _pairs(report: dict) -> set[tuple[int, str]]:  # type: ignore[type-arg]
    return {(m["record"]["source"]["row"], m["a_number"]) for m in report["matches"]}


def agreement(spark: dict, duckdb: dict) -> str:  # type: ignore[type-arg]
    """Whether the two links made the same decisions, and if not, how many differ."""
    on_spark, on_duckdb = _pairs(spark), _pairs(duckdb)
    counts = {k: (spark[k], duckdb[k]) for k in ("matched", "review", "unmatched")}
    on_duckdb_probability = {(m["record"]["source"]["row"], m["a_number"]): m["probability"]
                             for m in duckdb["matches"]}
    drift = max((abs(m["probability"] - on_duckdb_probability[pair])
                 for m in spark["matches"]
                 if (pair := (m["record"]["source"]["row"], m["a_number"]))
                 in on_duckdb_probability), default=0.0)
    if on_spark == on_duckdb and all(a == b for a, b in counts.values()) \
            and spark["reasons"] == duckdb["reasons"]:
        return (f"the same: {len(on_spark):,} identical (record row, A-number) pairs, the same "
                f"review and unmatched counts and reasons; largest probability difference "
                f"{drift:.1e}")
    shown = ", ".join(f"{k} {a:,} vs {b:,}" for k, (a, b) in counts.items())
    return (f"NOT the same: {len(on_spark - on_duckdb):,} pairs only on Spark, "
            f"{len(on_duckdb - on_spark):,} only on DuckDB ({shown}; Spark vs DuckDB); "
            f"largest probability difference on common pairs {drift:.1e}")


def _peaks(seen: dict[str, dict[str, tuple[float, float]]]) -> dict[str, object]:
    def peak(role: str) -> float:
        return max((mb for mb, _ in seen[role].values()), default=0.0)

    def cpu(*roles: str) -> float:
        return sum(seconds for role in roles for _, seconds in seen[role].values())

    return {
        "driver_python_mb": peak("driver Python"),
        "driver_jvm_mb": peak("driver JVM"),
        "driver_jvm_cpu": cpu("driver JVM"),
        "executor_mb": sorted((mb for mb, _ in seen["executor"].values()), reverse=True),
        # Python workers the executors start (none unless a step needs Python on them).
        "executor_python_mb": sum(mb for mb, _ in seen["executor Python"].values()),
        "executor_cpu": cpu("executor", "executor Python"),
    }


def run_size(size: int, root: Path, executor_memory: str) -> dict[str, object]:
    folder = root / f"{size}"
    folder.mkdir()
    persons, disclosed, _, truth = write_registry(size, folder)
    env = _env(folder / "desk", ROOT / "src", None)
    open_desk(env, persons, disclosed)
    shutil.copytree(folder / "desk", folder / "desk-duckdb")
    load = os.getloadavg()[0]
    conf = _spark_defaults(folder, executor_memory)
    with cluster(WORKERS, CORES, executor_memory) as url:
        spark_env = {**env, "SPILLDESK_SPARK_MASTER": url, "SPARK_CONF_DIR": str(conf)}
        with watched() as seen:
            spark = timed(spark_env, "link", "NOV28", "--backend", "spark", "--json",
                          "--show-a-numbers", output=folder / "spark.json")
    spark.update(_peaks(seen))
    spark_report = json.loads((folder / "spark.json").read_text())
    decrypted = _persons_decrypted(env)
    duck_env = _env(folder / "desk-duckdb", ROOT / "src", None)
    with watched() as seen:
        duckdb = timed(duck_env, "link", "NOV28", "--json", "--show-a-numbers",
                       output=folder / "duckdb.json")
    duckdb.update(_peaks(seen))
    duck_report = json.loads((folder / "duckdb.json").read_text())
    run = {
        "size": size, "load": load, "spark": spark, "duckdb": duckdb,
        "spark_link": _link_summary(spark_report, truth, decrypted, size),
        "duckdb_link": _link_summary(duck_report, truth, _persons_decrypted(duck_env), size),
        "agreement": agreement(spark_report, duck_report),
    }
    shutil.rmtree(folder)
    return run


def total_mb(run: dict) -> float:  # type: ignore[type-arg]
    """The machine's memory for one link: every process's peak, added (an upper bound)."""
    return float(run["driver_python_mb"] + run["driver_jvm_mb"] + sum(run["executor_mb"])
                 + run["executor_python_mb"])


def _row(name: str, run: dict) -> str:  # type: ignore[type-arg]
    executors = " + ".join(f"{mb:,.0f} MB" for mb in run["executor_mb"]) or "none"
    if run["executor_python_mb"]:
        executors += f" (their Python workers {run['executor_python_mb']:,.0f} MB)"
    jvm = f"{run['driver_jvm_mb']:,.0f} MB" if run["driver_jvm_mb"] else "none"
    # The command's own CPU, and its JVM's (which it does not wait for, so read from /proc).
    driver_cpu = run["cpu"] + run["driver_jvm_cpu"]
    return (f"| {name} | {run['wall']:.1f} s | {driver_cpu:.1f} s | {run['executor_cpu']:.1f} s "
            f"| {run['driver_python_mb']:,.0f} MB | {jvm} | {executors} "
            f"| {total_mb(run):,.0f} MB |")


def _target(run: dict) -> str:  # type: ignore[type-arg]
    seconds, megabytes = LINK_TARGETS[int(run["size"])]
    spark = run["spark"]
    memory = total_mb(spark)
    return (f"{int(run['size']):,} persons on the cluster: {spark['wall']:.1f} s against "
            f"≤ {seconds:.0f} s ({'met' if spark['wall'] <= seconds else 'missed'}), "
            f"{memory:,.0f} MB (driver and executors added) against ≤ {megabytes / 1024:.0f} GB "
            f"({'met' if memory <= megabytes else 'missed'})")


def section(runs: list[dict], executor_memory: str) -> str:  # type: ignore[type-arg]
    lines = ["| size, link | wall | CPU, driver | CPU, executors | peak, driver Python "
             "| peak, driver JVM | peak, each executor | peaks added |",
             "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        size = f"{int(run['size']):,}"
        lines.append(_row(f"{size}, Spark cluster", run["spark"]))
        lines.append(_row(f"{size}, DuckDB", run["duckdb"]))
    linked = "; ".join(f"{int(r['size']):,}: Spark {r['spark_link']}; DuckDB {r['duckdb_link']}"
                       for r in runs)
    same = "; ".join(f"{int(r['size']):,}: {r['agreement']}" for r in runs)
    targets = "; ".join(_target(r) for r in runs if int(r["size"]) in LINK_TARGETS)
    loads = ", ".join(f"{r['load']:.1f}" for r in runs)
    return (
        f"`spilldesk link NOV28 --backend spark --json --show-a-numbers` as a whole process "
        f"against a Spark standalone cluster on this one machine: a master and {WORKERS} "
        f"workers ({CORES} core, {executor_memory} each; executor memory {executor_memory}), "
        f"every one its own JVM, started by benchmarks/spark_cluster.py; then `link` on DuckDB "
        f"on a copy of the same desk (SQLite; the growth bench's registry and its "
        f"{RECORDS:,}-row disclosed list). CPU, driver: the command and what it waited for, "
        f"and its JVM; the JVMs' CPU and every peak (the kernel's high-water mark) read from "
        f"/proc while the link ran. Peaks added: driver Python + driver JVM + executors, an "
        f"upper bound on the machine's memory for the link (the cluster's idle master and "
        f"worker daemons not counted).\n\n" + "\n".join(lines) +
        f"\n\nSpark and DuckDB: {same}.\n\nLinked: {linked}.\n\nLinkage targets (SPEC: "
        f"1,000,000 persons ≤ 15 s, ≤ 2 GB; 10,000,000 ≤ 90 s, ≤ 12 GB), measured here on one "
        f"machine (2 cores) with two worker JVMs, not a cluster of machines: "
        f"{targets or 'none at these sizes'}.\n\n"
        f"Load average (1 minute, 2 cores) before each size: {loads}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--executor-memory", default="3g",
                        help="each worker's memory and its executor's (Spark's notation)")
    args = parser.parse_args()
    name, value = TOKEN.decode().split("=", 1)
    os.environ[name] = value
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):
            runs.append(run_size(size, Path(tmp), args.executor_memory))
            print(json.dumps(runs[-1]), flush=True)
    command = "python benchmarks/bench_spark.py " + " ".join(sys.argv[1:])
    write_figures("spark", "The Spark backend on a standalone cluster",
                  section(runs, args.executor_memory), command.strip())


if __name__ == "__main__":
    main()
