"""The pre-commit hook's first install: what a web team's machine downloads and unpacks the
first time the gate runs, before and after the desk's dependencies became the `desk` extra.

pre-commit installs a hook into a fresh virtualenv with `pip install .` from the hook's
repository. Each run here does the same, with no pip cache (a first install): the gate alone
(`pip install .`, the hook today) and the gate with the desk (`pip install '.[desk]'`, what the
hook installed before, when the desk's dependencies were the base install). Runs alternate
between the two so that the machine's load and the package index's speed fall on both.
Figures: wall time of the install, the environment's size on disk (over an empty virtualenv)
and how many distributions it holds.

    python benchmarks/bench_hook.py [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KINDS = {
    "the gate alone (`pip install .`: the hook today)": "",
    "the gate and the desk (`pip install '.[desk]'`: the hook before the `desk` extra)": "[desk]",
}


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def install(extras: str, root: Path) -> dict[str, float]:
    """One first install into a fresh virtualenv: seconds, megabytes added, distributions."""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    empty = _size(venv)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    began = time.perf_counter()
    subprocess.run([*pip, "install", "--quiet", "--no-cache-dir", "--disable-pip-version-check",
                    f"{ROOT}{extras}"], check=True, env={**os.environ, "PIP_NO_CACHE_DIR": "1"})
    seconds = time.perf_counter() - began
    listed = subprocess.run([*pip, "list", "--format=freeze", "--disable-pip-version-check"],
                            check=True, capture_output=True, text=True).stdout.split()
    return {"seconds": seconds, "mb": (_size(venv) - empty) / 2**20,
            "distributions": float(len(listed))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        for kind, extras in KINDS.items():
            with tempfile.TemporaryDirectory() as tmp:
                runs[kind].append(install(extras, Path(tmp)))
                print(kind, runs[kind][-1], flush=True)
    rows = []
    for kind, results in runs.items():
        seconds = [r["seconds"] for r in results]
        rows.append(f"| {kind} | {statistics.median(seconds):.1f} s "
                    f"({min(seconds):.1f}–{max(seconds):.1f} s) | "
                    f"{statistics.median(r['mb'] for r in results):,.0f} MB | "
                    f"{results[0]['distributions']:.0f} |")
    light, whole = (runs[kind] for kind in KINDS)
    time_ratio = statistics.median(r["seconds"] for r in whole) / statistics.median(
        r["seconds"] for r in light)
    size_ratio = statistics.median(r["mb"] for r in whole) / statistics.median(
        r["mb"] for r in light)
    body = (
        "A first install as pre-commit makes it: a fresh virtualenv, `pip install` from this "
        f"repository with no pip cache, {args.runs} runs of each, alternating; the median and "
        "the spread of wall time, the environment's size over an empty virtualenv, and the "
        "distributions in it (pip and setuptools included). Packages come from the machine's "
        f"package index; load average (1 minute, 2 cores) at the start: {load:.1f}.\n\n"
        "| install | wall | size | distributions |\n|---|---|---|---|\n" + "\n".join(rows)
        + f"\n\nThe hook today installs in 1/{time_ratio:.1f} of the time and 1/{size_ratio:.1f}"
        " of the disk it took before."
    )
    command = "python benchmarks/bench_hook.py " + " ".join(sys.argv[1:])
    write_figures("hook", "The pre-commit hook's first install", body, command.strip())


if __name__ == "__main__":
    main()
