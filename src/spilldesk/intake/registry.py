"""Registry import: persons, representatives and facilities from CSV, XLSX or Parquet.

All-or-nothing (one transaction; the first bad row stops it and changes nothing), idempotent
by A-number (a re-import updates changed persons in place and leaves the rest untouched), and
person data sealed on the way in.

Persons stream: the file is read, checked, sealed and written a batch at a time inside the
caller's one transaction, so memory does not grow with the file. What is known of the people
already stored is asked of the database one batch at a time (by blind index); across the
whole file the import keeps one bit per person row id (whether the file named that person
already) and the ids of persons whose facts changed (to re-plan them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import String, any_, bindparam, select, update
from sqlalchemy import Table as DbTable
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.planning import replan_people
from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.errors import ServiceError
from spilldesk.intake.person_batches import (
    CLEAR_COLUMNS,
    Checked,
    Known,
    checked_batches,
    digest_key,
    row_digest,
)
from spilldesk.intake.registry_rows import (
    COLUMNS,
    RowError,
    read_facility_row,
    read_representative_row,
)
from spilldesk.intake.tabular import Table, TableError, open_table
from spilldesk.store.audit import record_event
from spilldesk.store.blocking import insert_tokens, token_rows, write_tokens
from spilldesk.store.bulk import insert_columns
from spilldesk.store.crypto import KeyFileError, Keyring
from spilldesk.store.db import bulk_cache, check_index_key, keyring_of
from spilldesk.store.models import Facility, Person, Representative
from spilldesk.store.people import PII, seal_pii
from spilldesk.store.sealing import SEALED, insert_sealed, reserve_ids, row_purpose

KINDS = tuple(COLUMNS)
Tokens = tuple[int | None, ...]  # a person's blocking tokens (`link.blocking_keys`)
Progress = Callable[[int, int | None], None]  # (rows just done, rows in the file if known)


class RegistryError(ServiceError):
    """Bad registry input; the message names the file, row and field."""


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    # Exposed persons whose changed facts were re-planned at once, per incident.
    replanned: dict[str, int] = field(default_factory=dict)


def guess_kind(header: list[str]) -> str:
    """persons / representatives / facilities, from the columns a file carries."""
    if "a_number" in header:
        return "persons"
    if "representative_id" in header and "name" in header:
        return "representatives"
    if "facility_code" in header and "name" in header:
        return "facilities"
    raise RegistryError("cannot tell the file's kind from its columns (use --kind)")


def _check_columns(table: Table, kind: str) -> None:
    required, optional = COLUMNS[kind]
    unknown = [h for h in table.header if h not in required and h not in optional]
    if unknown:
        raise RegistryError(f"{table.path}: unknown column(s) for {kind}: {', '.join(unknown)}")
    missing = [c for c in required if c not in table.header]
    if missing:
        raise RegistryError(f"{table.path}: missing required column(s): {', '.join(missing)}")
    duplicated = sorted({h for h in table.header if table.header.count(h) > 1})
    if duplicated:
        raise RegistryError(f"{table.path}: column(s) appear twice: {', '.join(duplicated)}")


def import_file(
    session: Session,
    path: Path,
    *,
    kind: str | None,
    actor: str,
    tz: ZoneInfo,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file in the caller's transaction; raise RegistryError on the first bad row.

    A person whose facts changed is re-planned at once in every incident that exposed them
    (their holds and tasks follow the new posture, order, custody or representation).
    """
    try:
        check_index_key(session)  # a stale index key would add every person again
    except KeyFileError as exc:
        raise RegistryError(f"{path}: {exc}") from None
    try:
        with open_table(path) as table:
            kind = kind or guess_kind(table.header)
            if kind not in COLUMNS:
                raise RegistryError(f"unknown kind {kind!r} (use persons, representatives or "
                                    "facilities)")
            _check_columns(table, kind)
            importer = {"persons": _import_persons, "representatives": _import_representatives,
                        "facilities": _import_facilities}[kind]
            with bulk_cache(session):
                rows, created, updated, changed = importer(session, table,
                                                           progress or (lambda _d, _t: None))
    except TableError as exc:
        raise RegistryError(str(exc)) from None
    replanned = replan_people(session, changed, actor=actor, tz=tz)
    report = ImportReport(kind, path.name, rows, created, updated,
                          rows - created - updated, replanned)
    record_event(session, actor=actor, action=f"registry.import.{kind}", object_type="registry",
                 object_id=kind, detail={"file": path.name, "sha256": _sha256(path),
                                         "rows": report.rows, "created": created,
                                         "updated": report.updated, "replanned": replanned})
    return report


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _row_error(table: Table, number: int, exc: RowError) -> RegistryError:
    return RegistryError(f"{table.path}, row {number}, field {exc.field}: {exc}")


