"""The synthetic 2022 scenario: generation time and peak memory, and the workbook writer's peer.

The measurement lives with the generator (`spilldesk.scenario.benchmark`); this runs it and
writes what it printed as docs/benchmarks/scenario.md.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

from spilldesk.scenario.benchmark import main as measure

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402


def main() -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        measure()
    load = os.getloadavg()[0]
    body = f"Load average at the end: {load:.1f}.\n\n```\n{printed.getvalue().rstrip()}\n```"
    print(body)
    write_figures("scenario", "Scenario generation", body, "python benchmarks/bench_scenario.py")


if __name__ == "__main__":
    main()
