"""Group-committed audit writes for the hot path (clearance checks, logins).

Every audit event is a link in one hash chain, so each write locks the chain's head: with one
transaction per request, concurrent requests would queue on that lock. Requests instead `add`
their events here and a background thread writes whatever is waiting in one transaction.

A read of a person is *durable* before its answer leaves the server: the request adds its
event with `durable=True`, which wakes the writer at once, and awaits `recorded(...)`; while
the writer is busy the next requests' events gather for its next transaction (group commit),
so concurrent checks still share transactions. If the event cannot be written the request is
refused (fail closed). Other events (logins) are written within `interval` seconds.

One bad event never blocks the others: when a batch fails, its events are written one by one;
an event that fails while others succeed is rejected — its request (if it waits) gets
`AuditWriteFailed`, the log records an `audit.event_rejected` event naming it, and the error
log says why. When every event fails, the database is away: waiting requests are refused,
other events are kept and retried, and past `max_backlog` waiting events `add` raises
AuditBacklog (fail closed) until the log catches up. Fields that do not fit their columns are
refused by `add` itself (`AuditEventInvalid`), before they reach a batch.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from spilldesk.store.audit import AuditRow, check_event, record_events

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Any]  # a context manager yielding a Session (Store.session)
WAIT_SECONDS = 10.0


class AuditBacklog(RuntimeError):
    """The audit log cannot keep up (the database is away): refuse the read, fail closed."""


class AuditWriteFailed(RuntimeError):
    """This request's audit event was not written: its answer must not leave the server."""


@dataclass
class _Entry:
    row: AuditRow
    durable: bool
    future: Future[None] = field(default_factory=Future)


