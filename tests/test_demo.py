"""The demo end to end on a small registry: every stage runs and its figures hold together."""

from __future__ import annotations

import json
import os
import stat

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    workdir = tmp_path_factory.mktemp("demo") / "run"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SPILLDESK_DATABASE_URL", raising=False)
        patch.delenv("SPILLDESK_KEY_FILE", raising=False)
        result = runner.invoke(app, ["demo", "--workdir", str(workdir), "--persons", "6000",
                                     "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), str(workdir)


def test_every_stage_reports(demo) -> None:
    summary, _ = demo
    for stage in ("scenario", "gate", "registry", "incidents", "overlap", "plan", "notify",
                  "timeline", "clearance", "clawback", "users"):
        assert stage in summary, stage
    assert summary["gate"]["real_workbooks_by_verdict"] == {"pass": 89}
    assert summary["gate"]["would_have_blocked_nov_28"] is True


def test_linkage_and_overlap_against_the_truth(demo) -> None:
    summary, _ = demo
    incidents = summary["incidents"]
    nov, dec = incidents["ICE-2022-11-28"]["linkage"], incidents["DHS-2022-12-07"]["linkage"]
    assert nov["precision"] == 1.0 and nov["recall"] == 1.0
    assert dec["matched"] + dec["review"] + dec["unmatched"] == 103
    assert dec["precision"] == 1.0 and dec["recall_with_review"] == 1.0
    overlap = summary["overlap"]
    waiting = sum(overlap["still_in_review"].values())
    assert overlap["in_both"] + overlap["only_second"] + waiting == 103
    assert overlap["in_both"] <= overlap["truth"]["in_both"]


def test_plan_notices_and_clearance_hold_together(demo) -> None:
    summary, _ = demo
    plan, notify, clearance = summary["plan"], summary["notify"], summary["clearance"]
    assert plan["holds"] > 0 and plan["tasks_by_component"]["OPLA"] > 0
    noncitizens = plan["notices_by_recipient"]["noncitizen"]
    exposed = sum(summary["incidents"][i]["linkage"]["exposures"] for i in ("ICE-2022-11-28",
                                                                             "DHS-2022-12-07"))
    assert noncitizens == exposed  # one notice per incident per exposed person
    assert sum(notify["notices_by_language"].values()) == sum(
        plan["notices_by_recipient"].values())
    manifest = clearance["manifests"][0]
    assert 0 < manifest["blocked"] < manifest["checked"]
    assert manifest["blocked_by_reason"]["unknown_person"] == 1
    assert clearance["egress_dec_7"]["verdict"] == "block"


def test_clawback_finds_the_true_downloaders_and_writes_to_them(demo) -> None:
    from pathlib import Path

    summary, _ = demo
    claw = summary["clawback"]
    truth = claw["truth"]
    assert truth["found"] == truth["downloaders"] == claw["recipients"]
    assert truth["missed"] == truth["extra"] == truth["non_downloaders_taken_for_recipients"] == 0
    assert claw["awaiting_owner"] == 1 and claw["letters"] == claw["recipients"] - 1
    assert claw["answers"] and claw["follow_ups"] == claw["letters"] - sum(
        claw["answers"].values())
    assert {"download", "outside_window", "incomplete", "internal", "not_modified"} <= set(
        claw["evidence"])
    letters = sorted(Path(claw["letters_dir"]).glob("*.pdf"))
    assert len(letters) == claw["letters"] + claw["follow_ups"]


def test_the_demo_desk_audits_clean(demo, monkeypatch) -> None:
    _, workdir = demo
    monkeypatch.delenv("SPILLDESK_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["audit", "verify", "--workdir", workdir, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["events"] > 10


def test_demo_users_can_sign_in_and_their_passwords_stay_private(demo) -> None:
    import stat
    from pathlib import Path

    _, workdir = demo
    details = Path(workdir) / "demo-users.txt"
    assert stat.S_IMODE(details.stat().st_mode) == 0o600
    rows = [line.split("\t") for line in details.read_text().splitlines() if "\t" in line]
    assert {role for _, role, _ in rows} >= {"privacy_officer", "ero_officer", "auditor"}


def test_the_demo_refuses_a_directory_it_did_not_make(tmp_path) -> None:
    (tmp_path / "precious.txt").write_text("a real desk lives here")
    result = runner.invoke(app, ["demo", "--workdir", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "precious.txt").exists()


def test_the_demo_runs_on_the_2022_clock(demo) -> None:
    """Notices are generated and delivered, tasks fall due and the audit log runs in
    Nov-Dec 2022: nothing the response wrote carries today's date (issue: one clock)."""
    from datetime import date, datetime

    from sqlalchemy import create_engine, text

    summary, workdir = demo
    steps = [datetime.fromisoformat(entry["at"]) for entry in summary["timeline"]]
    assert steps == sorted(steps) and steps[0].year == steps[-1].year == 2022
    engine = create_engine(f"sqlite:///{workdir}/spilldesk.db")
    with engine.connect() as connection:
        def span(sql: str) -> tuple[str, str]:
            low, high = connection.execute(text(sql)).one()
            return str(low), str(high)

        generated = span("SELECT MIN(generated_at), MAX(generated_at) FROM notices")
        delivered = span("SELECT MIN(at), MAX(at) FROM delivery_attempts")
        recorded = span("SELECT MIN(created_at), MAX(created_at) FROM delivery_attempts")
        due = span("SELECT MIN(due), MAX(due) FROM tasks")
        opened = span("SELECT MIN(created_at), MAX(created_at) FROM incidents")
        audited = span("SELECT MIN(at), MAX(at) FROM audit_events WHERE action NOT LIKE 'user.%'")
    for low, high in (generated, delivered, recorded, opened, audited):
        assert "2022-11-28" <= low <= high < "2023", (low, high)
    assert date.fromisoformat(due[0][:10]) >= date(2022, 11, 28)
    assert date.fromisoformat(due[1][:10]) < date(2023, 3, 1)
    assert delivered[0] >= generated[0] and delivered[1] <= recorded[1]


def test_every_output_is_private_to_its_owner(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Packets, mail-merge and follow-up lists, delivery sheets, letters, feeds, the database:
    files 0600 and folders 0700 even under a permissive umask."""
    workdir = tmp_path_factory.mktemp("private") / "run"
    previous = os.umask(0o022)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("SPILLDESK_DATABASE_URL", raising=False)
            patch.delenv("SPILLDESK_KEY_FILE", raising=False)
            result = runner.invoke(app, ["demo", "--workdir", str(workdir), "--persons", "6000",
                                         "--json"], catch_exceptions=False)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.stderr
    files = [p for p in workdir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"mail-merge.csv", "follow-up.csv", "spilldesk.db"} <= names
    assert any(p.parent.name == "delivery-sheets" for p in files)
    assert any(p.suffix == ".pdf" and p.parent.name == "notices" for p in files)
    assert any(p.suffix == ".pdf" and "clawback" in str(p) for p in files)
    loose = [str(p.relative_to(workdir)) for p in files if stat.S_IMODE(p.stat().st_mode) != 0o600]
    assert loose == []
    folders = [workdir, *(p for p in workdir.rglob("*") if p.is_dir())]
    open_folders = [str(p) for p in folders if stat.S_IMODE(p.stat().st_mode) != 0o700]
    assert open_folders == []
