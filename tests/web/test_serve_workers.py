"""`spilldesk serve --workers N` (2 and 4) over a real desk, on SQLite and on PostgreSQL: the
workers start, answer `/api/live`, `/api/health` and clearance checks from several clients at
once, every answer is the one the clearance service gives in process, and every answer is in
the audit log (one `clearance.check` event each, the chain still verifying) once the server
has stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from spilldesk.access.users import Role, add_user, issue_token
from spilldesk.config import Settings
from spilldesk.safeguards.clearance import clearance
from spilldesk.store.audit import verify
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from tests.live_server import free_port, wait_until_up
from tests.web.desk_seed import ET, seed_desk

pytestmark = [pytest.mark.db, pytest.mark.slow]

ON = date(2026, 11, 28)
ROUNDS = 6  # checks per A-number


def _expected(store: Store, a_number: str) -> dict[str, Any]:
    with store.session(writing=False) as session:
        answer = clearance(session, a_number, ON, actor="test", tz=ET,
                           audit=lambda _session, _event: None)
    return answer.to_json()


def _checks(store: Store) -> int:
    with store.session(writing=False) as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "clearance.check")).scalar_one())


def _token(store: Store) -> str:
    with store.session() as session:
        add_user(session, "scheduler", Role.MACHINE, None, actor="test")
        _, secret = issue_token(session, "scheduler", "serve test", actor="test")
    return secret


@contextlib.contextmanager
def _serving(settings: Settings, workers: int) -> Iterator[str]:
    port = free_port()
    spilldesk = shutil.which("spilldesk", path=str(Path(sys.executable).parent)) or "spilldesk"
    server = subprocess.Popen([spilldesk, "serve", "--workdir", str(settings.workdir),
                               "--port", str(port), "--workers", str(workers)],
                              env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.mark.parametrize("workers", [2, 4])
def test_serve_with_workers_answers_and_audits_every_check(
        store: Store, settings: Settings, tmp_path: Path, workers: int) -> None:
    seeded = seed_desk(store, tmp_path)
    secret = _token(store)
    expected = {a: _expected(store, a) for a in seeded.a_numbers}
    before = _checks(store)
    headers = {"Authorization": f"Bearer {secret}"}
    with _serving(settings, workers) as url:
        health = httpx.get(f"{url}/api/health", timeout=30).json()
        assert health["status"] == "ok"
        assert health["database"] == store.engine.dialect.name

        def check(a_number: str) -> tuple[str, int, Any]:
            # A client (a connection) per check, so that the checks spread over the workers.
            with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
                response = client.post("/api/clearance", json={"a_number": a_number,
                                                               "on": ON.isoformat()})
            return a_number, response.status_code, response.json()

        asked = seeded.a_numbers * ROUNDS
        with ThreadPoolExecutor(max_workers=4 * workers) as pool:
            answers = list(pool.map(check, asked))
    for a_number, status, body in answers:
        assert status == 200, body
        assert body == expected[a_number]
    assert _checks(store) - before == len(asked)
    with store.session() as session:
        assert verify(session).ok


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has no server
def test_serve_recovers_when_postgresql_drops_its_connections(
        store: Store, settings: Settings, tmp_path: Path) -> None:
    """The server's pool does not ping connections before use: when the database ends them (a
    restart), a check that meets one fails closed (an error or a closed connection, never a
    verdict) and the next checks are answered on fresh connections, each audited."""
    seeded = seed_desk(store, tmp_path)
    secret = _token(store)
    a_number = seeded.detained
    expected = _expected(store, a_number)
    headers = {"Authorization": f"Bearer {secret}"}
    with _serving(settings, 2) as url, httpx.Client(base_url=url, headers=headers,
                                                    timeout=30) as client:
        def ask() -> httpx.Response:
            return client.post("/api/clearance", json={"a_number": a_number,
                                                       "on": ON.isoformat()})

        assert ask().json() == expected  # the workers' pools hold open connections now
        with store.engine.connect() as admin:
            ended = admin.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
        assert ended >= 1
        before = _checks(store)
        statuses = []
        for _ in range(30):
            try:
                response = ask()
            except httpx.TransportError:  # the worker closed the connection after its 500
                statuses.append(0)
                continue
            statuses.append(response.status_code)
            if response.status_code == 200:
                assert response.json() == expected
            else:  # refused: no verdict leaves the server
                assert response.status_code in (500, 503), response.text
                assert "cleared" not in response.text
    assert statuses[-10:] == [200] * 10, statuses
    assert _checks(store) - before == statuses.count(200)
    with store.session() as session:
        assert verify(session).ok


def test_a_reading_session_leaves_no_autocommit_behind(store: Store) -> None:
    """The hot reads run in autocommit on PostgreSQL; the connection goes back to the pool in
    transactions again, so an audit write that takes it next still holds the chain's head
    until it commits (a write in autocommit would drop the lock after its first statement)."""
    from psycopg.pq import TransactionStatus

    from spilldesk.web.deps import reading_session, writing_session

    for _ in range(3):  # the pool hands the same connection back
        with reading_session(store) as session:
            session.execute(text("SELECT 1"))
            if store.engine.dialect.name == "postgresql":
                driver = session.connection().connection.driver_connection
                assert driver.autocommit
        with writing_session(store) as session:
            session.execute(text("SELECT 1"))
            if store.engine.dialect.name == "postgresql":
                driver = session.connection().connection.driver_connection
                assert not driver.autocommit
                assert driver.info.transaction_status == TransactionStatus.INTRANS