class AuditBuffer:
    def __init__(self, sessions: SessionFactory, *, max_events: int = 256,
                 interval: float = 0.2, max_backlog: int = 50_000,
                 checkpoint: Callable[[], object] | None = None,
                 checkpoint_every: float = 5.0) -> None:
        self._sessions = sessions
        self._max = max_events
        self._interval = interval
        self._max_backlog = max_backlog
        self._checkpoint = checkpoint
        self._checkpoint_every = checkpoint_every
        self._checkpointed_at = float("-inf")  # the first write is exported at once
        self._unexported = 0
        self._checkpoint_lock = threading.Lock()
        self._checkpoint_due = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self._wake_scheduled = False
        self._pending: list[_Entry] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.written = 0
        self.failures = 0
        self.rejected = 0

    def add(self, *, actor: str, action: str, object_type: str,
            object_id: str | int | None = None, detail: dict[str, Any] | None = None,
            durable: bool = False) -> Future[None]:
        """Queue one event; its future completes when it is written (or fails)."""
        check_event(actor, action, object_type, object_id)
        entry = _Entry((actor, action, object_type, object_id, detail), durable)
        with self._lock:
            if len(self._pending) >= self._max_backlog:
                raise AuditBacklog(f"{len(self._pending)} audit events wait to be written")
            self._pending.append(entry)
            full = len(self._pending) >= self._max
        if full:
            self._wake.set()
        elif durable:
            self._wake_soon()
        return entry.future

    def _wake_soon(self) -> None:
        """Wake the writer for a waiting request, once per turn of the caller's event loop.

        On the event loop, the wake is deferred to the loop's next turn, so the checks the
        loop is already working on add their events first and share the writer's next
        transaction (group commit): woken at each event, the writer committed groups of one,
        paying a whole transaction per check while the loop waited for the interpreter lock.
        Off the loop (a synchronous caller), it wakes the writer at once."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._wake.set()
            return
        with self._lock:
            if self._wake_scheduled:
                return
            self._wake_scheduled = True
        loop.call_soon(self._wake_now)

    def _wake_now(self) -> None:
        with self._lock:
            self._wake_scheduled = False
        self._wake.set()

    async def recorded(self, future: Future[None], timeout: float = WAIT_SECONDS) -> None:
        """Wait (without blocking the event loop) until the event is in the log."""
        if not self.running:  # no writer thread (an app not started): write it now
            await asyncio.to_thread(self.flush)
        try:
            await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            raise AuditWriteFailed(f"the audit event was not written in {timeout:g} s") from None

    def wait_recorded(self, future: Future[None], timeout: float = WAIT_SECONDS) -> None:
        """`recorded` for a synchronous caller (a route run in the thread pool)."""
        if not self.running:
            self.flush()
        self._wake.set()  # a wake deferred to an event loop this call may be blocking
        try:
            future.result(timeout)
        except TimeoutError:
            raise AuditWriteFailed(f"the audit event was not written in {timeout:g} s") from None

    def sink(self) -> BufferedAudit:
        """An audit sink for the clearance service (`safeguards.clearance.AuditSink`) that adds
        each event here as durable; await its `recorded()` before answering."""
        return BufferedAudit(self)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self) -> int:
        """Write what is waiting (and export a checkpoint when one is due); returns how many
        events were written."""
        count = self._flush()
        self._maybe_checkpoint()
        return count

    def _flush(self) -> int:
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                self._write_rows([entry.row for entry in batch])
            except Exception as exc:
                self.failures += 1
                count = self._isolate(batch, exc)
            else:
                for entry in batch:
                    entry.future.set_result(None)
                count = len(batch)
            self.written += count
            with self._checkpoint_lock:
                self._unexported += count
        return count

    def _write_rows(self, rows: list[AuditRow]) -> None:
        with self._sessions() as session:
            self._write(session, rows)

    @staticmethod
    def _write(session: Session, batch: list[AuditRow]) -> None:
        record_events(session, batch)

    def _isolate(self, batch: list[_Entry], batch_error: Exception) -> int:
        """Write a failed batch's events one by one; reject those that fail on their own."""
        outcomes: list[Exception | None] = [batch_error]
        if len(batch) > 1:
            outcomes = []
            for entry in batch:
                try:
                    self._write_rows([entry.row])
                except Exception as exc:
                    outcomes.append(exc)
                else:
                    outcomes.append(None)
        database_away = all(outcome is not None for outcome in outcomes)
        kept: list[_Entry] = []
        rejected: list[tuple[_Entry, Exception]] = []
        for entry, outcome in zip(batch, outcomes, strict=True):
            if outcome is None:
                entry.future.set_result(None)
            elif database_away and not entry.durable:
                kept.append(entry)  # nobody waits for it: retried on the next round
            else:
                rejected.append((entry, outcome))
                entry.future.set_exception(AuditWriteFailed(
                    f"the audit event {entry.row[1]!r} was not written "
                    f"({type(outcome).__name__})"))
        if kept:
            log.error("audit buffer: the database refused %d events (%s); will retry",
                      len(kept), type(batch_error).__name__)
            with self._lock:
                self._pending = kept + self._pending
        if rejected:
            self._report(rejected, database_away)
        return sum(1 for outcome in outcomes if outcome is None)

    def _report(self, rejected: list[tuple[_Entry, Exception]], database_away: bool) -> None:
        self.rejected += len(rejected)
        for entry, error in rejected:
            actor, action, object_type, object_id, _detail = entry.row
            # Names the event, never its detail (which may describe a person's case).
            log.error("audit buffer: rejected audit event %r on %s (%s); its request was "
                      "refused", action[:64], object_type[:40], type(error).__name__)
        if database_away:
            return
        try:
            self._write_rows([
                ("system:audit-buffer", "audit.event_rejected", "audit", None,
                 {"action": entry.row[1][:200], "object_type": entry.row[2][:200],
                  "object_id": None if entry.row[3] is None else str(entry.row[3])[:200],
                  "actor": entry.row[0][:200], "error": type(error).__name__})
                for entry, error in rejected
            ])
        except Exception as exc:  # the error log above still names them
            log.error("audit buffer: could not record the rejection (%s)", type(exc).__name__)

    def _checkpoint_is_due(self) -> bool:
        return (self._checkpoint is not None and self._unexported > 0
                and time.monotonic() - self._checkpointed_at >= self._checkpoint_every)

    def _maybe_checkpoint(self, force: bool = False) -> None:
        if self._checkpoint is None:
            return
        with self._checkpoint_lock:
            if not self._unexported:
                return
            now = time.monotonic()
            if not force and now - self._checkpointed_at < self._checkpoint_every:
                return
            self._checkpointed_at, self._unexported = now, 0
            try:
                problem = getattr(self._checkpoint(), "problem", None)
            except Exception as exc:  # the next round tries again; verify still walks the chain
                self._unexported += 1
                log.error("audit buffer: checkpoint not written (%s)", type(exc).__name__)
                return
        if problem:
            log.error("audit log: %s (run `spilldesk audit verify`)", problem)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="audit-buffer", daemon=True)
            self._thread.start()
        if self._checkpointer is None and self._checkpoint is not None:
            self._checkpointer = threading.Thread(target=self._run_checkpoints,
                                                  name="audit-checkpoint", daemon=True)
            self._checkpointer.start()

    def close(self) -> None:
        """Stop the writer, write everything still waiting and export a checkpoint."""
        self._stop.set()
        self._wake.set()
        self._checkpoint_due.set()
        for thread in (self._thread, self._checkpointer):
            if thread is not None:
                thread.join(timeout=10)
        self._thread = self._checkpointer = None
        self._flush()
        self._maybe_checkpoint(force=True)

    def _run(self) -> None:
        """The writer: commits whatever waits, and leaves the checkpoint (a read, an HMAC and
        an fsync of the checkpoint file, tens of milliseconds) to its own thread, so that
        waiting checks never queue behind an export."""
        while not self._stop.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            self._flush()
            if self._checkpoint_is_due():
                self._checkpoint_due.set()

    def _run_checkpoints(self) -> None:
        while not self._stop.is_set():
            self._checkpoint_due.wait()
            self._checkpoint_due.clear()
            if not self._stop.is_set():
                self._maybe_checkpoint()


class BufferedAudit:
    """The clearance service's audit sink on the web's hot path: the event goes to the audit
    buffer's group commit instead of the request's own transaction (which need not write).

    `add` refuses an event the log cannot hold (`AuditEventInvalid`) or that finds the buffer
    full (`AuditBacklog`): raised inside the service, so no answer is formed. `recorded()`
    returns once every event it took is written, and raises `AuditWriteFailed` otherwise."""

    def __init__(self, buffer: AuditBuffer) -> None:
        self._buffer = buffer
        self._futures: list[Future[None]] = []

    def __call__(self, session: Session, event: AuditRow) -> None:
        actor, action, object_type, object_id, detail = event
        self._futures.append(self._buffer.add(actor=actor, action=action,
                                              object_type=object_type, object_id=object_id,
                                              detail=detail, durable=True))

    async def recorded(self, timeout: float = WAIT_SECONDS) -> None:
        if not self._futures:  # nothing was audited: nothing may be answered
            raise AuditWriteFailed("no audit event was taken for this answer")
        for future in self._futures:
            await self._buffer.recorded(future, timeout)

