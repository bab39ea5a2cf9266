"""The append-only, hash-chained audit log.

Every state change and every read of a person is an event: who, when, what, which object —
never the person's data itself. Each event's hash is an HMAC (under the audit key, kept
outside the database) of its own fields and the previous event's hash; `verify` walks the
chain and names the first event that does not fit, so an edited, deleted, inserted or
reordered row is found, and someone without the key cannot recompute the chain after it.
Removing the *last* events (and rewinding the head row) is found against the signed
checkpoints exported outside the database (`store.checkpoints`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from spilldesk import clock
from spilldesk.store.audit_key import (
    AuditKey,
    ChainHash,
    UnkeyedChain,
    new_secret,
    write_audit_key_file,
)
from spilldesk.store.models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from spilldesk.config import Settings
    from spilldesk.store.db import Store

GENESIS = "0" * 64

# The columns' widths: an event that does not fit is refused before it reaches the database,
# where it would fail the whole batch it was written with.
LIMITS: dict[str, int] = {
    name: AuditEvent.__table__.c[name].type.length  # type: ignore[attr-defined]
    for name in ("actor", "action", "object_type", "object_id")
}


# One event as (actor, action, object_type, object_id, detail): what `record_events` appends
# and what an audit sink (`safeguards.clearance.AuditSink`, `web.audit_buffer`) is handed.
AuditRow = tuple[str, str, str, str | int | None, dict[str, Any] | None]


class AuditEventInvalid(ValueError):
    """An audit event that the log cannot hold (a field longer than its column)."""


def check_event(actor: str, action: str, object_type: str,
                object_id: str | int | None) -> None:
    """Refuse an event whose fields do not fit their columns, naming the field."""
    values = {"actor": actor, "action": action, "object_type": object_type,
              "object_id": None if object_id is None else str(object_id)}
    for field, value in values.items():
        if value is None:
            continue
        if not isinstance(value, str) or (not value and field != "object_id"):
            raise AuditEventInvalid(f"audit event: {field} must be a non-empty text")
        if len(value) > LIMITS[field]:
            raise AuditEventInvalid(f"audit event: {field} is {len(value)} characters "
                                    f"(at most {LIMITS[field]})")


def audit_key_of(session: Session) -> AuditKey:
    key = session.info.get("audit_key")
    if not isinstance(key, AuditKey):
        raise RuntimeError("audit events are written in a session opened by Store.session()")
    return key


def _digest(
    chain: ChainHash,
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
    return chain.link(prev_hash, body)


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
) -> None:
    """Append one event in the caller's transaction (it commits or rolls back with the change)."""
    record_events(session, [(actor, action, object_type, object_id, detail)])


# The append's statements, built once, in Core: no ORM objects for the head or the events
# (the audit writer appends on every clearance check's path). The head row is locked first,
# as `_head` does, so concurrent writers queue on it and the chain never forks.
_EVENTS = cast(Table, AuditEvent.__table__)
_HEADS = cast(Table, AuditHead.__table__)
_LOCK_HEAD = (select(_HEADS.c.last_seq, _HEADS.c.last_hash)
              .where(_HEADS.c.id == 1).with_for_update())
# RETURNING makes SQLAlchemy send a batch as one multi-row INSERT ("insertmanyvalues"), not
# one statement per event; the returned count is checked.
_APPEND = insert(_EVENTS).returning(_EVENTS.c.seq)
_MOVE_HEAD = (update(_HEADS).where(_HEADS.c.id == 1)
              .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash")))


def record_events(session: Session, events: list[AuditRow]) -> None:
    """Append many events (actor, action, object_type, object_id, detail) under one lock."""
    for actor, action, object_type, object_id, _detail in events:
        check_event(actor, action, object_type, object_id)
    if not events:
        return
    key = audit_key_of(session)
    if session.info.get("writing") is False:
        raise RuntimeError("audit events are written in a writing session (store.session())")
    session.flush()  # the caller's pending rows first, as before any query (and their ids)
    connection = session.connection()
    head = connection.execute(_LOCK_HEAD).one_or_none()
    if head is None:  # migration 0004 creates it; a missing head means a damaged schema
        raise RuntimeError("the audit chain's head row is missing (run `spilldesk init`)")
    seq, last_hash = head
    rows: list[dict[str, Any]] = []
    at = clock.now()
    # Round-trip through JSON now so the hash covers exactly what the database will return.
    for actor, action, object_type, object_id, detail in events:
        clean = None if detail is None else json.loads(json.dumps(detail, default=str))
        seq += 1
        oid = None if object_id is None else str(object_id)
        digest = _digest(key, last_hash, seq, at, actor, action, object_type, oid, clean)
        rows.append({"seq": seq, "at": at, "actor": actor, "action": action,
                     "object_type": object_type, "object_id": oid, "detail": clean,
                     "prev_hash": last_hash, "hash": digest})
        last_hash = digest
    if len(connection.execute(_APPEND, rows).all()) != len(rows):
        raise RuntimeError("the audit log did not take every event of the batch")
    connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": last_hash})
    loaded = session.identity_map.get(identity_key(AuditHead, 1))
    if loaded is not None:  # a head this session loaded before: read it again when used
        session.expire(loaded)


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str | None
    head: str = GENESIS  # the last verified event's hash (what a checkpoint records)
    checkpoints: int = 0  # how many exported checkpoints the chain was held against


@contextmanager
def snapshot(store: Store) -> Iterator[Session]:
    """A read-only transaction that sees one moment of the log however long the walk takes.

    PostgreSQL: REPEATABLE READ, READ ONLY (writers carry on; the walk does not see them).
    SQLite: an explicit deferred transaction; in WAL mode its first read fixes the snapshot.
    """
    with store.session(writing=False) as session:
        if store.engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                                  "postgresql_readonly": True})
        else:
            session.connection().exec_driver_sql("BEGIN")
        yield session


