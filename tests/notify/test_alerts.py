"""Alerts: feed contents, signed webhook delivery with retries to a real local receiver, acks."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.notify.alerts import (
    SIGNATURE_HEADER,
    AlertError,
    acknowledge_alert,
    alert_feed,
    push_alerts,
    render_feed,
    signature_is_valid,
)
from spilldesk.store.db import Store
from spilldesk.store.models import Alert
from spilldesk.store.people import find_people

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
ACTOR = "test:alerts"
SECRET = b"shared-with-the-receiver"
A_NUMBERS = ["A300000001", "A300000002", "A300000003"]


class Receiver:
    """A webhook receiver on 127.0.0.1 that fails the first `failures` requests with `status`."""

    def __init__(self, failures: int = 0, status: int = 503) -> None:
        self.failures, self.status = failures, status
        self.bodies: list[bytes] = []
        self.valid: list[bool] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append(body)
                receiver.valid.append(
                    signature_is_valid(body, SECRET, self.headers.get(SIGNATURE_HEADER))
                )
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(receiver.status if failing else 202)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def alerts(store: Store, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "persons.csv"
    path.write_text(
        "a_number,family_name,given_name,date_of_birth\n"
        + "".join(f"{a},SECRETNAME{n},GIVEN{n},1975-03-0{n + 1}\n" for n, a in enumerate(A_NUMBERS))
    )
    spec = IncidentSpec(
        id="NOV28",
        title="posting",
        exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
        exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET),
    )
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
        open_incident(session, spec, actor=ACTOR)
        people = find_people(session, A_NUMBERS)
        for a in A_NUMBERS:
            for system in ("ERO", "OPLA"):
                session.add(
                    Alert(
                        person_id=people[a].id,
                        incident_id="NOV28",
                        system=system,
                        kind="pii_disclosure",
                    )
                )
    yield store


def test_feed_holds_only_what_the_system_of_record_already_has(alerts: Store) -> None:
    with alerts.session() as session:
        messages = alert_feed(session, "ero", actor=ACTOR)
    assert [m.a_number for m in messages] == A_NUMBERS
    assert {m.system for m in messages} == {"ERO"}
    lines = render_feed(messages, "jsonl").splitlines()
    assert set(json.loads(lines[0])) == {
        "alert_id",
        "system",
        "kind",
        "incident",
        "a_number",
        "raised_at",
    }
    text = render_feed(messages, "csv")
    assert "SECRETNAME" not in text and "1975" not in text.split("raised_at")[1].split(",")[0]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["a_number"] for r in rows] == A_NUMBERS


def test_unknown_system_and_format_are_refused(alerts: Store) -> None:
    with alerts.session() as session, pytest.raises(AlertError, match="ERO, OPLA, CBP"):
        alert_feed(session, "ICE", actor=ACTOR)
    with pytest.raises(AlertError, match="jsonl, csv"):
        render_feed([], "xml")


def test_push_signs_every_body_and_retries_with_backoff(alerts: Store) -> None:
    delays: list[float] = []
    with Receiver(failures=2) as receiver, alerts.session() as session:
        report = push_alerts(
            session, "OPLA", receiver.url, SECRET, actor=ACTOR, base_delay=0.25, sleep=delays.append
        )
    assert (report.delivered, report.failed, report.attempts) == (3, 0, 5)
    assert delays == [0.25, 0.5]
    assert all(receiver.valid)
    assert {json.loads(b)["a_number"] for b in receiver.bodies} == set(A_NUMBERS)
    with alerts.session() as session:
        rows = session.execute(select(Alert).where(Alert.system == "OPLA")).scalars().all()
        assert [r.status for r in rows] == ["delivered"] * 3
        assert rows[0].attempts == 3 and rows[0].delivered_at is not None


def test_receiver_rejects_a_forged_signature() -> None:
    body = b'{"alert_id":1}'
    assert not signature_is_valid(body, SECRET, "sha256=" + "0" * 64)
    assert not signature_is_valid(body, b"other", None)


def test_permanent_failure_is_not_retried_and_is_recorded(alerts: Store) -> None:
    delays: list[float] = []
    with Receiver(failures=99, status=400) as receiver, alerts.session() as session:
        report = push_alerts(session, "ERO", receiver.url, SECRET, actor=ACTOR, sleep=delays.append)
    assert (report.delivered, report.failed, report.attempts) == (0, 3, 3)
    assert delays == []
    with alerts.session() as session:
        row = session.execute(select(Alert).where(Alert.system == "ERO")).scalars().first()
        assert row is not None and (row.status, row.last_error) == ("failed", "HTTP 400")


def test_retries_run_out_then_a_later_push_delivers(alerts: Store) -> None:
    with Receiver(failures=3) as receiver, alerts.session() as session:
        first = push_alerts(
            session, "ERO", receiver.url, SECRET, actor=ACTOR, max_attempts=2, sleep=lambda _s: None
        )
        assert (first.delivered, first.failed) == (2, 1)
        second = push_alerts(
            session, "ERO", receiver.url, SECRET, actor=ACTOR, sleep=lambda _s: None
        )
        assert (second.delivered, second.failed) == (1, 0)


def test_unreachable_receiver_is_a_transport_failure(alerts: Store) -> None:
    with Receiver() as receiver:
        url = receiver.url
    with alerts.session() as session:
        report = push_alerts(
            session,
            "ERO",
            url,
            SECRET,
            actor=ACTOR,
            max_attempts=2,
            sleep=lambda _s: None,
            timeout=1.0,
        )
        row = session.execute(select(Alert).where(Alert.system == "ERO")).scalars().first()
        assert row is not None and row.last_error is not None
        assert row.last_error.startswith("transport")
    assert report.failed == 3


def test_acknowledgement_is_recorded_once(alerts: Store) -> None:
    with alerts.session() as session:
        first = acknowledge_alert(session, 1, actor="ero:officer")
        again = acknowledge_alert(session, 1, actor="someone-else")
        assert (first.status, again.acknowledged_by) == ("acknowledged", "ero:officer")
        with pytest.raises(AlertError, match="no alert"):
            acknowledge_alert(session, 999, actor=ACTOR)


def test_cli_export_push_and_ack(
    alerts: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = str(alerts.settings.workdir)
    runner = CliRunner()
    feed = tmp_path / "ero.csv"
    result = runner.invoke(
        app,
        [
            "alerts",
            "export",
            "--system",
            "ERO",
            "--format",
            "csv",
            "--out",
            str(feed),
            "--workdir",
            workdir,
        ],
    )
    assert result.exit_code == 0
    assert len(list(csv.DictReader(feed.open()))) == 3
    result = runner.invoke(app, ["alerts", "list", "--json", "--workdir", workdir])
    assert A_NUMBERS[0] not in result.stdout and "A*****0001" in result.stdout
    monkeypatch.delenv("SPILLDESK_WEBHOOK_SECRET", raising=False)
    result = runner.invoke(
        app, ["alerts", "push", "--system", "ERO", "--url", "http://x", "--workdir", workdir]
    )
    assert result.exit_code == 2
    monkeypatch.setenv("SPILLDESK_WEBHOOK_SECRET", SECRET.decode())
    with Receiver() as receiver:
        result = runner.invoke(
            app,
            [
                "alerts",
                "push",
                "--system",
                "ERO",
                "--url",
                receiver.url,
                "--json",
                "--workdir",
                workdir,
            ],
        )
    assert result.exit_code == 0 and json.loads(result.stdout)["delivered"] == 3
    result = runner.invoke(app, ["alerts", "ack", "1", "--json", "--workdir", workdir])
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "acknowledged"
    result = runner.invoke(app, ["alerts", "ack", "999", "--workdir", workdir])
    assert result.exit_code == 2
