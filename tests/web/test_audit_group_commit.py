"""The audit buffer's group commit: the checks an event loop is working on share one
transaction, and a checkpoint export never holds up a waiting check (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from spilldesk.store.audit import verify
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from spilldesk.web.audit_buffer import AuditBuffer
from spilldesk.web.deps import writing_session

pytestmark = pytest.mark.db


def _stamps(store: Store, action: str) -> list[Any]:
    with store.session(writing=False) as session:
        return list(session.execute(select(AuditEvent.at).where(AuditEvent.action == action)
                                    .order_by(AuditEvent.seq)).scalars())


def test_checks_on_one_loop_turn_share_one_transaction(store: Store) -> None:
    """Each check adds its event while the loop works (the sleep stands for a check's reads,
    long enough for a writer woken at the first event to commit it alone); all are
    committed together, at one time stamp (record_events stamps a transaction's events)."""
    buffer = AuditBuffer(lambda: writing_session(store), interval=3600)
    buffer.start()

    async def checks() -> None:
        futures = []
        for n in range(5):
            futures.append(buffer.add(actor="web:a", action="clearance.check",
                                      object_type="person", object_id=n, durable=True))
            time.sleep(0.05)  # the loop is busy: no other check's event may be lost
        for future in futures:
            await buffer.recorded(future)

    try:
        asyncio.run(checks())
    finally:
        buffer.close()
    stamps = _stamps(store, "clearance.check")
    assert len(stamps) == 5 and len(set(stamps)) == 1
    with store.session() as session:
        assert verify(session).ok


def test_a_check_outside_an_event_loop_wakes_the_writer_at_once(store: Store) -> None:
    buffer = AuditBuffer(lambda: writing_session(store), interval=3600)
    buffer.start()
    try:
        future = buffer.add(actor="cli", action="clearance.check", object_type="person",
                            durable=True)
        buffer.wait_recorded(future, timeout=30)
    finally:
        buffer.close()
    assert len(_stamps(store, "clearance.check")) == 1


def test_a_slow_checkpoint_does_not_hold_up_a_waiting_check(store: Store) -> None:
    exporting, release = threading.Event(), threading.Event()

    def checkpoint() -> None:
        exporting.set()
        release.wait(60)

    buffer = AuditBuffer(lambda: writing_session(store), interval=3600,
                         checkpoint=checkpoint, checkpoint_every=0)
    buffer.start()

    async def two_checks() -> None:
        first = buffer.add(actor="web:a", action="clearance.check", object_type="person",
                           durable=True)
        await buffer.recorded(first, timeout=30)
        assert await asyncio.to_thread(exporting.wait, 30)  # the export is now stuck
        second = buffer.add(actor="web:a", action="clearance.check", object_type="person",
                            durable=True)
        await buffer.recorded(second, timeout=30)  # written although the export still is

    try:
        asyncio.run(two_checks())
        assert not release.is_set()
    finally:
        release.set()
        buffer.close()
    assert len(_stamps(store, "clearance.check")) == 2
