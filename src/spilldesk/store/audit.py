"""The append-only, hash-chained audit log.

Every state change and every read of a person is an event: who, when, what, which object —
never the person's data itself. Each event's hash covers its own fields and the previous
event's hash; `verify` walks the chain and names the first event that does not fit, so an
edited, deleted, inserted or reordered row is found.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.store.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _digest(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    detail: dict[str, Any] | None,
) -> str:
    body = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), actor, action, object_type, object_id, detail],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _head(session: Session) -> AuditHead:
    if session.info.get("writing") is False:
        raise RuntimeError("audit events are written in a writing session (store.session())")
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:  # migration 0004 creates it; a missing head means a damaged schema
        raise RuntimeError("the audit chain's head row is missing (run `spilldesk init`)")
    return head


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the change)."""
    return record_events(
        session, [(actor, action, object_type, object_id, detail)]
    )[-1]


def record_events(
    session: Session,
    events: list[tuple[str, str, str, str | int | None, dict[str, Any] | None]],
) -> list[AuditEvent]:
    """Append many events (actor, action, object_type, object_id, detail) under one lock."""
    head = _head(session)
    written: list[AuditEvent] = []
    at = clock.now()
    # Round-trip through JSON now so the hash covers exactly what the database will return.
    for actor, action, object_type, object_id, detail in events:
        clean = None if detail is None else json.loads(json.dumps(detail, default=str))
        seq = head.last_seq + 1
        oid = None if object_id is None else str(object_id)
        digest = _digest(head.last_hash, seq, at, actor, action, object_type, oid, clean)
        event = AuditEvent(
            seq=seq, at=at, actor=actor, action=action, object_type=object_type,
            object_id=oid, detail=clean, prev_hash=head.last_hash, hash=digest,
        )
        written.append(event)
        head.last_seq, head.last_hash = seq, digest
    session.add_all(written)
    session.flush()
    return written


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str | None


def verify(session: Session, batch: int = 5000) -> Verification:
    """Walk the whole chain; report the first event that breaks it."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        query = select(AuditEvent).where(AuditEvent.seq > last_seq)
        query = query.order_by(AuditEvent.seq).limit(batch)
        rows = session.execute(query).scalars().all()
        if not rows:
            break
        for event in rows:
            problem = _check(event, expected_seq, expected_prev)
            if problem:
                return Verification(False, count, event.seq, problem)
            expected_prev, expected_seq, count = event.hash, event.seq + 1, count + 1
            last_seq = event.seq
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        return Verification(False, count, head.last_seq, "events after the last one were removed")
    return Verification(True, count, None, None)


def _check(event: AuditEvent, expected_seq: int, expected_prev: str) -> str | None:
    if event.seq != expected_seq:
        return f"sequence gap: expected event {expected_seq} (a row was deleted or inserted)"
    if event.prev_hash != expected_prev:
        return "does not follow the previous event (rows reordered or replaced)"
    digest = _digest(
        event.prev_hash, event.seq, event.at, event.actor, event.action,
        event.object_type, event.object_id, event.detail,
    )
    if digest != event.hash:
        return "contents do not match its hash (the row was edited)"
    return None
