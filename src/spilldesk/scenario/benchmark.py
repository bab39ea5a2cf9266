"""Measure the scenario generator: `python -m spilldesk.scenario.benchmark [--persons N]`.

Prints the time of each step of `generate` (best of a few runs), the peak memory, the
target (40,000 persons and everything in at most 10 s), and a peer run side by side: the
same person rows written into the same statistics workbook with openpyxl's cell API, against
the spliced sheet part the generator writes.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import openpyxl

from spilldesk.scenario.generate import DEFAULT_PERSONS, STEPS, generate
from spilldesk.scenario.population import draw_a_numbers, draw_population
from spilldesk.scenario.selection import choose_workbook as choose_rows
from spilldesk.scenario.shared_data import choose_workbook, find_shared_dir, read_facilities
from spilldesk.scenario.workbook import HEADERS, workbook_rows, write_workbook
from spilldesk.scenario.xlsx import save_reproducibly

TARGET_SECONDS = 10.0


def _timed_generate(folder: Path, persons: int) -> dict[str, float]:
    marks: list[tuple[str, float]] = [("setup", time.perf_counter())]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    generate(folder, persons=persons, on_step=mark)
    marks.append(("end", time.perf_counter()))
    steps = {name: later - at for (name, at), (_, later) in zip(marks, marks[1:], strict=False)}
    steps["total"] = marks[-1][1] - marks[0][1]
    return steps


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: min(run[key] for run in runs) for key in runs[0]}


def _peer(folder: Path) -> tuple[float, float, int]:
    """The person sheet via openpyxl cells (peer) and via the splice (ours), same rows."""
    source, sheet_name = choose_workbook(find_shared_dir())
    facilities = read_facilities(openpyxl.load_workbook(source), sheet_name)
    rng = random.Random(1)  # nosec B311 # reproducible synthetic data, not a secret
    people = draw_population(rng, draw_a_numbers(rng, DEFAULT_PERSONS), facilities)
    rows = workbook_rows(rng, choose_rows(rng, people))
    book = openpyxl.load_workbook(source)
    start = time.perf_counter()
    sheet = book.create_sheet("persons")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row.cells)
    save_reproducibly(book, folder / "peer.xlsx", creator="peer")
    peer = time.perf_counter() - start
    book = openpyxl.load_workbook(source)
    start = time.perf_counter()
    write_workbook(book, folder / "ours.xlsx", rows)
    return peer, time.perf_counter() - start, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = [_timed_generate(folder / f"run{i}", args.persons) for i in range(args.runs)]
        best = _best(runs)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"scenario generate, {args.persons:,} persons, best of {args.runs} runs:")
        for name in ("setup", *STEPS):
            print(f"  {name:<12} {best[name]:6.2f} s")
        verdict = "meets" if best["total"] <= TARGET_SECONDS else "MISSES"
        print(f"  {'total':<12} {best['total']:6.2f} s  (target <= {TARGET_SECONDS:.0f} s: "
              f"{verdict}; {TARGET_SECONDS / best['total']:.1f}x headroom)")
        print(f"  peak memory  {peak_mb:6.0f} MB")
        peer, ours, count = _peer(folder)
        print(f"person sheet ({count:,} rows x {len(HEADERS)} columns) into the real workbook:")
        print(f"  openpyxl cells (peer) {peer:6.2f} s | spliced part (ours) {ours:6.2f} s | "
              f"{peer / ours:.1f}x")


if __name__ == "__main__":
    main()
