"""One path for the clearance rule: the API's check is the clearance service's answer, audited
alike; only the audit sink differs, and a sink that cannot take the event leaves no answer
(SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spilldesk.safeguards.clearance import clearance, clearance_manifest
from spilldesk.store.audit import AuditRow
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from spilldesk.web.audit_buffer import AuditBuffer, AuditWriteFailed
from spilldesk.web.deps import writing_session
from tests.web.conftest import bearer, clear
from tests.web.desk_seed import Seeded

ET = ZoneInfo("America/New_York")

pytestmark = pytest.mark.db

DAY = date(2023, 1, 10)
UNKNOWN = "A999999999"  # not in the registry: never cleared


def _last_check(store: Store, actor: str) -> AuditEvent:
    with store.session(writing=False) as session:
        return session.execute(select(AuditEvent).where(
            AuditEvent.action == "clearance.check", AuditEvent.actor == actor)
            .order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()


def _events(store: Store) -> int:
    with store.session(writing=False) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_the_api_answers_and_audits_as_the_service_does(client: TestClient, store: Store,
                                                        seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    tz = client.app.state.desk.settings.timezone  # type: ignore[attr-defined]
    for a_number in [*seeded.a_numbers, UNKNOWN]:
        response = clear(client, a_number, headers, on=DAY.isoformat())
        assert response.status_code == 200, response.text
        by_api = _last_check(store, "web:ero_officer")
        with store.session() as session:
            answer = clearance(session, a_number, DAY, actor="test:service", tz=tz)
        by_service = _last_check(store, "test:service")
        assert response.json() == answer.to_json()
        assert (by_api.object_id, by_api.detail) == (by_service.object_id, by_service.detail)
    assert response.json()["cleared"] is False  # the unknown A-number: the protective answer
    assert by_api.object_id is None
    assert clear(client, seeded.detained, headers, on=DAY.isoformat()).json()["cleared"] is False


def test_a_sink_that_refuses_the_event_leaves_no_answer(store: Store, seeded: Seeded) -> None:
    def refuse(session: Any, event: AuditRow) -> None:
        raise RuntimeError("the audit log is away")

    before = _events(store)
    for check in (lambda s: clearance(s, seeded.outsider, DAY, actor="t", tz=ET, audit=refuse),
                  lambda s: clearance_manifest(s, [seeded.outsider], DAY, actor="t", tz=ET,
                                               audit=refuse)):
        with pytest.raises(RuntimeError, match="away"), store.session() as session:
            check(session)
    assert _events(store) == before


def test_the_default_sink_refuses_a_session_that_cannot_write(store: Store,
                                                              seeded: Seeded) -> None:
    with pytest.raises(RuntimeError, match="writing session"), \
            store.session(writing=False) as session:
        clearance(session, seeded.outsider, DAY, actor="t", tz=ET)


def test_the_buffer_sink_answers_only_once_written(store: Store, seeded: Seeded) -> None:
    buffer = AuditBuffer(lambda: writing_session(store), interval=3600)
    unused = buffer.sink()
    with pytest.raises(AuditWriteFailed):  # a sink that took no event vouches for nothing
        asyncio.run(unused.recorded())
    sink = buffer.sink()
    with store.session(writing=False) as session:
        answer = clearance(session, seeded.outsider, DAY, actor="web:t", tz=ET, audit=sink)
    assert buffer.pending == 1  # taken, not yet written
    asyncio.run(sink.recorded())  # no writer thread: written now
    assert buffer.pending == 0
    event = _last_check(store, "web:t")
    assert event.object_id == str(answer.person_id)
    assert event.detail == {"on": DAY.isoformat(), "cleared": answer.cleared,
                            "reasons": sorted({r.code.value for r in answer.reasons})}