def verify(session: Session, batch: int = 5000, *,
           checkpoints: dict[int, str] | None = None,
           progress: Callable[[int], None] | None = None,
           chain: ChainHash | None = None) -> Verification:
    """Walk the whole chain; report the first event that breaks it.

    `checkpoints` (event count -> head hash, from `store.checkpoints.read_checkpoints`) are
    exported heads: an event at a checkpointed count must carry that hash, and a chain shorter
    than a checkpoint was truncated. `progress` is called with the count after each batch.
    """
    chain = chain or audit_key_of(session)
    marks = dict(checkpoints or {})
    expected_prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        query = select(AuditEvent).where(AuditEvent.seq > last_seq)
        query = query.order_by(AuditEvent.seq).limit(batch)
        rows = session.execute(query).scalars().all()
        if not rows:
            break
        for event in rows:
            problem = _check(chain, event, expected_seq, expected_prev)
            if problem is None and marks.get(event.seq, event.hash) != event.hash:
                problem = "differs from the exported checkpoint of this event (rewritten)"
            if problem:
                return Verification(False, count, event.seq, problem, expected_prev,
                                    len(marks))
            expected_prev, expected_seq, count = event.hash, event.seq + 1, count + 1
            last_seq = event.seq
        session.expunge_all()
        if progress is not None:
            progress(count)
    beyond = [seq for seq in marks if seq > count]
    if beyond:
        return Verification(False, count, count + 1,
                            f"a checkpoint recorded {max(beyond)} events; the log holds "
                            f"{count} (its last events were removed)", expected_prev, len(marks))
    head = session.get(AuditHead, 1)
    if head is None:
        return Verification(False, count, count + 1, "the chain's head row is missing",
                            expected_prev, len(marks))
    if head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        return Verification(False, count, head.last_seq, "events after the last one were removed",
                            expected_prev, len(marks))
    return Verification(True, count, None, None, expected_prev, len(marks))


def _check(chain: ChainHash, event: AuditEvent, expected_seq: int,
           expected_prev: str) -> str | None:
    if event.seq != expected_seq:
        return f"sequence gap: expected event {expected_seq} (a row was deleted or inserted)"
    if event.prev_hash != expected_prev:
        return "does not follow the previous event (rows reordered or replaced)"
    if event_hash(chain, event) != event.hash:
        return "contents do not match its hash (the row was edited)"
    return None


def event_hash(chain: ChainHash, event: AuditEvent) -> str:
    """What the event's hash must be under `chain`, from its stored fields."""
    return _digest(
        chain, event.prev_hash, event.seq, event.at, event.actor, event.action,
        event.object_type, event.object_id, event.detail,
    )


def rechain(session: Session, old: ChainHash, new: ChainHash) -> int:
    """Re-link every event under `new` after the chain verified under `old` (a desk made
    before the audit key existed); in the caller's transaction. Returns the event count."""
    _head(session)  # lock the chain first
    result = verify(session, chain=old)
    head = _head(session)  # verify detached the objects it read
    if not result.ok:
        raise RuntimeError(f"audit log broken at event {result.first_bad_seq}: "
                           f"{result.problem}; it cannot be re-chained")
    prev, last_seq, count = GENESIS, 0, 0
    while True:
        rows = session.execute(select(AuditEvent).where(AuditEvent.seq > last_seq)
                               .order_by(AuditEvent.seq).limit(5000)).scalars().all()
        if not rows:
            break
        for event in rows:
            event.prev_hash = prev
            event.hash = prev = event_hash(new, event)
            last_seq, count = event.seq, count + 1
        session.flush()
    head.last_hash = prev
    session.flush()
    return count


def ensure_audit_key(settings: Settings, engine: Engine) -> None:
    """Give the desk its audit key (what `spilldesk init` does), once.

    A chain written before the key existed is verified under its old plain SHA-256 links and
    re-chained under the new key in one transaction; the key file is written only after that
    commits. Whoever can write the database cannot undo this: the key file's presence, not a
    row, says the chain is keyed.
    """
    path = settings.audit_key_file
    if path.exists():
        return
    secret = new_secret()
    with Session(engine) as session, session.begin():
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        count = rechain(session, UnkeyedChain(), AuditKey(secret))
        if count:
            write_audit_key_file(path, secret)  # inside: a failed write rolls the re-chain back
    if not count:
        # another `init` of this desk may have got there first: then its key stands
        with contextlib.suppress(FileExistsError):
            write_audit_key_file(path, secret)
