"""The publication gate stands without the desk: its pre-commit environment installs only the
base dependencies (pyproject), so `spilldesk scan` must never import a desk package. Each file
format is judged in a process where importing any of them fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from spilldesk.scenario.shared_data import real_workbooks
from tests.scan.crafted import person_rows, rows_xml, sheet_xml, workbook

REPO = Path(__file__).resolve().parents[2]
# Import names of the `desk` extra's distributions (the gate must import none of them).
# (pydantic is not among them: the command-line library, typer, needs it.)
DESK_MODULES = ["sqlalchemy", "alembic", "psycopg", "cryptography", "yaml",
                "rapidfuzz", "jellyfish", "openpyxl", "pyarrow", "pandas", "docx", "splink",
                "duckdb", "jinja2", "babel", "reportlab", "segno", "crawleruseragents",
                "fastapi", "uvicorn", "uvloop", "httptools", "multipart", "argon2",
                "itsdangerous", "httpx", "numpy"]
BLOCKED = f"""
import sys
from spilldesk.cli.main import main

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {set(DESK_MODULES)!r}:
            raise ModuleNotFoundError(f"the gate imported a desk package: {{name}}", name=name)
        return None

sys.meta_path.insert(0, Blocker())
main()
"""


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-c", BLOCKED, *argv], capture_output=True,
                          text=True, cwd=cwd, env=env)


def test_the_desk_packages_are_an_extra_not_the_gates_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"]).lower()
    assert "sqlalchemy" not in base and "splink" not in base and "fastapi" not in base
    assert "sqlalchemy" in " ".join(project["optional-dependencies"]["desk"]).lower()


def test_the_gate_judges_every_format_without_any_desk_package(tmp_path: Path) -> None:
    files = {
        "notes.txt": b"Meeting notes: the facility population report is due Friday.\n",
        "list.csv": "\n".join(",".join(row) for row in person_rows(20)).encode(),
        "page.html": b"<!doctype html><html><body><p>Quarterly statistics</p></body></html>",
        "data.json": json.dumps({"facilities": 120, "fy": 2023}).encode(),
        "people.xlsx": workbook([("Detainees", sheet_xml(rows_xml(person_rows(20))))]),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    real = real_workbooks()[-1]
    done = _run(["scan", "--format", "json", str(tmp_path), str(real)], tmp_path)
    assert "desk package" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr  # the person-level files block
    verdicts = {Path(r["path"]).name: r["verdict"] for r in json.loads(done.stdout)["files"]}
    assert verdicts[real.name] == "pass"
    assert verdicts["people.xlsx"] == verdicts["list.csv"] == "block"
    assert verdicts["notes.txt"] == verdicts["data.json"] == verdicts["page.html"] == "pass"


def test_a_desk_command_without_the_desk_is_one_line(tmp_path: Path) -> None:
    done = _run(["incident", "list"], tmp_path)
    assert done.returncode == 2
    assert "spilldesk[desk]" in done.stderr and "Traceback" not in done.stderr
