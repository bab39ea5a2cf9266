"""The keyed chain and its exported checkpoints: truncation, recomputed chains, forged
checkpoints and a walk that sees one moment of the log (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.config import Settings
from spilldesk.store.audit import GENESIS, event_hash, record_event, snapshot, verify
from spilldesk.store.audit_key import UnkeyedChain
from spilldesk.store.checkpoints import (
    CheckpointError,
    checkpoint,
    read_checkpoints,
)
from spilldesk.store.db import Store, initialise
from spilldesk.store.models import AuditEvent

runner = CliRunner()


def _seed(store: Store, n: int = 6) -> None:
    with store.session() as session:
        for i in range(n):
            record_event(session, actor="officer", action="test.event", object_type="thing",
                         object_id=i, detail={"i": i})


def _verify(store: Store):  # type: ignore[no-untyped-def]
    marks = read_checkpoints(store.settings.audit_checkpoints, store.audit_key)  # type: ignore[arg-type]
    with snapshot(store) as session:
        return verify(session, checkpoints=marks)


@pytest.mark.parametrize("rewind", ["delete the head row", "rewind the head row"])
def test_truncation_is_caught_against_a_checkpoint(store: Store, rewind: str) -> None:
    _seed(store)
    assert checkpoint(store).written is not None
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq > 4"))
        if rewind == "delete the head row":
            connection.execute(text("DELETE FROM audit_head"))
        else:
            last = connection.execute(text("SELECT hash FROM audit_events WHERE seq = 4")).scalar()
            connection.execute(text("UPDATE audit_head SET last_seq = 4, last_hash = :h"),
                               {"h": last})
    result = _verify(store)
    assert not result.ok and result.events == 4
    assert result.first_bad_seq == 5
    # and the next command's automatic checkpoint refuses to record the shorter chain
    assert checkpoint(store).problem is not None


def test_a_chain_recomputed_without_the_key_is_caught(store: Store) -> None:
    """Edit an event and re-link everything after it with plain SHA-256 (all that someone
    without the audit key can compute): the chain is whole in itself but not under the key."""
    _seed(store)
    with store.session() as session:
        events = session.query(AuditEvent).order_by(AuditEvent.seq).all()
        prev = GENESIS
        for event in events:
            if event.seq == 3:
                event.actor = "someone else"
            event.prev_hash = prev
            event.hash = prev = event_hash(UnkeyedChain(), event)
        session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})
    result = _verify(store)
    assert not result.ok and result.first_bad_seq == 1
    assert "hash" in (result.problem or "")


def test_a_rewritten_event_differs_from_its_checkpoint(store: Store) -> None:
    _seed(store, 4)
    checkpoint(store)
    with store.engine.begin() as connection:  # the hash of a checkpointed event replaced
        connection.execute(text("UPDATE audit_events SET hash = :h WHERE seq = 4"),
                           {"h": "e" * 64})
        connection.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": "e" * 64})
    result = _verify(store)
    assert not result.ok and result.first_bad_seq == 4


def test_a_forged_checkpoint_is_refused(store: Store) -> None:
    _seed(store, 3)
    checkpoint(store)
    path = store.settings.audit_checkpoints
    line = json.loads(path.read_text().splitlines()[-1])
    line["events"] = 2
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CheckpointError, match="signature does not match"):
        read_checkpoints(path, store.audit_key)  # type: ignore[arg-type]


def test_checkpoint_files_are_private(store: Store) -> None:
    _seed(store, 1)
    checkpoint(store)
    assert store.settings.audit_checkpoints.stat().st_mode & 0o077 == 0
    assert store.settings.audit_key_file.stat().st_mode & 0o077 == 0


def test_verify_sees_one_moment_of_the_log(store: Store) -> None:
    """Events appended while the walk runs are not half-seen: the walk reports the chain as
    it stood when it began, and the head it checks at the end is from the same moment."""
    _seed(store, 6)
    appended: list[int] = []

    def append_meanwhile(count: int) -> None:
        if not appended:
            with store.session() as other:
                for n in range(3):
                    record_event(other, actor="meanwhile", action="x", object_type="y",
                                 object_id=n)
            appended.append(count)

    with snapshot(store) as session:
        result = verify(session, batch=2, progress=append_meanwhile)
    assert appended == [2]
    assert result.ok, result.problem
    assert result.events == 6
    assert _verify(store).events == 9


def test_a_desk_made_before_the_audit_key_is_rechained_once(settings: Settings) -> None:
    store = initialise(settings)
    try:
        _seed(store, 3)
        with store.session() as session:  # what such a desk's chain looked like
            prev = GENESIS
            for event in session.query(AuditEvent).order_by(AuditEvent.seq).all():
                event.prev_hash = prev
                event.hash = prev = event_hash(UnkeyedChain(), event)
            session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})
    finally:
        store.close()
    settings.audit_key_file.unlink()
    store = initialise(settings)
    try:
        result = _verify(store)
        assert result.ok and result.events == 3
        first_key = settings.audit_key_file.read_text()
    finally:
        store.close()
    initialise(settings).close()  # idempotent: the key stays
    assert settings.audit_key_file.read_text() == first_key


def test_cli_checkpoints_and_catches_truncation(store: Store) -> None:
    _seed(store, 5)
    written = runner.invoke(app, ["audit", "checkpoint", "--json"])
    assert written.exit_code == 0 and json.loads(written.stdout)["events"] == 5
    verified = runner.invoke(app, ["audit", "verify", "--json"])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["checkpoints"] == 1
    _seed(store, 2)
    runner.invoke(app, ["user", "list"])  # any command checkpoints a chain that moved
    assert max(read_checkpoints(store.settings.audit_checkpoints,
                                store.audit_key)) == 7  # type: ignore[arg-type]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq > 5"))
        connection.execute(text("DELETE FROM audit_head"))
    broken = runner.invoke(app, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    assert "removed" in json.loads(broken.stdout)["problem"]


def test_the_web_servers_audit_writer_exports_checkpoints(store: Store) -> None:
    from spilldesk.web.audit_buffer import AuditBuffer
    from spilldesk.web.deps import writing_session

    def exported() -> int:
        return max(read_checkpoints(store.settings.audit_checkpoints,
                                    store.audit_key), default=0)  # type: ignore[arg-type]

    buffer = AuditBuffer(lambda: writing_session(store), interval=3600,
                         checkpoint=lambda: checkpoint(store), checkpoint_every=3600)
    buffer.add(actor="web:a", action="clearance.check", object_type="person")
    buffer.flush()
    assert exported() == 1  # the first write at once
    buffer.add(actor="web:a", action="clearance.check", object_type="person")
    buffer.flush()
    assert exported() == 1  # then at most every `checkpoint_every` seconds
    buffer.close()
    assert exported() == 2  # and when the server stops


def test_a_checkpoint_another_worker_writes_meanwhile_is_no_false_alarm(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two server workers checkpoint at once: the other one moves the chain and exports its
    newer head while this one is between reading the file and reading the head. Nothing was
    removed, so nothing may be reported removed (read the other way round, it was)."""
    from spilldesk.store import checkpoints

    _seed(store, 3)
    assert checkpoint(store).written is not None
    read_head = checkpoints.current_head

    def then_the_other_worker_moves(session):  # type: ignore[no-untyped-def]
        mine = read_head(session)
        _seed(store, 2)
        with store.session(writing=False) as other:
            events, head, _ = read_head(other)
        checkpoints.append_checkpoint(store.settings.audit_checkpoints, store.audit_key,  # type: ignore[arg-type]
                                      events, head)
        return mine

    monkeypatch.setattr(checkpoints, "current_head", then_the_other_worker_moves)
    result = checkpoint(store)
    assert result.problem is None
    monkeypatch.undo()
    assert checkpoint(store).problem is None and _verify(store).ok
