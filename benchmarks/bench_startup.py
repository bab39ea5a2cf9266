"""Start-up: `spilldesk` commands timed as whole processes, as a user (or a pre-commit hook) runs
them. Each command runs several times; the median and the spread of wall time are reported,
with the median CPU time (user + system, the process and its workers), which the other jobs of
a shared machine move much less than wall time. A missed target is written as missed.

    python benchmarks/bench_startup.py [--runs 5] [--src OTHER/src --label before]

`--src` times another source tree (e.g. an older checkout) on the same files and desk; its
table is added to the section under `--label` and the current tree's is kept.

Python's bytecode cache is on, as on a user's machine (pip compiles an installed package; the
libraries in the virtual environment have theirs): the warm-up run writes the project's
modules' cache (`__pycache__`, ignored by git) even where PYTHONDONTWRITEBYTECODE is set, as
it is in some development sessions. One more row times `clearance` on a copy of the tree
without a cache, every project module compiled at each run, as the figures before 2026-11-28
were taken in such sessions.

Set-up (not timed): the 2022 scenario (its Nov 28 workbook, 6,252 person rows) and a desk with
its registry imported, in benchmarks/out/startup/.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "startup"
# (`-c`, not `-m spilldesk`: an older tree without __main__.py is timed the same way)
CLI = [sys.executable, "-c", "from spilldesk.cli.main import main; main()"]
TARGETS = {"scan-small": 0.3, "scan-2022": 1.0, "clearance": 0.5}


def _env(workdir: Path, src: Path = ROOT / "src", *, cached: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SPILLDESK_") and k != "PYTHONDONTWRITEBYTECODE"}
    if not cached:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = str(src)
    env["SPILLDESK_HOME"] = str(workdir)
    return env


def _uncached_copy(src: Path) -> Path:
    """A copy of the source tree without bytecode caches (timed with none written)."""
    copy = OUT / "src-uncached"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _setup(env: dict[str, str]) -> tuple[Path, Path, str]:
    """A small file, the scenario's Nov 28 workbook, and an A-number of the desk's registry."""
    OUT.mkdir(parents=True, exist_ok=True)
    small = OUT / "notes.txt"
    small.write_text("hello\n")
    scenario = OUT / "scenario"
    workbook = scenario / "disclosures" / "2022-11-28-detention-stats.xlsx"
    if not workbook.is_file():
        subprocess.run([*CLI, "scenario", "generate", "--out", str(scenario), "--json"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
    if not (OUT / "desk" / ".imported").exists():
        subprocess.run([*CLI, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        files = [str(scenario / "registry" / f"{kind}.csv")
                 for kind in ("facilities", "representatives", "persons")]
        subprocess.run([*CLI, "registry", "import", *files], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (OUT / "desk" / ".imported").touch()
    with open(scenario / "registry" / "persons.csv", newline="") as handle:
        a_number = next(csv.DictReader(handle))["a_number"]
    return small, workbook, a_number


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(argv: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _children_cpu(), time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
        if done.returncode not in (0, 1):  # 1: the gate blocked (its answer, not a failure)
            raise SystemExit(f"{' '.join(argv[2:])}: exit {done.returncode}: "
                             f"{done.stderr.decode()[-300:]}")
    return {"median": statistics.median(walls), "low": min(walls), "high": max(walls),
            "cpu": statistics.median(cpus)}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path, default=None)
    parser.add_argument("--label", default="this tree")
    options = parser.parse_args()
    runs = options.runs
    small, workbook, a_number = _setup(_env(OUT / "desk"))
    src = options.src or ROOT / "src"
    env = _env(OUT / "desk", src)
    uncached = _env(OUT / "desk", _uncached_copy(src), cached=False)
    load_before = _load()
    typer = subprocess.run([sys.executable, "-c", "import typer; print(typer.__version__)"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    commands = {
        "scan-small": ("`spilldesk scan` of a 6-byte text file", [*CLI, "scan", str(small)]),
        "scan-2022": ("`spilldesk scan` of the Nov 28 workbook (6,252 person rows; blocks)",
                      [*CLI, "scan", str(workbook)]),
        "clearance": ("`spilldesk clearance A-NUMBER` (an existing desk)",
                      [*CLI, "clearance", a_number, "--on", "2022-12-14"]),
        "clearance-json": ("`spilldesk clearance A-NUMBER --json` (as a scheduling system asks)",
                           [*CLI, "clearance", a_number, "--on", "2022-12-14", "--json"]),
        "clearance-uncached": ("`spilldesk clearance A-NUMBER`, no bytecode cache of the "
                               "project's modules (compiled at each run)",
                               [*CLI, "clearance", a_number, "--on", "2022-12-14"]),
        "python": ("`python -c pass` (the interpreter alone, for scale)",
                   [sys.executable, "-c", "pass"]),
    }
    rows = ["| command | target | wall median | wall spread | CPU median | met |",
            "|---|---|---|---|---|---|"]
    for key, (label, argv) in commands.items():
        got = _time(argv, uncached if key == "clearance-uncached" else env, runs)
        target = TARGETS.get(key)
        met = "—" if target is None else ("yes" if got["median"] <= target else "**missed**")
        rows.append(f"| {label} | {'—' if target is None else f'≤ {target:.1f} s'} | "
                    f"{got['median']:.2f} s | {got['low']:.2f}–{got['high']:.2f} s | "
                    f"{got['cpu']:.2f} s | {met} |")
        print(rows[-1], flush=True)
    table = OUT / f"table-{options.label.replace(' ', '-')}.md"
    table.write_text(f"**{options.label}** (`PYTHONPATH={options.src or 'src'}`, Typer {typer}), "
                     f"load {load_before} → {_load()}:\n\n" + "\n".join(rows) + "\n")
    others = [p.read_text() for p in sorted(OUT.glob("table-*.md")) if p != table]
    body = "\n".join([
        f"Whole processes (`python -c 'from spilldesk.cli.main import main; main()' ...`), "
        f"{runs} runs each after one warm-up run, with Python's bytecode cache as a user's "
        "machine has it (the warm-up writes the project's modules'; the last row runs a copy "
        "without one, every project module compiled at each run, as the figures before "
        "2026-11-28 were taken); targets are for the wall-clock median. CPU is user + system "
        f"time of the process and its workers. Typer {typer} (its version moves start-up: "
        "pyproject.toml).",
        "",
        *rows,
        "",
        *others,
        f"Load average when the runs began: {load_before}; when they ended: {_load()} on "
        f"{os.cpu_count()} cores (a shared machine: wall time includes waiting for a CPU, "
        "CPU time does not).",
    ])
    write_figures("startup", "Start-up (whole processes)", body,
                  f"python benchmarks/bench_startup.py --runs {runs}")


if __name__ == "__main__":
    main()
