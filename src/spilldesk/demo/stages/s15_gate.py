"""Stage: the publication gate — ICE's real workbooks pass; the Nov 28 workbook would have been
stopped at the door (the lesson the gate exists for)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from spilldesk.demo.runner import DemoContext
from spilldesk.worker_pool import process_pool

TITLE = "Run the publication gate on ICE's real workbooks and on the Nov 28 workbook"


def run(ctx: DemoContext) -> dict[str, Any]:
    from spilldesk.scan import scan_path
    from spilldesk.scenario.shared_data import real_workbooks

    real = real_workbooks()
    with process_pool(os.cpu_count() or 1, preload=["spilldesk.scan"]) as pool:
        verdicts = Counter(pool.map(_verdict, real, chunksize=4))
    disclosed = ctx.scenario_dir / "disclosures"
    judged = {path.name: scan_path(path) for path in sorted(disclosed.iterdir())}
    return {
        "real_workbooks": len(real),
        "real_workbooks_by_verdict": dict(sorted(verdicts.items())),
        "disclosures": {name: {"verdict": report.verdict.value,
                               "findings": len(report.findings)}
                        for name, report in judged.items()},
        "would_have_blocked_nov_28": judged[_workbook(disclosed).name].verdict.value == "block",
    }


def _verdict(path: Path) -> str:
    from spilldesk.scan import scan_path

    return scan_path(path).verdict.value


def _workbook(folder: Path) -> Path:
    from spilldesk.scenario.incident_records import WORKBOOK_FILE

    return folder.parent / WORKBOOK_FILE
