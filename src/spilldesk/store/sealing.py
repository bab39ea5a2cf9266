"""Sealed columns bound to their row: a ciphertext opens only in the table, row and field it
was sealed for.

Each ciphertext's associated data names the table, the row's primary key and the column
(`persons:42:pii`), so a sealed value copied or swapped into another row, another column or
another table fails authentication and the read fails closed with the row and field named.

Besides the `pii` columns (opened by `store.people`, every read audited), a model keeps case
facts and free-text notes in one `sealed` column and exposes them as ordinary attributes
(`SealedField`): `person.posture` opens the row's `sealed` column on first use, and assigning
it re-seals the row when the session flushes. A new row is sealed right after its insert, once
its primary key exists. Queries cannot filter on these fields in SQL: callers load the rows
they need and filter after opening (`store.people` for persons).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, event, func, insert, select, text, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import flag_modified, set_committed_value

from spilldesk.store.crypto import KeyFileError, Keyring, OpenFailed
from spilldesk.store.db import keyring_of

SEALED = "sealed"
_PENDING = "_sealed_pending"  # plaintext assigned but not yet sealed
_OPENED = "_sealed_opened"  # (ciphertext, plaintext) of the last opening
_KEYRING = "_sealed_keyring"  # the keyring of the session that loaded the row


class SealedFieldError(KeyFileError):
    """A sealed value is missing, altered, or belongs to another row or field."""


def row_purpose(table: str, row_id: object, column: str) -> str:
    """The associated data that binds a ciphertext to one table, row and field."""
    return f"{table}:{row_id}:{column}"


def seal_for_row(keyring: Keyring, payload: dict[str, Any], table: str, row_id: object,
                 column: str) -> bytes:
    return keyring.seal(payload, row_purpose(table, row_id, column))


def open_for_row(keyring: Keyring, blob: bytes | None, table: str, row_id: object,
                 column: str) -> dict[str, Any]:
    """Open a row's sealed column; fail closed, naming the row and field, if it is not this
    row's own value."""
    where = f"{table} row {row_id}, field {column}"
    if not blob:
        raise SealedFieldError(f"{where}: the sealed value is missing; the row was altered "
                               "(refusing to read it)")
    try:
        return keyring.open(blob, row_purpose(table, row_id, column))
    except KeyFileError as exc:
        raise SealedFieldError(f"{where}: {exc}; the sealed value was altered, swapped from "
                               "another row or field, or sealed with a key this desk does not "
                               "hold (refusing to read it)") from None


def open_rows(keyring: Keyring, rows: Sequence[tuple[object, bytes | None]], table: str,
              column: str) -> list[dict[str, Any]]:
    """`open_for_row` of many rows' column (a bulk read: `rows` are (primary key, sealed
    value)), in their order; fails closed, naming the first row that does not open."""
    blobs = [blob or b"" for _, blob in rows]
    # `row_purpose`'s text, made once around each row's key (bytes formatting: a bulk read
    # makes hundreds of thousands).
    before, after = row_purpose(table, "", column).encode().split(b"::")
    purposes = [b"%s:%s:%s" % (before, str(row_id).encode(), after) for row_id, _ in rows]
    try:
        return keyring.open_many(blobs, purposes)
    except OpenFailed as exc:
        row_id, blob = rows[exc.index]
        open_for_row(keyring, blob, table, row_id, column)  # raises, naming the row and field
        raise  # pragma: no cover - open_for_row raised above
    except KeyFileError as exc:
        raise SealedFieldError(f"{table} field {column}: {exc} (refusing to read it)") from None


def _keyring(obj: Any) -> Keyring:
    session = object_session(obj)
    keyring = session.info.get("keyring") if session is not None else None
    keyring = keyring or obj.__dict__.get(_KEYRING)
    if not isinstance(keyring, Keyring):
        raise SealedFieldError(f"{obj.__tablename__}: sealed fields need a desk session")
    obj.__dict__[_KEYRING] = keyring
    return keyring


def remember_keyring(obj: Any, context: Any) -> None:
    """On load: keep the loading session's keyring, so a row read after its session ended
    can still open its sealed fields."""
    keyring = context.session.info.get("keyring") if context.session is not None else None
    if keyring is not None:
        obj.__dict__[_KEYRING] = keyring


