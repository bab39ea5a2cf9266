"""Where benchmarks write their figures: docs/benchmarks/<area>.md, merged by collect.py."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks"


def write_figures(area: str, title: str, body: str, command: str) -> Path:
    DOCS.mkdir(parents=True, exist_ok=True)
    path = DOCS / f"{area}.md"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    path.write_text(f"## {title}\n\nMeasured {stamp} on {machine} with `{command}`.\n\n{body}\n")
    return path
