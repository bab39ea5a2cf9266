"""The incident report on a small desk (SQLite and PostgreSQL): every figure against SQL,
charts in the HTML page and the PDF, the monitoring section's honest empty state, the CLI."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from typer.testing import CliRunner

from spilldesk import clock
from spilldesk.casework.tasks import finish_task
from spilldesk.cli.main import app
from spilldesk.reports.figures import live_metrics, report_figures
from spilldesk.reports.investigation import add_item
from spilldesk.reports.write import report_bytes
from spilldesk.store.db import Store
from spilldesk.store.models import (
    Alert,
    DisclosedDocument,
    DisclosedRecord,
    ReviewItem,
    Task,
    TaskIncident,
)
from tests.reports.recompute import assert_figures_match, recompute
from tests.web.desk_seed import ET, INCIDENT, Seeded, seed_desk

pytestmark = pytest.mark.db
runner = CliRunner()
TODAY = date(2022, 12, 20)
NOW = datetime(2022, 12, 20, 12, 0, tzinfo=ET)


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> tuple[Store, Seeded]:
    with clock.replaying(datetime(2022, 11, 29, 9, 0, tzinfo=ET)):
        seeded = seed_desk(store, tmp_path)
        with store.session() as session:
            ids = seeded.person_ids
            for n, (a, component, due) in enumerate([
                    (seeded.a_numbers[0], "OPLA", date(2022, 12, 5)),
                    (seeded.a_numbers[1], "OPLA", date(2022, 12, 30)),
                    (seeded.a_numbers[2], "ERO", date(2022, 12, 1)),
                    (seeded.a_numbers[3], "ERO", date(2022, 12, 1))]):
                task = Task(key=f"t{n}", person_id=ids[a], action="file_disclosure_notice_ij"
                            if component == "OPLA" else "issue_nta", component=component,
                            due=due)
                task.incidents.append(TaskIncident(incident_id=INCIDENT))
                session.add(task)
            session.add(Alert(person_id=ids[seeded.a_numbers[0]], incident_id=INCIDENT,
                              system="ERO", kind="pii_disclosure"))
            document = DisclosedDocument(incident_id=INCIDENT, file_name="list.csv",
                                         sha256="0" * 64, size=10, created_by="test")
            session.add(document)
            session.flush()
            record = DisclosedRecord(document_id=document.id, incident_id=INCIDENT, pii=b"-",
                                     link_status="review")
            session.add(record)
            session.flush()
            session.add(ReviewItem(incident_id=INCIDENT, record_id=record.id,
                                   person_id=ids[seeded.a_numbers[5]], reason="name_dob"))
            # long words beside a short column: the PDF's table must still lay out
            add_item(session, INCIDENT, kind="review", component="OPR",
                     title="Office of Professional Responsibility review of the posting of "
                           "the workbook", findings="continues to be under review (the "
                     "agency's public account of the incident)", actor="test",
                     today=date(2022, 11, 29))
    with clock.replaying(datetime(2022, 12, 3, 10, 0, tzinfo=ET)), store.session() as session:
        done = session.query(Task).filter_by(key="t3").one()
        finish_task(session, done.id, status="done", outcome="served", actor="test")
    return store, seeded


def test_every_figure_matches_the_database(desk) -> None:
    store, _ = desk
    with clock.replaying(NOW), store.session() as session:
        figures = report_figures(session, INCIDENT, tz=ET, on=TODAY)
        sql = recompute(session.connection(), INCIDENT, TODAY, store.keyring)
    assert_figures_match(figures, sql)
    # the seeded facts, by hand: 5 exposed, one notified by hand, one review candidate
    assert figures["notified"] == {"affected": 5, "provided": 1, "percent": 20.0}
    assert figures["review_open"] == 1
    tasks = figures["actions"]["tasks"]["by_component"]
    assert tasks["OPLA"] == {"open": 2, "overdue": 1, "done": 0, "total": 2}
    assert tasks["ERO"] == {"open": 1, "overdue": 1, "done": 1, "total": 2}
    # the ERO task done on Dec 3 was overdue on Dec 2 and no longer on Dec 3
    s = figures["series"]
    day = {d: n for n, d in enumerate(s["date"])}
    assert s["tasks_overdue_by_component"]["ERO"][day["2022-12-02"]] == 2
    assert s["tasks_overdue_by_component"]["ERO"][day["2022-12-03"]] == 1
    assert s["notified"][day["2022-11-30"]] == 0 and s["notified"][day["2022-12-01"]] == 1
    # the detained final-order person and the derived final order: held, not yet notified
    assert figures["actions"]["holds"]["active"] == 2


def test_monitoring_is_reported_as_not_set_up(desk) -> None:
    store, _ = desk
    with store.session() as session:
        figures = report_figures(session, INCIDENT, tz=ET, on=TODAY)
    assert figures["monitoring"]["status"] == "not_set_up"
    assert figures["monitoring"]["hits"] is None  # not zero: nobody looked
    html = report_bytes(figures, "html").decode()
    assert "Monitoring not set up" in html
    assert live_metrics(figures)["monitoring"] == {"status": "not_set_up", "hits": None}


def test_charts_in_the_page_and_the_pdf(desk) -> None:
    store, _ = desk
    with clock.replaying(NOW), store.session() as session:
        figures = report_figures(session, INCIDENT, tz=ET, on=TODAY)
    html = report_bytes(figures, "html").decode()
    assert html.count("<svg") >= 4  # notices, holds, tasks, facilities (no clawback here)
    assert "<script" not in html and "http://" not in html.split("<svg", 1)[0]
    for title in ("Notices provided over time", "Removal holds active over time",
                  "Tasks open and overdue by component", "People affected by facility"):
        assert title in html
    assert "the clawback has not been run" in html
    pdf = PdfReader(BytesIO(report_bytes(figures, "pdf")))
    words = " ".join(page.extract_text() for page in pdf.pages)
    # drawn inside the charts only (the tables below them say "Figures of the chart: ...")
    for title in ("Notices provided over time", "Removal holds active over time",
                  "Tasks open and overdue by component", "People affected by facility"):
        assert title in words, title
    assert "Krome North SPC" in words  # the facility chart's and table's one facility
    assert "FAMILIA" not in words and "A3000000" not in words  # no person data


def test_the_cli_prints_and_writes_the_report(desk, tmp_path: Path) -> None:
    store, _ = desk
    result = runner.invoke(app, ["report", INCIDENT, "--format", "json", "--on",
                                 TODAY.isoformat()])
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    with store.session() as session:
        assert_figures_match(printed, recompute(session.connection(), INCIDENT, TODAY,
                                                store.keyring))
    out = tmp_path / "out"
    for fmt in ("html", "pdf"):
        result = runner.invoke(app, ["report", INCIDENT, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.stderr
    assert (out / f"{INCIDENT}-report.pdf").read_bytes().startswith(b"%PDF")
    assert "<svg" in (out / f"{INCIDENT}-report.html").read_text()


@pytest.mark.parametrize("args, message", [
    (["report", "NOPE", "--format", "json"], "no incident 'NOPE'"),
    (["report", INCIDENT, "--format", "docx"], "--format: 'docx'"),
    (["report", INCIDENT, "--on", "20-12-2022"], "--on: '20-12-2022'"),
    (["report", "oversight", INCIDENT], "usage: spilldesk report oversight"),
    (["report", "oversight", INCIDENT, "--to", "fbi"], "--to: 'fbi'"),
])
def test_bad_input_is_one_line_and_changes_nothing(desk, args, message) -> None:
    store, _ = desk
    with store.session() as session:
        before = session.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == before
        assert session.execute(text("SELECT count(*) FROM oversight_notices")).scalar_one() == 0


def test_series_start_at_the_posting_and_end_on_the_day(desk) -> None:
    store, _ = desk
    with store.session() as session:
        figures = report_figures(session, INCIDENT, tz=ET, on=TODAY)
    s = figures["series"]
    assert s["date"][0] == "2022-11-28" and s["date"][-1] == TODAY.isoformat()
    assert len(s["date"]) == (TODAY - date(2022, 11, 28)).days + 1
    assert all(len(v) == len(s["date"]) for k, v in s.items()
               if k not in ("date", "tasks_overdue_by_component"))
    assert max(s["review_open"]) == 1 and s["review_open"][0] == 0  # made on Nov 29