def sealed_plaintext(obj: Any) -> dict[str, Any]:
    """The opened `sealed` column of a row (an empty dict for a row not yet stored)."""
    pending = obj.__dict__.get(_PENDING)
    if pending is not None:
        return dict(pending)
    blob = getattr(obj, SEALED)
    if blob is None and obj.id is None:
        return {}
    opened = obj.__dict__.get(_OPENED)
    if opened is not None and opened[0] is blob:
        return dict(opened[1])
    plain = open_for_row(_keyring(obj), blob, obj.__tablename__, obj.id, SEALED)
    obj.__dict__[_OPENED] = (blob, plain)
    return dict(plain)


class SealedField:
    """An attribute kept in the row's `sealed` column (text, or a date kept as ISO text)."""

    def __init__(self, kind: type = str) -> None:
        self.kind = kind
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        sealed_fields(owner).append(name)

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return self
        value = sealed_plaintext(obj).get(self.name)
        if value is not None and self.kind is date:
            return date.fromisoformat(value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        plain = sealed_plaintext(obj)
        plain[self.name] = value.isoformat() if isinstance(value, date) else value
        obj.__dict__[_PENDING] = plain
        if obj.id is not None:
            getattr(obj, SEALED)  # loaded, so it can be flagged
            flag_modified(obj, SEALED)


def sealed_fields(model: type) -> list[str]:
    """The names of a model's sealed attributes (registered by `SealedField`)."""
    if "__sealed_fields__" not in model.__dict__:
        model.__sealed_fields__ = []  # type: ignore[attr-defined]
    fields: list[str] = model.__dict__["__sealed_fields__"]
    return fields


def _has_sealed(obj: Any) -> bool:
    return bool(getattr(type(obj), "__sealed_fields__", None))


@event.listens_for(Session, "before_flush")
def _seal_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    later = session.info.setdefault("_seal_after_insert", [])
    for obj in [*session.new, *session.dirty]:
        if not _has_sealed(obj):
            continue
        pending = obj.__dict__.get(_PENDING)
        if pending is None and obj in session.new:
            obj.__dict__[_PENDING] = pending = {}  # every stored row has a sealed value
        if pending is None:
            continue
        if obj.id is None:
            setattr(obj, SEALED, b"")  # sealed once the insert gives the row its key
            later.append(obj)
            continue
        blob = seal_for_row(_keyring(obj), pending, obj.__tablename__, obj.id, SEALED)
        setattr(obj, SEALED, blob)
        obj.__dict__[_OPENED] = (blob, pending)
        del obj.__dict__[_PENDING]


@event.listens_for(Session, "after_flush")
def _seal_after_insert(session: Session, _context: Any) -> None:
    later = session.info.pop("_seal_after_insert", [])
    for obj in later:
        pending = obj.__dict__.pop(_PENDING, {})
        blob = seal_for_row(_keyring(obj), pending, obj.__tablename__, obj.id, SEALED)
        table = type(obj).__table__
        session.connection().execute(
            update(table).where(table.c.id == obj.id).values({SEALED: blob}))
        set_committed_value(obj, SEALED, blob)
        obj.__dict__[_OPENED] = (blob, pending)


def reserve_ids(session: Session, model: Any, count: int) -> list[int]:
    """`count` new primary keys for `model`, so rows can be sealed before their insert.

    PostgreSQL draws them from the table's sequence (safe beside other writers). SQLite takes
    the next ones after the largest id: a writing desk session holds the database's write lock
    (`BEGIN IMMEDIATE`), so nobody else inserts before the caller does.
    """
    if count <= 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        drawn = session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"),
            {"table": table.name, "count": count})
        return list(drawn.scalars())
    top = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(top + 1, top + 1 + count))


def insert_sealed(session: Session, model: Any, rows: list[dict[str, Any]],
                  sealed: dict[str, list[dict[str, Any]]]) -> list[int]:
    """Insert many rows in one statement, then seal each row's columns for its new key.

    `sealed` maps a column to one plaintext dict per row. The rows are inserted with empty
    placeholders (which no read accepts) and sealed in the same transaction.
    """
    if not rows:
        return []
    table = model.__table__
    placeholders = dict.fromkeys(sealed, b"")
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = list(session.execute(statement, [{**row, **placeholders} for row in rows]).scalars())
    keyring = keyring_of(session)
    sealed_rows = [{"_id": row_id, **{column: seal_for_row(keyring, payloads[n], table.name,
                                                           row_id, column)
                                      for column, payloads in sealed.items()}}
                   for n, row_id in enumerate(ids)]
    session.execute(update(table).where(table.c.id == bindparam("_id"))
                    .values({column: bindparam(column) for column in sealed}), sealed_rows)
    return ids
