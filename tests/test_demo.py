"""The demo end to end on a small registry: every stage runs and its figures hold together."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app

runner = CliRunner()
pytestmark = pytest.mark.slow


class DemoRun(NamedTuple):
    summary: dict
    workdir: str
    database_url: str


def run_demo(backend: str, folder: Path, make_database) -> Iterator[DemoRun]:
    """One demo run on `backend`, under a permissive umask (its outputs must be private all
    the same: `check_every_output_is_private_to_its_owner`)."""
    workdir = folder / "run"
    with make_database(backend, workdir) as url:
        previous = os.umask(0o022)
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SPILLDESK_DATABASE_URL", url)
                patch.delenv("SPILLDESK_KEY_FILE", raising=False)
                result = runner.invoke(app, ["demo", "--workdir", str(workdir), "--persons",
                                             "6000", "--json"], catch_exceptions=False)
        finally:
            os.umask(previous)
        assert result.exit_code == 0, result.stderr
        yield DemoRun(json.loads(result.stdout), str(workdir), url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_demo_end_to_end(backend: str, tmp_path: Path, make_database) -> None:
    """The demo once per backend (the embedded SQLite desk, the PostgreSQL server
    deployment), then every check below on that run. One test per run, not a fixture shared
    by many tests: the suite's workers would each make the run again."""
    for run in run_demo(backend, tmp_path, make_database):
        for check in CHECKS:
            check(run)


def check_every_stage_reports(demo: DemoRun) -> None:
    summary = demo.summary
    for stage in ("scenario", "gate", "registry", "incidents", "overlap", "plan", "notify",
                  "timeline", "clearance", "clawback", "users"):
        assert stage in summary, stage
    assert summary["gate"]["real_workbooks_by_verdict"] == {"pass": 89}
    assert summary["gate"]["would_have_blocked_nov_28"] is True


def check_linkage_and_overlap_against_the_truth(demo: DemoRun) -> None:
    summary = demo.summary
    incidents = summary["incidents"]
    nov, dec = incidents["ICE-2022-11-28"]["linkage"], incidents["DHS-2022-12-07"]["linkage"]
    assert nov["precision"] == 1.0 and nov["recall"] == 1.0
    assert dec["matched"] + dec["review"] + dec["unmatched"] == 103
    assert dec["precision"] == 1.0 and dec["recall_with_review"] == 1.0
    overlap = summary["overlap"]
    waiting = sum(overlap["still_in_review"].values())
    assert overlap["in_both"] + overlap["only_second"] + waiting == 103
    assert overlap["in_both"] <= overlap["truth"]["in_both"]


def check_plan_notices_and_clearance_hold_together(demo: DemoRun) -> None:
    summary = demo.summary
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


def check_clawback_finds_the_true_downloaders_and_writes_to_them(demo: DemoRun) -> None:

    summary = demo.summary
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


