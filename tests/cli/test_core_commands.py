"""init, registry import, incident open/show/list and audit verify through the CLI."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from spilldesk.cli.main import app
from tests.intake.test_registry import FACILITIES, REPRESENTATIVES, persons, write_csv

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_init_import_and_verify(settings, tmp_path) -> None:
    assert invoke("init").exit_code == 0
    assert invoke("init").exit_code == 0  # idempotent
    files = [write_csv(tmp_path / "f.csv", FACILITIES), write_csv(tmp_path / "r.csv",
             REPRESENTATIVES), write_csv(tmp_path / "p.csv", persons())]
    result = invoke("registry", "import", *map(str, files), "--json")
    assert result.exit_code == 0, result.output
    imports = json.loads(result.stdout)["imports"]
    assert [i["created"] for i in imports] == [1, 1, 3]
    assert invoke("audit", "verify").exit_code == 0


def test_bad_registry_file_exits_2_with_one_line(settings, tmp_path) -> None:
    invoke("init")
    bad = write_csv(tmp_path / "bad.csv", [{**persons(1)[0], "colour": "blue"}])
    result = invoke("registry", "import", str(bad))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad.csv" in lines[0] and "colour" in lines[0]


def test_commands_before_init_say_so(settings) -> None:
    result = invoke("incident", "list")
    assert result.exit_code == 2
    assert "spilldesk init" in result.stderr


def test_incident_open_show_list(settings) -> None:
    invoke("init")
    args = ["incident", "open", "ICE-2022-11-28", "--title", "Detention statistics posting",
            "--exposed-from", "2022-11-28T09:45", "--exposed-until", "2022-11-28T14:04",
            "--custody-reference-date", "2022-11-19", "--language", "es", "--language", "pt-BR",
            "--risk-nature", "high", "--risk-likelihood", "moderate",
            "--breach-type", "public_posting", "--risk-reason", "posted on a public website"]
    assert invoke(*args).exit_code == 0
    assert invoke(*args).exit_code == 0  # same record again: unchanged
    changed = [a if a != "2022-11-28T14:04" else "2022-11-28T15:00" for a in args]
    result = invoke(*changed)
    assert result.exit_code == 2 and "exposed_until" in result.stderr
    shown = json.loads(invoke("incident", "show", "ICE-2022-11-28", "--json").stdout)
    assert shown["notice_languages"] == ["en", "es", "pt-BR"]
    assert shown["exposed_from"] == "2022-11-28T14:45:00+00:00"  # 09:45 in New York
    assert shown["risk_of_harm"]["level"] == "high"
    listed = json.loads(invoke("incident", "list", "--json").stdout)
    assert [i["id"] for i in listed["incidents"]] == ["ICE-2022-11-28"]


def test_incident_open_rejects_bad_input(settings) -> None:
    invoke("init")
    result = invoke("incident", "open", "X", "--title", "t", "--exposed-from", "yesterday",
                    "--exposed-until", "2022-11-28")
    assert result.exit_code == 2 and "exposed-from" in result.stderr


def test_audit_verify_fails_on_an_edited_row(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SPILLDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SPILLDESK_HOME", str(tmp_path / "desk"))
    invoke("init")
    invoke("registry", "import", str(write_csv(tmp_path / "f.csv", FACILITIES)))
    invoke("registry", "import", str(write_csv(tmp_path / "r.csv", REPRESENTATIVES)))
    assert invoke("audit", "verify").exit_code == 0
    with sqlite3.connect(tmp_path / "desk" / "spilldesk.db") as connection:
        connection.execute("UPDATE audit_events SET actor = 'nobody' WHERE seq = 1")
    result = invoke("audit", "verify", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["first_bad_seq"] == 1
