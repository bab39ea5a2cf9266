"""One bad audit event never blocks the others and is never lost silently; fields that do not
fit the log are refused at the edge (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.access.users import MAX_USERNAME_LENGTH, Role, UserError, add_user
from spilldesk.cli.main import app
from spilldesk.store.audit import AuditEventInvalid, record_event, verify
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from spilldesk.web.audit_buffer import AuditBuffer, AuditWriteFailed
from spilldesk.web.deps import writing_session

pytestmark = pytest.mark.db


class PoisonAware(AuditBuffer):
    """A database that refuses any batch holding an event whose action is "poison" (as
    PostgreSQL refuses a value longer than its column, whatever else is in the batch)."""

    @staticmethod
    def _write(session: Any, batch: list[Any]) -> None:
        if any(row[1] == "poison" for row in batch):
            raise RuntimeError("value too long for type character varying(100)")
        AuditBuffer._write(session, batch)


def _actions(store: Store) -> list[str]:
    with store.session(writing=False) as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq))
                    .scalars())


def test_one_bad_event_does_not_block_the_others(store: Store,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    buffer = PoisonAware(lambda: writing_session(store), interval=3600)
    first = buffer.add(actor="web:a", action="clearance.check", object_type="person",
                       object_id=1)
    bad = buffer.add(actor="web:b", action="poison", object_type="person", object_id=2,
                     durable=True)
    last = buffer.add(actor="web:c", action="clearance.check", object_type="person",
                      object_id=3)
    assert buffer.flush() == 2
    assert buffer.pending == 0 and buffer.rejected == 1
    assert first.result(0) is None and last.result(0) is None
    with pytest.raises(AuditWriteFailed):  # its request is refused (fail closed)
        bad.result(0)
    # reported, not lost silently: in the log itself and in the error log
    assert _actions(store) == ["clearance.check", "clearance.check", "audit.event_rejected"]
    assert "rejected audit event 'poison'" in caplog.text
    later = buffer.add(actor="web:d", action="clearance.check", object_type="person")
    assert buffer.flush() == 1 and later.result(0) is None
    with store.session() as session:
        assert verify(session).ok


def test_a_lone_bad_event_that_nobody_waits_for_does_not_block_later_ones(
        store: Store) -> None:
    buffer = PoisonAware(lambda: writing_session(store), interval=3600)
    bad = buffer.add(actor="web:b", action="poison", object_type="person")
    assert buffer.flush() == 0 and buffer.pending == 1  # alone, it looks like an outage
    good = buffer.add(actor="web:a", action="clearance.check", object_type="person")
    assert buffer.flush() == 1 and buffer.pending == 0
    assert good.result(0) is None
    with pytest.raises(AuditWriteFailed):
        bad.result(0)


def test_while_the_database_is_away_waiting_reads_are_refused_and_others_kept(
        store: Store) -> None:
    def away() -> Any:
        raise RuntimeError("database away")

    buffer = AuditBuffer(away, interval=3600)
    login = buffer.add(actor="web:a", action="auth.login", object_type="user")
    check = buffer.add(actor="web:a", action="clearance.check", object_type="person",
                       durable=True)
    assert buffer.flush() == 0
    with pytest.raises(AuditWriteFailed):
        check.result(0)
    assert buffer.pending == 1 and not login.done()  # retried when the database is back


def test_an_event_longer_than_its_columns_is_refused_at_the_edge(store: Store) -> None:
    buffer = AuditBuffer(lambda: writing_session(store), interval=3600)
    with pytest.raises(AuditEventInvalid, match="actor is 104 characters"):
        buffer.add(actor="web:" + "u" * 100, action="auth.login", object_type="user")
    buffer.add(actor="web:ok", action="auth.login", object_type="user")
    assert buffer.flush() == 1 and buffer.pending == 0
    with pytest.raises(AuditEventInvalid, match="object_id"), store.session() as session:
        record_event(session, actor="x", action="y", object_type="z", object_id="9" * 101)


def test_usernames_leave_room_for_the_audit_actor(store: Store) -> None:
    with store.session() as session, pytest.raises(UserError, match="at most 64"):
        add_user(session, "u" * (MAX_USERNAME_LENGTH + 1), Role.MACHINE, None, actor="cli:t")
    with store.session() as session:
        add_user(session, "u" * MAX_USERNAME_LENGTH, Role.MACHINE, None, actor="cli:t")
    buffer = AuditBuffer(lambda: writing_session(store), interval=3600)
    buffer.add(actor="web:" + "u" * MAX_USERNAME_LENGTH, action="auth.login",
               object_type="user")
    assert buffer.flush() == 1


def test_a_cli_actor_too_long_for_the_log_is_refused_in_one_line(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPILLDESK_ACTOR", "o" * 97)
    result = CliRunner().invoke(app, ["user", "add", "someone", "--role", "auditor"])
    assert result.exit_code == 2
    assert "at most 96 characters" in result.output
    assert "Traceback" not in result.output
