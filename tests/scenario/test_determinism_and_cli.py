"""Same seed, same bytes; the command line's contract."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.scenario import generate, shared_data

TINY = 2_500


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=11, persons=TINY)
    generate(tmp_path / "b", seed=11, persons=TINY)
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert len(first) > 35 and first == second


def test_another_seed_gives_another_scenario(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=11, persons=TINY)
    b = generate(tmp_path / "b", seed=12, persons=TINY)
    assert a.persons.read_bytes() != b.persons.read_bytes()
    assert a.workbook.read_bytes() != b.workbook.read_bytes()


def test_cli_json_prints_the_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["scenario", "generate", "--out", str(tmp_path / "s"), "--persons", str(TINY),
              "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["persons"] == TINY and summary["seed"] == 3
    assert (tmp_path / "s" / summary["files"]["workbook"]).is_file()


def test_cli_rejects_a_registry_too_small(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["scenario", "generate", "--out", str(tmp_path / "s"), "--persons", "10"])
    assert result.exit_code == 2
    assert "--persons" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s").exists()


def test_missing_workbooks_is_one_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # An incomplete installation (the shipped workbooks gone) is one line, not a traceback.
    monkeypatch.setattr(shared_data, "STATS_DIR", tmp_path / "nowhere")
    result = CliRunner().invoke(app, ["scenario", "generate", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2 and "ICE statistics" in result.output
    assert "Traceback" not in result.output
