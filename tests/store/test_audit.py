"""The audit chain catches an edited, deleted, inserted or reordered row (on both databases)."""

import pytest
from sqlalchemy import text

from spilldesk.store.audit import record_event, verify


def _seed(store, n: int = 6) -> None:
    with store.session() as session:
        for i in range(n):
            record_event(session, actor="officer", action="test.event", object_type="thing",
                         object_id=i, detail={"i": i, "note": "ñandú"})


def test_intact_chain_verifies(store) -> None:
    _seed(store)
    with store.session() as session:
        result = verify(session)
    assert result.ok and result.events == 6


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        ("UPDATE audit_events SET actor = 'someone else' WHERE seq = 3", 3),
        ("UPDATE audit_events SET detail = '{\"i\": 99}' WHERE seq = 4", 4),
        ("DELETE FROM audit_events WHERE seq = 2", 3),
        ("DELETE FROM audit_events WHERE seq = 6", 6),
        ("UPDATE audit_events SET seq = seq + 100 WHERE seq = 5", 6),
    ],
)
def test_tampering_is_found(store, tamper: str, bad_seq: int) -> None:
    _seed(store)
    with store.engine.begin() as connection:
        connection.execute(text(tamper))
    with store.session() as session:
        result = verify(session)
    assert not result.ok
    assert result.first_bad_seq == bad_seq


def test_inserted_forgery_is_found(store) -> None:
    _seed(store)
    with store.engine.begin() as connection:
        row = connection.execute(text("SELECT * FROM audit_events WHERE seq = 3")).mappings().one()
        connection.execute(text("UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 4"))
        connection.execute(
            text("INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, "
                 "detail, prev_hash, hash) VALUES (4, :at, 'intruder', 'x', 'y', NULL, NULL, "
                 ":prev, :hash)"),
            {"at": row["at"], "prev": row["hash"], "hash": "f" * 64},
        )
    with store.session() as session:
        result = verify(session)
    assert not result.ok and result.first_bad_seq == 4


def test_failed_transaction_leaves_no_event(store) -> None:
    _seed(store, 2)
    with pytest.raises(RuntimeError), store.session() as session:
        record_event(session, actor="a", action="b", object_type="c")
        raise RuntimeError("the change failed")
    with store.session() as session:
        result = verify(session)
    assert result.ok and result.events == 2


def test_concurrent_writers_never_fork_the_chain(store) -> None:
    """Writers in threads append one chain (SQLite queues them; PostgreSQL locks the head)."""
    from concurrent.futures import ThreadPoolExecutor

    def write(i: int) -> None:
        with store.session() as session:
            session.execute(text("SELECT 1"))  # a read first, as a service would
            record_event(session, actor=f"w{i}", action="x", object_type="y", object_id=i)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(64)))
    with store.session() as session:
        result = verify(session)
    assert result.ok and result.events == 64
