"""plan, tasks, task done|waive, event record and custody decide through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.store.db import Store
from tests.casework.test_planning import NOV28, build_desk

pytestmark = pytest.mark.db
runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def desk_with_exposures(store: Store, tmp_path: Path) -> Store:
    with store.session() as session:
        build_desk(session, tmp_path)
    return store


def test_plan_dry_run_then_apply_then_idempotent(desk_with_exposures: Store) -> None:
    preview = invoke("plan", NOV28, "--dry-run", "--json")
    assert preview.exit_code == 0, preview.output
    document = json.loads(preview.stdout)
    assert document["dry_run"] is True and len(document["persons"]) == 4
    action = document["persons"][0]["actions"][0]
    assert set(action) >= {"action", "kind", "component", "due", "status", "incidents"}
    applied = json.loads(invoke("plan", NOV28, "--json").stdout)
    assert applied["changes"]["added"] == document["changes"]["added"] > 0
    again = json.loads(invoke("plan", NOV28, "--json").stdout)
    assert again["changes"]["added"] == 0 and again["changes"]["withdrawn"] == 0
    human = invoke("plan", NOV28)
    assert human.exit_code == 0 and "0 added" in human.stderr
    assert "A200000001" not in human.output + applied.__repr__()


def test_plan_errors_are_one_line_exit_2(desk_with_exposures: Store, tmp_path: Path) -> None:
    missing = invoke("plan", "NO-SUCH-INCIDENT")
    assert missing.exit_code == 2 and "NO-SUCH-INCIDENT" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: 1\nrules:\n  - id: r\n    actions:\n"
                   "      - {action: move_to_dimiss, component: OPLA}\n", encoding="utf-8")
    result = invoke("plan", NOV28, "--playbook", str(bad))
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1
    assert "playbook bad, rule 'r': unknown action 'move_to_dimiss'" in lines[0]


def test_tasks_done_waive_event_and_custody(desk_with_exposures: Store) -> None:
    invoke("plan", NOV28)
    listed = json.loads(invoke("tasks", "--component", "OPLA", "--json").stdout)
    assert listed["count"] == len(listed["tasks"]) > 0
    first = listed["tasks"][0]
    assert set(first) >= {"a_number", "incidents", "incident", "action", "component", "status",
                          "due", "owner"}
    done = invoke("task", "done", str(first["id"]), "--outcome", "filed", "--json")
    assert json.loads(done.stdout)["status"] == "done"
    twice = invoke("task", "waive", str(first["id"]), "--outcome", "x")
    assert twice.exit_code == 2 and "is done, not open" in twice.stderr
    event = invoke("event", "record", "--a-number", "A200000003", "--kind",
                   "motion_to_remand_filed", "--at", "2023-01-10T09:00", "--json")
    assert event.exit_code == 0, event.output
    assert [t["action"] for t in json.loads(event.stdout)["tasks"]] == ["do_not_oppose_remand"]
    decided = invoke("custody", "decide", "--a-number", "A200000001", "--decision", "parole",
                     "--rationale", "case by case: parole warranted", "--json")
    assert decided.exit_code == 0, decided.output
    assert json.loads(decided.stdout)["task"] is not None
    mine = json.loads(invoke("tasks", "--a-number", "A200000001", "--status", "done",
                             "--json").stdout)
    assert "custody_redetermination" in {t["action"] for t in mine["tasks"]}
    assert {t["a_number"] for t in mine["tasks"]} == {"A*****0001"}
    bad = invoke("tasks", "--status", "finished")
    assert bad.exit_code == 2 and "unknown task status 'finished'" in bad.stderr
