"""Registry persons' blocking tokens (`store.linkage_models`): written, re-keyed, backfilled,
and asked for candidates and counts without decrypting anyone.

A person's tokens are written in the transaction that writes the person (the registry import,
a batch at a time, for the persons it inserts or changes); `spilldesk keys rotate`
re-makes them with the new index key; `backfill` computes them, decrypting once in batches,
for persons stored before the table existed (`spilldesk init`, and linkage if init was not
run again).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Column, MetaData, Table, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, Integer, String

from spilldesk.link.blocking_keys import TOKEN_COLUMNS, registry_tokens
from spilldesk.store.audit import record_event
from spilldesk.store.bulk import insert_columns, insert_rows
from spilldesk.store.crypto import Keyring
from spilldesk.store.linkage_models import PersonBlockingKeys
from spilldesk.store.models import Person
from spilldesk.store.people import PII
from spilldesk.store.read_sets import persons_named
from spilldesk.store.sealing import open_rows

BATCH = 5000
TOKENS = cast(Table, PersonBlockingKeys.__table__)
# A scratch table of the session's transaction: (key name, token) pairs or ids to join with.
_WANTED = Table(
    "spilldesk_wanted",
    MetaData(),
    Column("key", String(32)),
    Column("token", BigInteger),
    prefixes=["TEMPORARY"],
)
_IDS = Table("spilldesk_wanted_ids", MetaData(), Column("id", Integer), prefixes=["TEMPORARY"])


def token_rows(
    person_ids: Sequence[int], tokens: Sequence[Sequence[int | None]]
) -> list[dict[str, Any]]:
    return [
        {"person_id": pk, **dict(zip(TOKEN_COLUMNS, row, strict=True))}
        for pk, row in zip(person_ids, tokens, strict=True)
    ]


def write_tokens(session: Session, rows: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Store persons' tokens (`replace`: persons whose tokens exist already)."""
    if replace and rows:
        ids = [row["person_id"] for row in rows]
        for start in range(0, len(ids), 900):
            session.execute(delete(TOKENS).where(TOKENS.c.person_id.in_(ids[start : start + 900])))
    insert_rows(session, TOKENS, rows)


def insert_tokens(
    session: Session, person_ids: Sequence[int], tokens: Sequence[Sequence[int | None]]
) -> None:
    """Store new persons' tokens (`token_rows`' rows, passed a column at a time)."""
    if person_ids:
        insert_columns(session, TOKENS, ["person_id", *TOKEN_COLUMNS],
                       [person_ids, *zip(*tokens, strict=True)])


def rekey(
    session: Session, keyring: Keyring, people: Iterable[tuple[int, Mapping[str, Any]]]
) -> int:
    """Every person's tokens again under `keyring` (key rotation), from their opened data."""
    session.execute(delete(TOKENS))
    return _write_from(session, keyring, people)


def _write_from(
    session: Session, keyring: Keyring, people: Iterable[tuple[int, Mapping[str, Any]]]
) -> int:
    secret, done = keyring.blocking_key(), 0
    batch: list[tuple[int, Mapping[str, Any]]] = []
    for item in [*people, None]:
        if item is not None:
            batch.append(item)
        if batch and (item is None or len(batch) >= BATCH):
            ids = [pk for pk, _ in batch]
            tokens = registry_tokens([pii for _, pii in batch], secret)
            insert_rows(session, TOKENS, token_rows(ids, tokens))
            done += len(batch)
            batch = []
    return done


def missing(session: Session) -> int:
    """Persons without tokens (every token row is a person's: the difference of two counts)."""
    persons = session.scalar(select(func.count()).select_from(Person)) or 0
    tokens = session.scalar(select(func.count()).select_from(TOKENS)) or 0
    return int(persons) - int(tokens)


def backfill(session: Session, keyring: Keyring, *, actor: str) -> int:
    """Tokens for every person that has none: their data opened once, a batch at a time, in
    one audited bulk read."""
    persons = cast(Table, Person.__table__)
    query = (
        select(persons.c.id, persons.c.pii)
        .where(~select(TOKENS.c.person_id).where(TOKENS.c.person_id == persons.c.id).exists())
        .order_by(persons.c.id)
    )
    rows = session.execute(query).all()
    if not rows:
        return 0
    record_event(
        session,
        actor=actor,
        action="person.bulk_read",
        object_type="person",
        object_id=None,
        detail={
            "purpose": "blocking keys of persons stored before linkage kept them",
            **persons_named(pk for pk, _ in rows),
        },
    )

    def opened() -> Iterator[tuple[int, Mapping[str, Any]]]:
        for start in range(0, len(rows), BATCH):
            batch = [(pk, blob) for pk, blob in rows[start : start + BATCH]]
            persons_data = open_rows(keyring, batch, persons.name, PII)
            yield from zip([pk for pk, _ in batch], persons_data, strict=True)

    return _write_from(session, keyring, opened())


def _fill(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    insert_rows(session, table, rows)


def _drop(session: Session, table: Table) -> None:
    table.drop(session.connection(), checkfirst=True)


def candidates(session: Session, wanted: Mapping[str, Iterable[int]]) -> set[int]:
    """Persons whose token in some column equals one of that column's wanted tokens (one
    scan)."""
    rows = [{"key": key, "token": t} for key, tokens in wanted.items() for t in set(tokens)]
    if not rows:
        return set()
    _fill(session, _WANTED, rows)
    try:
        conditions = [
            TOKENS.c[key].in_(select(_WANTED.c.token).where(_WANTED.c.key == key)) for key in wanted
        ]
        found = session.execute(select(TOKENS.c.person_id).where(or_(*conditions)))
        return set(found.scalars().all())
    finally:
        _drop(session, _WANTED)


def counts(session: Session, key: str, tokens: list[int]) -> dict[int, int]:
    """How many persons have each of `tokens` as their `key` token."""
    if not tokens:
        return {}
    _fill(session, _WANTED, [{"key": key, "token": t} for t in tokens])
    try:
        column = TOKENS.c[key]
        query = (
            select(column, func.count()).where(column.in_(select(_WANTED.c.token))).group_by(column)
        )
        return {int(t): int(n) for t, n in session.execute(query).all()}
    finally:
        _drop(session, _WANTED)


def non_null(session: Session, keys: Iterable[str]) -> dict[str, int]:
    names = list(keys)
    row = session.execute(select(*(func.count(TOKENS.c[k]) for k in names))).one()
    return {k: int(n) for k, n in zip(names, row, strict=True)}


def with_ids(session: Session, ids: Sequence[int]) -> Any:
    """A scratch table of `ids` to join with (drop it with `drop_ids`)."""
    _fill(session, _IDS, [{"id": pk} for pk in ids])
    return _IDS


def drop_ids(session: Session) -> None:
    _drop(session, _IDS)


__all__ = [
    "backfill",
    "candidates",
    "counts",
    "drop_ids",
    "missing",
    "non_null",
    "rekey",
    "token_rows",
    "with_ids",
    "write_tokens",
]
