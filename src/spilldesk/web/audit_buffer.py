"""Batched audit writes for the hot path (clearance checks, list views).

Every audit event is a link in one hash chain, so each write locks the chain's head: with one
transaction per request, concurrent requests would queue on that lock. Requests instead
`add` their read events here; a background thread writes them in one transaction every
`interval` seconds, or as soon as `max_events` are waiting, and on shutdown.

The trade-off, accepted on purpose: a read is answered before its audit event is durable.
If the process dies, up to `interval` seconds of *read* events can be lost (never a state
change: services write those in the same transaction as the change). A failed write keeps
the events and retries on the next round; past `max_backlog` waiting events `add` raises
AuditBacklog and the read is refused (fail closed) until the log catches up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from spilldesk.store.audit import record_events

log = logging.getLogger(__name__)

AuditRow = tuple[str, str, str, str | int | None, dict[str, Any] | None]
SessionFactory = Callable[[], Any]  # a context manager yielding a Session (Store.session)


class AuditBacklog(RuntimeError):
    """The audit log cannot keep up (the database is away): refuse the read, fail closed."""


class AuditBuffer:
    def __init__(self, sessions: SessionFactory, *, max_events: int = 256,
                 interval: float = 0.2, max_backlog: int = 50_000) -> None:
        self._sessions = sessions
        self._max = max_events
        self._interval = interval
        self._max_backlog = max_backlog
        self._pending: list[AuditRow] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.written = 0
        self.failures = 0

    def add(self, *, actor: str, action: str, object_type: str,
            object_id: str | int | None = None, detail: dict[str, Any] | None = None) -> None:
        with self._lock:
            if len(self._pending) >= self._max_backlog:
                raise AuditBacklog(f"{len(self._pending)} audit events wait to be written")
            self._pending.append((actor, action, object_type, object_id, detail))
            full = len(self._pending) >= self._max
        if full:
            self._wake.set()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self) -> int:
        """Write what is waiting in one transaction; returns how many events were written."""
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                with self._sessions() as session:
                    self._write(session, batch)
            except Exception as exc:  # keep the events; the next round retries them
                self.failures += 1
                log.error("audit buffer: write of %d events failed (%s); will retry",
                          len(batch), type(exc).__name__)
                with self._lock:
                    self._pending = batch + self._pending
                return 0
            self.written += len(batch)
            return len(batch)

    @staticmethod
    def _write(session: Session, batch: list[AuditRow]) -> None:
        record_events(session, batch)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="audit-buffer", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the writer and write everything still waiting."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            self.flush()
