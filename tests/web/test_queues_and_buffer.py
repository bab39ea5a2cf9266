"""Review queue and alerts with data; the audit buffer; concurrent requests keep the chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spilldesk.store.audit import verify
from spilldesk.store.db import Store
from spilldesk.store.models import Alert, AuditEvent, DisclosedDocument, DisclosedRecord, ReviewItem
from spilldesk.store.people import seal_record
from spilldesk.web.audit_buffer import AuditBuffer
from spilldesk.web.deps import writing_session
from tests.web.conftest import bearer, clear, lookup
from tests.web.desk_seed import ACTOR, INCIDENT, Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db


def add_review_item(store: Store, seeded: Seeded) -> int:
    with store.session() as session:
        document = DisclosedDocument(incident_id=INCIDENT, file_name="list.xlsx", sha256="0" * 64,
                                     size=1, created_by=ACTOR)
        session.add(document)
        session.flush()
        record = DisclosedRecord(document_id=document.id, incident_id=INCIDENT, source_row=7,
                                 source_sheet="Detained", link_status="review",
                                 pii=seal_record(session, {"family_name": "FAMILIA5",
                                                           "given_name": "NOMBRE5",
                                                           "date_of_birth": "1985-02-06"}))
        session.add(record)
        session.flush()
        item = ReviewItem(incident_id=INCIDENT, record_id=record.id,
                          person_id=seeded.person_ids[seeded.outsider], probability=0.62,
                          match_weight=3.4, reason="uncertain_match",
                          explanation={"name": 4.1, "date_of_birth": -0.7})
        session.add(item)
        session.flush()
        return item.id


def test_review_queue_side_by_side_and_accept(client: TestClient, store: Store,
                                              seeded: Seeded) -> None:
    item_id = add_review_item(store, seeded)
    login(client, "privacy_officer")
    page = client.get(f"/review?item={item_id}")
    assert page.status_code == 200
    assert "0.620" in page.text and "3.4" in page.text and "F***" in page.text
    assert "FAMILIA5" not in page.text  # masked on both sides
    # The candidate is held while in review (fail closed), then exposed once accepted.
    headers = bearer(client, "privacy_officer")
    held = clear(client, seeded.outsider, headers).json()
    assert [r["code"] for r in held["reasons"]] == ["review_candidate"]
    response = client.post(f"/review/{item_id}/accept", data={"csrf_token": csrf_of(page.text),
                                                              "note": "same person"})
    assert response.status_code == 200 and "accepted" in response.text
    after = clear(client, seeded.outsider, headers).json()
    assert "notice_not_provided" in {r["code"] for r in after["reasons"]}


def test_cbp_liaison_sees_and_acknowledges_cbp_alerts_only(client: TestClient, store: Store,
                                                           seeded: Seeded) -> None:
    with store.session() as session:
        cbp = Alert(person_id=seeded.person_ids[seeded.released], incident_id=INCIDENT,
                    system="CBP", kind="section_240_at_next_encounter")
        ero = Alert(person_id=seeded.person_ids[seeded.detained], incident_id=INCIDENT,
                    system="ERO", kind="disclosure")
        session.add_all([cbp, ero])
        session.flush()
        cbp_id, ero_id = cbp.id, ero.id
    headers = bearer(client, "cbp_liaison")
    listed = client.get("/api/alerts", headers=headers).json()["alerts"]
    assert [a["id"] for a in listed] == [cbp_id]
    assert client.post(f"/api/alerts/{ero_id}/acknowledge", headers=headers).status_code == 404
    done = client.post(f"/api/alerts/{cbp_id}/acknowledge", headers=headers).json()
    assert done["status"] == "acknowledged"
    # The persons the alerts name, and only those.
    assert lookup(client, seeded.released, headers).status_code == 200
    assert lookup(client, seeded.detained, headers).status_code == 404
    assert client.get("/api/persons", headers=headers).json()["total"] == 1
    # On the pages: the alert links to the person it names, who opens; no one else does.
    login(client, "cbp_liaison")
    page = client.get("/alerts")
    link = f"/people/id/{seeded.person_ids[seeded.released]}"
    assert link in page.text and "acknowledged" in page.text
    assert client.get(link).status_code == 200
    other = f"/people/id/{seeded.person_ids[seeded.detained]}"
    assert client.get(other).status_code == 404


def test_audit_buffer_writes_in_batches_and_keeps_events_on_failure(store: Store) -> None:
    buffer = AuditBuffer(lambda: writing_session(store), max_events=1000, interval=60)
    for n in range(5):
        buffer.add(actor="t", action="clearance.check", object_type="person", object_id=n)
    assert buffer.pending == 5
    assert buffer.flush() == 5 and buffer.pending == 0

    @contextmanager
    def broken() -> Any:
        raise RuntimeError("database away")
        yield

    failing = AuditBuffer(broken, interval=60)
    failing.add(actor="t", action="x", object_type="person")
    assert failing.flush() == 0 and failing.pending == 1 and failing.failures == 1
    with store.session() as session:
        assert verify(session).ok
        assert len(session.execute(select(AuditEvent).where(
            AuditEvent.action == "clearance.check")).all()) == 5


def test_buffer_flushes_on_its_own_and_on_close(store: Store) -> None:
    buffer = AuditBuffer(lambda: writing_session(store), max_events=3, interval=0.05)
    buffer.start()
    for n in range(7):
        buffer.add(actor="t", action="a", object_type="person", object_id=n)
    buffer.close()
    assert buffer.pending == 0 and buffer.written == 7


def test_concurrent_reads_and_checks_keep_the_audit_chain_whole(client: TestClient,
                                                                store: Store,
                                                                seeded: Seeded) -> None:
    headers = bearer(client, "auditor")

    def work(n: int) -> int:
        a_number = seeded.a_numbers[n % len(seeded.a_numbers)]
        path = "/api/persons/lookup" if n % 2 else "/api/clearance"
        return client.post(path, json={"a_number": a_number}, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(work, range(80)))
    assert set(codes) == {200}
    client.app.state.desk.buffer.flush()  # type: ignore[attr-defined]
    with store.session() as session:
        result = verify(session)
        assert result.ok, result.problem
        reads = session.execute(select(AuditEvent).where(
            AuditEvent.action.in_(["person.read", "clearance.check"]))).all()
        assert len(reads) >= 80


def test_checks_are_refused_when_the_audit_log_falls_behind(client: TestClient,
                                                            seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    buffer = client.app.state.desk.buffer  # type: ignore[attr-defined]
    # The database is away: the writer cannot write (it waits on the write lock), so the
    # backlog only grows — no race with the writer thread, whatever it was doing.
    with buffer._write_lock:
        buffer._max_backlog = buffer.pending + 2
        buffer.add(actor="t", action="clearance.check", object_type="person")
        buffer.add(actor="t", action="clearance.check", object_type="person")
        refused = clear(client, seeded.detained, headers)
    assert refused.status_code == 503 and "fail closed" in refused.json()["detail"]
    buffer._max_backlog = 50_000  # the database is back: the log catches up
    buffer.flush()
    assert clear(client, seeded.detained, headers).status_code == 200
