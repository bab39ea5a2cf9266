"""A person's read is in the audit log before its answer leaves the server, and a request whose
audit event cannot be written gets an error instead of the answer (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from spilldesk.web.audit_buffer import AuditBuffer
from tests.web.conftest import bearer
from tests.web.desk_seed import Seeded

pytestmark = pytest.mark.db


def _audited(store: Store, action: str) -> int:
    with store.session(writing=False) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.action == action)).scalar_one()


def _post_watching(client: TestClient, store: Store, path: str, payload: dict[str, Any],
                   headers: dict[str, str], action: str) -> tuple[int, list[int]]:
    """POST `payload` to the app over raw ASGI; count the audit events of `action` in the
    database at the moment the response starts to leave (what a client could read by then)."""
    seen: list[int] = []
    status: list[int] = []
    body = json.dumps(payload).encode()

    async def request() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                seen.append(_audited(store, action))

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "server": ("testserver", 80),
                 "client": ("127.0.0.1", 5000),
                 "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                             (b"content-length", str(len(body)).encode())] + [
                     (k.lower().encode(), v.encode()) for k, v in headers.items()]}
        await client.app(scope, receive, send)

    client.portal.call(request)  # type: ignore[union-attr]
    return status[0], seen


def test_a_clearance_check_is_written_before_its_answer_leaves(
        client: TestClient, store: Store, seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    buffer = client.app.state.desk.buffer  # type: ignore[attr-defined]
    buffer._interval = 3600  # no timed flush can hide a missing wait  # noqa: SLF001
    before = _audited(store, "clearance.check")
    code, seen = _post_watching(client, store, "/api/clearance", {"a_number": seeded.detained},
                                headers, "clearance.check")
    assert code == 200
    assert seen == [before + 1]


def test_a_person_file_read_is_written_before_its_answer_leaves(
        client: TestClient, store: Store, seeded: Seeded) -> None:
    headers = bearer(client, "auditor")
    before = _audited(store, "person.read")
    code, seen = _post_watching(client, store, "/api/persons/lookup",
                                {"a_number": seeded.detained}, headers, "person.read")
    assert code == 200
    assert seen == [before + 1]


def test_a_check_whose_audit_event_fails_is_refused(
        client: TestClient, store: Store, seeded: Seeded,
        monkeypatch: pytest.MonkeyPatch) -> None:
    headers = bearer(client, "ero_officer")

    def refuse(session: Any, batch: list[Any]) -> None:
        raise RuntimeError("the database refused the event")

    monkeypatch.setattr(AuditBuffer, "_write", staticmethod(refuse))
    response = client.post("/api/clearance", json={"a_number": seeded.detained}, headers=headers)
    assert response.status_code == 503
    assert "fail closed" in response.json()["detail"]
    assert "cleared" not in response.json()
