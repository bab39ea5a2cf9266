"""`spilldesk scan`: SPEC JSON shape, SARIF, exit codes and --fail-on."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from spilldesk.cli.main import app
from tests.scan.scan_people import HEADERS_EN, people

runner = CliRunner()


def _book(path: Path, count: int) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(["AOR", "ADP"])
    sheet = workbook.create_sheet("p")
    sheet.sheet_state = "hidden"
    sheet.append(HEADERS_EN)
    for person in people(count):
        sheet.append(person.row_en())
    workbook.save(path)
    return path


def test_json_shape_and_exit_code_for_block(tmp_path: Path) -> None:
    crowd = people(5)
    _book(tmp_path / "b.xlsx", 5)
    result = runner.invoke(app, ["scan", str(tmp_path / "b.xlsx"), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    entry = document["files"][0]
    assert entry["verdict"] == "block" and entry["path"].endswith("b.xlsx")
    finding = next(f for f in entry["findings"] if f["entity"] == "PERSON_RECORDS")
    assert set(finding["location"]) >= {"part", "sheet", "cell", "page", "hidden"}
    assert finding["location"]["hidden"] is True and finding["rows"] == 5
    for person in crowd:
        assert person.a_number not in result.stdout and person.family not in result.stdout


def test_folder_walk_fail_on_review_and_sarif(tmp_path: Path) -> None:
    _book(tmp_path / "two.xlsx", 2)
    (tmp_path / "fine.txt").write_text("Average daily population: 31,000")
    result = runner.invoke(app, ["scan", str(tmp_path)])
    assert result.exit_code == 0, result.stdout
    assert runner.invoke(app, ["scan", str(tmp_path), "--fail-on", "review"]).exit_code == 1
    sarif = json.loads(runner.invoke(app, ["scan", str(tmp_path), "--format", "sarif"]).stdout)
    assert sarif["version"] == "2.1.0"
    assert any(r["level"] == "warning" for r in sarif["runs"][0]["results"])


def test_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04garbage")
    result = runner.invoke(app, ["scan", str(tmp_path / "bad.xlsx"), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["files"][0]["verdict"] == "error"
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["scan", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
