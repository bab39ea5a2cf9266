"""The gate's limits from the environment: sizes, seconds, cell counts; a bad value is an
error for every file (the gate cannot run safely), never ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.scan import Limits, ScanError
from tests.scan.crafted import person_rows, rows_xml, sheet_xml, workbook

runner = CliRunner()


def test_settings_are_read_from_the_environment() -> None:
    limits = Limits.from_environment({
        "SPILLDESK_SCAN_MEMORY": "1.5GiB", "SPILLDESK_SCAN_TIMEOUT": "30",
        "SPILLDESK_SCAN_SHEET_CELLS": "1_000_000", "SPILLDESK_SCAN_FILE_CELLS": "4,000,000",
    })
    assert limits == Limits(memory=3 << 29, seconds=30.0, max_sheet_cells=1_000_000,
                            max_file_cells=4_000_000)
    assert Limits.from_environment({"SPILLDESK_SCAN_MEMORY": "512M"}).memory == 512 << 20
    assert Limits.from_environment({}) == Limits()


@pytest.mark.parametrize("setting, value", [
    ("SPILLDESK_SCAN_MEMORY", "lots"), ("SPILLDESK_SCAN_MEMORY", "0"),
    ("SPILLDESK_SCAN_TIMEOUT", "-1"), ("SPILLDESK_SCAN_SHEET_CELLS", "1e6"),
])
def test_a_bad_setting_is_an_error(setting: str, value: str) -> None:
    with pytest.raises(ScanError, match=setting):
        Limits.from_environment({setting: value})


def test_the_cli_honours_the_environment_and_refuses_bad_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(workbook([("P", sheet_xml(rows_xml(person_rows(12))))]))  # 52 cells
    assert runner.invoke(app, ["scan", str(path)]).exit_code == 1  # blocks
    monkeypatch.setenv("SPILLDESK_SCAN_SHEET_CELLS", "51")
    refused = runner.invoke(app, ["scan", str(path)])
    assert refused.exit_code == 2 and "over the limit of 51 per sheet" in refused.stdout
    monkeypatch.setenv("SPILLDESK_SCAN_SHEET_CELLS", "many")
    bad = runner.invoke(app, ["scan", str(path)])
    assert bad.exit_code == 2 and "SPILLDESK_SCAN_SHEET_CELLS='many'" in bad.stdout
