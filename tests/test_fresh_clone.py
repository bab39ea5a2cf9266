"""A clone stands alone: `git clone` of this repository at HEAD into an empty temporary folder,
with nothing beside it, runs the whole demo (on a small registry) with only the installed
dependencies. Nothing outside the clone (no `shared/` folder, no environment variable) is read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _repository() -> Path:
    found = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--show-toplevel"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        pytest.skip("these tests do not run from a git checkout")
    return Path(found.stdout.strip())


@pytest.mark.slow
def test_a_fresh_clone_runs_the_demo_with_nothing_beside_it(tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    clone = alone / "spilldesk"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(_repository()), str(clone)],
                   check=True)
    assert sorted(p.name for p in alone.iterdir()) == ["spilldesk"]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SPILLDESK_") and key != "PYTHONPATH"}
    env |= {"PYTHONPATH": str(clone / "src"), "HOME": str(alone / "spilldesk" / ".home")}

    where = subprocess.run([sys.executable, "-c", "import spilldesk; print(spilldesk.__file__)"],
                           cwd=clone, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(clone / "src")

    demo = subprocess.run(
        [sys.executable, "-m", "spilldesk", "demo", "--workdir", "demo-run",
         "--persons", "6000", "--json"],
        cwd=clone, env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr[-2000:]
    summary = json.loads(demo.stdout)
    assert summary["gate"]["real_workbooks_by_verdict"] == {"pass": 89}
    assert summary["gate"]["would_have_blocked_nov_28"] is True
    assert (clone / "demo-run" / "spilldesk.db").is_file()
    assert sorted(p.name for p in alone.iterdir()) == ["spilldesk"]
