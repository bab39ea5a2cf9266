"""Signed checkpoints of the audit chain, exported outside the database.

A checkpoint is one line of JSON — the number of events, the last event's hash, when — signed
with the audit key. Someone who deletes the last events and rewinds (or deletes) the head row
leaves a chain that is whole in itself; held against an earlier checkpoint it is short.

Checkpoints are appended (0600, fsync'd) to `SPILLDESK_AUDIT_CHECKPOINTS` (default
`audit-checkpoints.jsonl` beside the key files), which an agency points at storage the
database's administrators cannot rewrite (another host's append-only mount, a log
collector's spool). They are written by `spilldesk audit checkpoint`, after every successful
`audit verify`, at the end of every command that moved the chain, and by the web server's
audit writer.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.store.audit import audit_key_of, event_hash
from spilldesk.store.audit_key import AuditKey
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent, AuditHead

_TAIL = 4096


class CheckpointError(Exception):
    """The checkpoint file is unreadable, or a line in it is not signed by the audit key."""


@dataclass(frozen=True)
class Checkpoint:
    events: int
    head: str
    at: str

    def text(self) -> str:
        return f"{self.events}:{self.head}:{self.at}"


@dataclass(frozen=True)
class CheckpointResult:
    written: Checkpoint | None  # None: nothing new since the last checkpoint, or a problem
    events: int
    problem: str | None = None


def _parse(line: str, key: AuditKey, where: str) -> Checkpoint:
    try:
        document = json.loads(line)
        point = Checkpoint(int(document["events"]), str(document["head"]), str(document["at"]))
        mac = str(document["mac"])
    except (ValueError, KeyError, TypeError):
        raise CheckpointError(f"{where}: not a checkpoint") from None
    if not key.signed(point.text(), mac):
        raise CheckpointError(f"{where}: signature does not match (forged or edited)")
    return point


def read_checkpoints(path: Path, key: AuditKey) -> dict[int, str]:
    """Every checkpoint on file as event count -> head hash (empty when there is no file)."""
    if not path.exists():
        return {}
    marks: dict[int, str] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            point = _parse(line, key, f"{path} line {number}")
            if marks.get(point.events, point.head) != point.head:
                raise CheckpointError(f"{path} line {number}: contradicts an earlier "
                                      f"checkpoint of event {point.events}")
            marks[point.events] = point.head
    return marks


def last_checkpoint(path: Path, key: AuditKey) -> Checkpoint | None:
    """The last line of the file, read from its end (the file only grows)."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL))
        lines = [line for line in handle.read().split(b"\n") if line.strip()]
    if not lines:
        return None
    return _parse(lines[-1].decode("utf-8", "replace"), key, f"{path} (last line)")


def append_checkpoint(path: Path, key: AuditKey, events: int, head: str) -> Checkpoint:
    point = Checkpoint(events, head, clock.now().isoformat(timespec="seconds"))
    line = json.dumps({"events": events, "head": head, "at": point.at,
                       "mac": key.sign(point.text())}, separators=(",", ":")) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return point


def current_head(session: Session) -> tuple[int, str, str | None]:
    """The head row's count and hash, and a problem when its event does not bear it out."""
    head = session.get(AuditHead, 1)
    if head is None:
        return 0, "", "the chain's head row is missing"
    if head.last_seq == 0:
        return 0, head.last_hash, None
    event = session.get(AuditEvent, head.last_seq)
    if event is None or event.hash != head.last_hash:
        return head.last_seq, head.last_hash, "the head row names an event that is not there"
    if event_hash(audit_key_of(session), event) != event.hash:
        return head.last_seq, head.last_hash, "the last event does not match its hash"
    return head.last_seq, head.last_hash, None


def audit_key_for(store: Store) -> AuditKey:
    if store.audit_key is None:  # Store.__post_init__ loads it
        raise CheckpointError("the desk's audit key is not loaded")
    return store.audit_key


def checkpoint(store: Store) -> CheckpointResult:
    """Export the chain's head when it moved since the last checkpoint; refuse (and say why)
    when the chain is shorter than, or differs from, what was last exported."""
    path = store.settings.audit_checkpoints
    key = audit_key_for(store)
    # The file before the head: another process (a server's other worker) may append a
    # checkpoint at any moment, always of a head it read committed, and the head only grows.
    # Read in this order, every checkpoint seen is of a head at most the one read next; the
    # other order could see a newer checkpoint than its head and cry "events were removed".
    last = last_checkpoint(path, key)
    with store.session(writing=False) as session:
        events, head, problem = current_head(session)
    if problem is not None:
        return CheckpointResult(None, events, problem)
    if last is not None and events < last.events:
        return CheckpointResult(None, events, f"the log holds {events} events; its last "
                                f"checkpoint recorded {last.events} (events were removed)")
    if last is not None and events == last.events:
        if head != last.head:
            return CheckpointResult(None, events, "the last event differs from its checkpoint")
        return CheckpointResult(None, events)
    return CheckpointResult(append_checkpoint(path, key, events, head), events)