Imported = tuple[int, int, int, list[int]]  # rows, created, updated, persons whose facts changed


class _IdBits:
    """Which row ids the file has named so far: one bit per id, not a set of objects."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, row_id: int) -> bool:
        """Mark `row_id`; False if it was marked already."""
        byte, bit = divmod(row_id, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        if self._bits[byte] >> bit & 1:
            return False
        self._bits[byte] |= 1 << bit
        return True


def _import_persons(session: Session, table: Table, progress: Progress) -> Imported:
    """Seal and write persons a batch at a time as they are checked (see the module's
    docstring)."""
    keyring = keyring_of(session)
    known = Known(
        facilities=frozenset(session.execute(select(Facility.code)).scalars()),
        reps=dict(session.execute(
            select(Representative.representative_id, Representative.id)).all()),
    )
    named = _IdBits()
    now = clock.now()
    rows = created = 0
    changed: list[int] = []
    for batch in checked_batches(table, known, keyring):
        stored = _stored(session, [row.a_number_index for row in batch.rows])
        inserts: list[Checked] = []
        inserted_tokens: list[Tokens] = []
        updates: list[dict[str, Any]] = []
        retokened: list[tuple[int, Tokens]] = []
        updated_rows: list[Checked] = []
        for row, tokens in zip(batch.rows, batch.tokens or [], strict=True):
            previous = stored.get(row.a_number_index)
            if previous is None:
                inserts.append(row)
                inserted_tokens.append(tokens)
                continue
            pk, digest = previous
            if not named.add(pk):
                raise _duplicate(table, row.number, json.loads(row.pii)["a_number"])
            if digest == row.digest:
                continue
            updates.append({"_id": pk, **dict(zip(CLEAR_COLUMNS, row.values, strict=True)),
                            "record_digest": row.digest,
                            "updated_at": now})
            updated_rows.append(row)
            retokened.append((pk, tokens))
            changed.append(pk)
        for update_, (pii, facts) in zip(updates, _sealed(keyring, [u["_id"] for u in updates],
                                                           updated_rows), strict=True):
            update_.update({PII: pii, SEALED: facts})
        ids = reserve_ids(session, Person, len(inserts))
        for pk in ids:
            named.add(pk)
        _write_persons(session, ids, inserts, _sealed(keyring, ids, inserts), now, updates)
        # The written persons' blocking tokens (computed with the batch's checks, by
        # `person_batches`), in the same transaction (`store.blocking`).
        insert_tokens(session, ids, inserted_tokens)
        write_tokens(session, token_rows([pk for pk, _ in retokened],
                                         [tokens for _, tokens in retokened]), replace=True)
        if batch.error:
            raise RegistryError(batch.error)
        rows += len(batch.rows)
        created += len(inserts)
        progress(len(batch.rows), table.total)
    return rows, created, len(changed), changed


def _sealed(keyring: Keyring, ids: list[int],
            rows: list[Checked]) -> list[tuple[bytes, bytes]]:
    """Each row's person data and case facts sealed for its id (`store.sealing`'s binding),
    a batch at a time."""
    plaintexts: list[bytes] = []
    purposes: list[str] = []
    for pk, row in zip(ids, rows, strict=True):
        plaintexts += (row.pii, row.facts)
        purposes += (row_purpose("persons", pk, PII), row_purpose("persons", pk, SEALED))
    sealed = keyring.seal_many(plaintexts, purposes)
    return list(zip(sealed[::2], sealed[1::2], strict=True))


def _stored(session: Session, indexes: list[str]) -> dict[str, tuple[int, str]]:
    """The stored persons among a batch's A-number blind indexes: index -> (id, digest)."""
    if not indexes:
        return {}
    query = select(Person.a_number_index, Person.id, Person.record_digest)
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter: a batch's 5,000 indexes as 5,000 bound parameters cost more
        # to render and parse (here and in the server) than the lookup itself.
        query = query.where(Person.a_number_index == any_(
            bindparam("indexes", indexes, type_=ARRAY(String))))
    else:
        query = query.where(Person.a_number_index.in_(indexes))
    found = session.execute(query)
    return {index: (pk, digest) for index, pk, digest in found}