def check_the_demo_desk_audits_clean(demo: DemoRun) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPILLDESK_DATABASE_URL", demo.database_url)
        result = runner.invoke(app, ["audit", "verify", "--workdir", demo.workdir, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["events"] > 10


def check_demo_users_can_sign_in_and_their_passwords_stay_private(demo: DemoRun) -> None:
    workdir = demo.workdir
    details = Path(workdir) / "demo-users.txt"
    assert stat.S_IMODE(details.stat().st_mode) == 0o600
    rows = [line.split("\t") for line in details.read_text().splitlines() if "\t" in line]
    assert {role for _, role, _ in rows} >= {"privacy_officer", "ero_officer", "auditor"}


def test_the_demo_refuses_a_directory_it_did_not_make(tmp_path) -> None:
    (tmp_path / "precious.txt").write_text("a real desk lives here")
    result = runner.invoke(app, ["demo", "--workdir", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "precious.txt").exists()


def check_the_demo_runs_on_the_2022_clock(demo: DemoRun) -> None:
    """Notices are generated and delivered, tasks fall due and the audit log runs in
    Nov-Dec 2022: nothing the response wrote carries today's date (issue: one clock)."""
    from datetime import date, datetime

    from sqlalchemy import text

    from spilldesk.store.db import make_engine

    summary = demo.summary
    steps = [datetime.fromisoformat(entry["at"]) for entry in summary["timeline"]]
    assert steps == sorted(steps) and steps[0].year == steps[-1].year == 2022
    engine = make_engine(demo.database_url)
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


def check_the_dec_14_extension_letters_give_each_person_a_new_date(demo: DemoRun) -> None:

    from pypdf import PdfReader

    summary = demo.summary
    extension = summary["extension"]
    nov = extension["ICE-2022-11-28"]
    assert nov["letters"] > 0 and nov["until_further_notice"] == 0
    letters = sorted(Path(nov["out_dir"], "extensions").glob("*.pdf"))
    assert len(letters) == nov["letters"]
    text = " ".join(PdfReader(letters[0]).pages[0].extract_text().split())
    # Every letter gives a date in 2023 (notice day + 30 + 30), never a blank.
    assert "2023" in text and "____" not in text


def check_reports_for_both_incidents_match_the_database(demo: DemoRun) -> None:
    """The report stage's JSON, HTML and PDF for both incidents, every figure recomputed with
    SQL from the demo's database; the notices to oversight; the summary links them."""
    from datetime import date

    from pypdf import PdfReader

    from spilldesk.store.crypto import load_keyring
    from spilldesk.store.db import make_engine
    from tests.reports.recompute import assert_figures_match, recompute

    summary, workdir, _ = demo
    report = summary["report"]
    assert set(report["incidents"]) == {"ICE-2022-11-28", "DHS-2022-12-07"}
    engine = make_engine(demo.database_url)
    keyring = load_keyring(Path(workdir) / "keys" / "spilldesk.key")
    for incident_id, made in report["incidents"].items():
        files = {fmt: Path(path) for fmt, path in made["files"].items()}
        assert all(path.parent == Path(report["folder"]) for path in files.values())
        figures = json.loads(files["json"].read_text())
        assert figures["as_of"] == report["as_of"] == "2022-12-23"
        with engine.connect() as connection:
            assert_figures_match(figures, recompute(connection, incident_id,
                                                    date.fromisoformat(figures["as_of"]),
                                                    keyring))
        watched = incident_id == "ICE-2022-11-28"  # the demo watches for the Nov 28 records
        assert figures["monitoring"]["status"] == ("watched" if watched else "not_set_up")
        assert figures["investigation"]["reviews"] or figures["investigation"]["mitigations"]
        assert files["html"].read_text().count("<svg") >= 4
        words = " ".join(p.extract_text() for p in PdfReader(files["pdf"]).pages)
        assert "Notices provided over time" in words and "Removal holds active" in words
        assert {n["addressee"] for n in made["notices"]} == {"eoir", "uscis", "cpo"}
        assert all(Path(n["document"]).is_file() for n in made["notices"])
    dec = json.loads(Path(report["incidents"]["DHS-2022-12-07"]["files"]["json"]).read_text())
    assert dec["investigation"]["owners"].get("DHS")  # Dec 7: DHS owns the mitigation
    nov = json.loads(Path(report["incidents"]["ICE-2022-11-28"]["files"]["json"]).read_text())
    assert nov["clawback"]["recipients"] == summary["clawback"]["recipients"]
    assert nov["monitoring"]["hits"] == summary["monitoring"]["hits"] > 0


def check_monitoring_finds_every_repost_of_the_exposed(demo: DemoRun) -> None:
    summary = demo.summary
    monitoring = summary["monitoring"]
    truth = monitoring["truth"]
    assert truth["pages_found"] == truth["pages_with_leaks"] > 0
    assert truth["persons_found"] == truth["persons_expected"] > 0
    assert truth["missed_persons"] == truth["extra_persons"] == 0
    assert monitoring["takedown_tasks"] == monitoring["hits"] == truth["pages_with_leaks"]
    again = monitoring["second_run"]
    assert again["hits"] == monitoring["hits"] and again["unchanged"] >= 30


# SQLite's shared-memory index and write-ahead log: removed when the database's last
# connection closes, which a connection the garbage collector finalises can do at any moment.
_TRANSIENT = ("-shm", "-wal", "-journal")


def _mode(path: Path) -> int | None:
    """The file's permission bits; None for a SQLite side file gone since it was listed."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        if path.name.endswith(_TRANSIENT):
            return None
        raise


def check_every_output_is_private_to_its_owner(demo: DemoRun) -> None:
    """Packets, mail-merge and follow-up lists, delivery sheets, letters, feeds, the database:
    files 0600 and folders 0700 even under a permissive umask (the fixture's)."""
    workdir = Path(demo.workdir)
    files = [p for p in workdir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"mail-merge.csv", "follow-up.csv"} <= names
    assert ("spilldesk.db" in names) == demo.database_url.startswith("sqlite")
    assert any(p.parent.name == "delivery-sheets" for p in files)
    assert any(p.suffix == ".pdf" and p.parent.name == "notices" for p in files)
    assert any(p.suffix == ".pdf" and "clawback" in str(p) for p in files)
    loose = [str(p.relative_to(workdir)) for p in files if _mode(p) not in (0o600, None)]
    assert loose == []
    folders = [workdir, *(p for p in workdir.rglob("*") if p.is_dir())]
    open_folders = [str(p) for p in folders if stat.S_IMODE(p.stat().st_mode) != 0o700]
    assert open_folders == []


CHECKS = (
    check_every_stage_reports,
    check_linkage_and_overlap_against_the_truth,
    check_plan_notices_and_clearance_hold_together,
    check_clawback_finds_the_true_downloaders_and_writes_to_them,
    check_the_demo_desk_audits_clean,
    check_demo_users_can_sign_in_and_their_passwords_stay_private,
    check_the_demo_runs_on_the_2022_clock,
    check_the_dec_14_extension_letters_give_each_person_a_new_date,
    check_reports_for_both_incidents_match_the_database,
    check_monitoring_finds_every_repost_of_the_exposed,
    check_every_output_is_private_to_its_owner,
)
