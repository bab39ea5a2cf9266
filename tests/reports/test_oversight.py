"""Notices to oversight and the investigation record through the CLI (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from typer.testing import CliRunner

from spilldesk import clock
from spilldesk.cli.main import app
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent, Commitment, Task, TaskIncident
from tests.web.desk_seed import ET, INCIDENT, Seeded, seed_desk

pytestmark = pytest.mark.db
runner = CliRunner()


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> Seeded:
    with clock.replaying(datetime(2022, 11, 29, 9, 0, tzinfo=ET)):
        seeded = seed_desk(store, tmp_path)
        with store.session() as session:
            ids = seeded.person_ids
            task = Task(key="ij", person_id=ids[seeded.a_numbers[2]], component="OPLA",
                        action="file_disclosure_notice_ij")
            task.incidents.append(TaskIncident(incident_id=INCIDENT))
            session.add(task)
            session.add(Commitment(key="remand", person_id=ids[seeded.a_numbers[4]],
                                   action="do_not_oppose_remand", component="OPLA",
                                   trigger="motion_to_remand_filed", incidents=[INCIDENT]))
            session.add(Commitment(key="other", person_id=ids[seeded.a_numbers[5]],
                                   action="do_not_oppose_remand", component="OPLA",
                                   trigger="motion_to_remand_filed", incidents=[INCIDENT]))
    return seeded


def send(out: Path, to: str) -> dict:
    result = runner.invoke(app, ["report", "oversight", INCIDENT, "--to", to, "--out",
                                 str(out)])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_eoir_lists_respondents_with_opla_court_work(desk: Seeded, store: Store,
                                                     tmp_path: Path) -> None:
    sent = send(tmp_path / "out", "eoir")
    rows = list(csv.DictReader(Path(sent["annex"]).read_text().splitlines()))
    # the OPLA task and the standing commitment of an exposed person; not the outsider's
    assert sorted(r["a_number"] for r in rows) == sorted([desk.a_numbers[2],
                                                          desk.a_numbers[4]])
    assert sent["people"] == 2
    assert any("do_not_oppose_remand (standing" in r["detail"] for r in rows)
    assert oct(Path(sent["annex"]).stat().st_mode & 0o777) == "0o600"
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(sent["document"]).pages).split())
    assert "Executive Office for Immigration Review" in words and "file disclosure notice ij" \
        in words
    assert desk.a_numbers[2] not in words and "FAMILIA" not in words  # the letter names nobody
    with store.session() as session:
        row = session.execute(text("SELECT addressee, people, annex_sha256 FROM "
                                   "oversight_notices")).one()
        reads = session.execute(select(AuditEvent).where(
            AuditEvent.action == "person.bulk_read")).scalars().all()
    assert row[0] == "eoir" and row[1] == 2 and len(row[2]) == 64
    assert reads[-1].detail["purpose"] == f"oversight notice {sent['reference']}"


def test_uscis_lists_protection_claims_and_cpo_has_no_annex(desk: Seeded, store: Store,
                                                           tmp_path: Path) -> None:
    with store.session() as session:
        expected = session.execute(text(
            "SELECT count(*) FROM exposures e JOIN persons p ON p.id = e.person_id WHERE "
            "e.incident_id = :i AND p.posture IN ('credible_fear_positive', "
            "'credible_fear_negative', 'reasonable_fear_negative', 'withholding_only')"),
            {"i": INCIDENT}).scalar_one()
    uscis = send(tmp_path / "out", "uscis")
    assert uscis["people"] == expected
    assert len(list(csv.DictReader(Path(uscis["annex"]).read_text().splitlines()))) == expected
    cpo = send(tmp_path / "out", "cpo")
    assert cpo["annex"] is None
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(cpo["document"]).pages).split())
    assert "DHS Chief Privacy Officer" in words and "Summary" in words
    again = send(tmp_path / "out", "cpo")
    assert again["reference"] != cpo["reference"]  # each sending recorded on its own
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM oversight_notices")).scalar_one() == 3


def test_investigation_record_through_the_cli(desk: Seeded, store: Store) -> None:
    added = runner.invoke(app, ["investigation", "add", INCIDENT, "--kind",
                                "corrective_action", "--component", "OCIO", "--title",
                                "The gate runs before every publish", "--owner", "web team",
                                "--due", "2022-12-15", "--json"])
    assert added.exit_code == 0, added.stderr
    entry = json.loads(added.stdout)
    updated = runner.invoke(app, ["investigation", "update", INCIDENT, str(entry["id"]),
                                  "--status", "done", "--evidence", "gate log of Dec 14",
                                  "--json"])
    assert updated.exit_code == 0, updated.stderr
    assert json.loads(updated.stdout)["closed_on"] is not None
    runner.invoke(app, ["investigation", "add", INCIDENT, "--kind", "mitigation",
                        "--component", "DHS", "--title", "Additional mitigation"])
    shown = json.loads(runner.invoke(app, ["investigation", "show", INCIDENT, "--json"]).stdout)
    assert shown["owners"] == {"DHS": ["Additional mitigation"],
                               "OCIO": ["The gate runs before every publish"]}
    assert shown["corrective_actions"][0]["evidence"] == "gate log of Dec 14"
    # a corrective action without an owner, a bad kind, a bad date: one line, nothing changes
    for args, message in (
            (["--kind", "corrective_action", "--component", "OCIO", "--title", "x"],
             "owner: a corrective action needs an owner"),
            (["--kind", "wish", "--component", "OCIO", "--title", "x"], "kind: 'wish'"),
            (["--kind", "review", "--component", "OPR", "--title", "x", "--due", "soon"],
             "due: 'soon'")):
        bad = runner.invoke(app, ["investigation", "add", INCIDENT, *args])
        assert bad.exit_code == 2 and message in bad.stderr
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM investigation_items")).scalar_one() \
            == 2