def _duplicate(table: Table, number: int, a_number: str) -> RegistryError:
    """The file named this person in an earlier batch: read the file again for the row that
    did (the error path only; nothing is kept of the rows read)."""
    earlier = "an earlier row"
    with open_table(table.path) as again:
        for seen, row in again.rows:
            if seen >= number:
                break
            try:
                if normalize_a_number(row.get("a_number", "")) == a_number:
                    earlier = f"row {seen}"
                    break
            except InvalidANumber:
                continue
    return RegistryError(f"{table.path}, row {number}, field a_number: the same A-number is on "
                         f"{earlier}")


def _write_persons(session: Session, ids: list[int], inserts: list[Checked],
                   sealed: list[tuple[bytes, bytes]], now: datetime,
                   updates: list[dict[str, Any]]) -> None:
    """Core executemany (COPY on PostgreSQL), sealed values included: one statement per batch,
    no per-row flush; the new rows passed a column at a time, no dict per row."""
    persons = cast(DbTable, Person.__table__)
    if inserts:
        clear = list(zip(*(row.values for row in inserts), strict=True))
        piis, facts = zip(*sealed, strict=True)
        insert_columns(session, persons,
                       ["id", *CLEAR_COLUMNS, "record_digest", "created_at", "updated_at", PII,
                        SEALED],
                       [ids, *clear, [row.digest for row in inserts], [now] * len(ids),
                        [now] * len(ids), piis, facts])
    if updates:
        columns = [c for c in updates[0] if c != "_id"]
        session.execute(update(persons).where(persons.c.id == bindparam("_id"))
                        .values({c: bindparam(c) for c in columns}), updates)


def _write(session: Session, model: Any, inserts: list[dict[str, Any]],
           updates: list[dict[str, Any]], to_seal: dict[str, list[dict[str, Any]]]) -> None:
    """Representatives (a small file, written at the end): one round of statements."""
    table = model.__table__
    insert_sealed(session, model, inserts, to_seal)
    if updates:
        columns = [c for c in updates[0] if c != "id"]
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            {c: bindparam(c) for c in columns})
        session.execute(statement, [{**u, "_id": u["id"]} for u in updates])


def _import_representatives(session: Session, table: Table, progress: Progress) -> Imported:
    existing = {
        rep_id: (pk, digest)
        for rep_id, pk, digest in session.execute(
            select(Representative.representative_id, Representative.id,
                   Representative.record_digest)
        ).all()
    }
    seen: set[str] = set()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    to_seal: dict[str, list[dict[str, Any]]] = {PII: []}
    key = digest_key(keyring_of(session))
    rows = 0
    for number, row in table.rows:
        rows += 1
        try:
            rep_id, pii = read_representative_row(row)
        except RowError as exc:
            raise _row_error(table, number, exc) from None
        if rep_id in seen:
            raise RegistryError(f"{table.path}, row {number}, field representative_id: "
                                "appears twice in the file")
        seen.add(rep_id)
        digest = row_digest(key, {"id": rep_id, **pii})
        previous = existing.get(rep_id)
        if previous and previous[1] == digest:
            continue
        values = {
            "representative_id": rep_id,
            "has_email": bool(pii.get("email")),
            "has_address": bool(pii.get("address_line1") and pii.get("city")),
            "record_digest": digest,
            "updated_at": clock.now(),
        }
        if previous:
            updates.append({"id": previous[0], **values,
                            PII: seal_pii(session, "representatives", previous[0], pii)})
        else:
            inserts.append({**values, "created_at": clock.now()})
            to_seal[PII].append(dict(pii))
    progress(rows, rows)
    _write(session, Representative, inserts, updates, to_seal)
    return rows, len(inserts), len(updates), []


def _import_facilities(session: Session, table: Table, progress: Progress) -> Imported:
    existing = {f.code: f for f in session.execute(select(Facility)).scalars()}
    seen: set[str] = set()
    rows = created = updated = 0
    for number, row in table.rows:
        rows += 1
        try:
            values = read_facility_row(row)
        except RowError as exc:
            raise _row_error(table, number, exc) from None
        code = str(values["code"])
        if code in seen:
            raise RegistryError(f"{table.path}, row {number}, field facility_code: "
                                "appears twice in the file")
        seen.add(code)
        facility = existing.get(code)
        if facility is None:
            session.add(Facility(**values))
            created += 1
        elif any(getattr(facility, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(facility, key, value)
            updated += 1
    progress(rows, rows)
    session.flush()
    return rows, created, updated, []
