"""Registry import: persons, representatives and facilities from CSV, XLSX or Parquet.

All-or-nothing (one transaction; the first bad row stops it and changes nothing), idempotent
by A-number (a re-import updates changed persons in place and leaves the rest untouched), and
person data sealed on the way in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.planning import replan_people
from spilldesk.errors import ServiceError
from spilldesk.intake.registry_rows import (
    COLUMNS,
    RowError,
    read_facility_row,
    read_person_row,
    read_representative_row,
)
from spilldesk.intake.tabular import Table, TableError, read_table
from spilldesk.store.audit import record_event
from spilldesk.store.crypto import KeyFileError
from spilldesk.store.db import check_index_key, keyring_of
from spilldesk.store.models import Facility, Person, Representative
from spilldesk.store.people import PII, name_dob_key, seal_pii
from spilldesk.store.sealing import SEALED, insert_sealed, seal_for_row, sealed_fields

KINDS = tuple(COLUMNS)
Progress = Callable[[int, int], None]  # (rows just done, rows in the file)


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
        table = read_table(path)
    except TableError as exc:
        raise RegistryError(str(exc)) from None
    kind = kind or guess_kind(table.header)
    if kind not in COLUMNS:
        raise RegistryError(f"unknown kind {kind!r} (use persons, representatives or facilities)")
    _check_columns(table, kind)
    importer = {"persons": _import_persons, "representatives": _import_representatives,
                "facilities": _import_facilities}[kind]
    created, updated, changed = importer(session, table, progress or (lambda _d, _t: None))
    replanned = replan_people(session, changed, actor=actor, tz=tz)
    report = ImportReport(kind, path.name, len(table.rows), created, updated,
                          len(table.rows) - created - updated, replanned)
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


def _digest(session: Session, values: dict[str, Any]) -> str:
    """A keyed digest of a row, so unchanged rows are recognised without decrypting."""
    body = json.dumps(values, sort_keys=True, default=str).encode()
    key = keyring_of(session).blind_index("row", "digest").encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


Imported = tuple[int, int, list[int]]  # created, updated, persons whose facts changed


def _import_persons(session: Session, table: Table, progress: Progress) -> Imported:
    keyring = keyring_of(session)
    facilities = set(session.execute(select(Facility.code)).scalars())
    reps = dict(session.execute(select(Representative.representative_id, Representative.id)).all())
    existing = {
        index: (pid, digest)
        for index, pid, digest in session.execute(
            select(Person.a_number_index, Person.id, Person.record_digest)
        ).all()
    }
    seen: dict[str, int] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    to_seal: dict[str, list[dict[str, Any]]] = {PII: [], SEALED: []}
    now = clock.now()
    for count, (number, row) in enumerate(table.rows, start=1):
        try:
            person = read_person_row(row)
        except RowError as exc:
            raise _row_error(table, number, exc) from None
        if person.a_number in seen:
            raise RegistryError(f"{table.path}, row {number}, field a_number: the same A-number "
                                f"is on row {seen[person.a_number]}")
        seen[person.a_number] = number
        if person.facility_code and person.facility_code not in facilities:
            raise RegistryError(f"{table.path}, row {number}, field facility_code: unknown "
                                "facility (import facilities first)")
        rep_pk = None
        if person.representative_id:
            rep_pk = reps.get(person.representative_id)
            if rep_pk is None:
                raise RegistryError(f"{table.path}, row {number}, field representative_id: "
                                    "unknown representative (import representatives first)")
        values = _person_values(person, rep_pk)
        digest = _digest(session, {**values, **person.pii})
        index = keyring.blind_index("a_number", person.a_number)
        previous = existing.get(index)
        if previous and previous[1] == digest:
            continue
        facts = {name: values.pop(name) for name in sealed_fields(Person)}
        values.update(
            a_number_index=index,
            name_dob_index=_name_dob(keyring, person.pii),
            a_number_tail=person.a_number[-4:],
            record_digest=digest,
            updated_at=now,
        )
        if previous:
            pk = previous[0]
            updates.append({"id": pk, **values, PII: seal_pii(session, "persons", pk, person.pii),
                            SEALED: seal_for_row(keyring, facts, "persons", pk, SEALED)})
        else:
            inserts.append({**values, "created_at": now})
            to_seal[PII].append(dict(person.pii))
            to_seal[SEALED].append(facts)
        if count % 2000 == 0:
            progress(2000, len(table.rows))
    progress(len(table.rows) % 2000, len(table.rows))
    _write(session, Person, inserts, updates, to_seal)
    return len(inserts), len(updates), [u["id"] for u in updates]


def _write(session: Session, model: Any, inserts: list[dict[str, Any]],
           updates: list[dict[str, Any]], to_seal: dict[str, list[dict[str, Any]]]) -> None:
    """Core executemany: one round of statements, not an ORM flush per row."""
    table = model.__table__
    insert_sealed(session, model, inserts, to_seal)
    if updates:
        columns = [c for c in updates[0] if c != "id"]
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            {c: bindparam(c) for c in columns})
        session.execute(statement, [{**u, "_id": u["id"]} for u in updates])


def _person_values(person: Any, rep_pk: int | None) -> dict[str, Any]:
    values = dict(person.attributes)  # dates stay ISO text: they are sealed
    values["facility_code"] = person.facility_code
    values["representative_id"] = rep_pk
    return values


def _name_dob(keyring: Any, pii: dict[str, str | None]) -> str:
    key = name_dob_key(pii["family_name"] or "", pii["given_name"] or "", pii["date_of_birth"])
    return str(keyring.blind_index("name_dob", key))


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
    for number, row in table.rows:
        try:
            rep_id, pii = read_representative_row(row)
        except RowError as exc:
            raise _row_error(table, number, exc) from None
        if rep_id in seen:
            raise RegistryError(f"{table.path}, row {number}, field representative_id: "
                                "appears twice in the file")
        seen.add(rep_id)
        digest = _digest(session, {"id": rep_id, **pii})
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
    progress(len(table.rows), len(table.rows))
    _write(session, Representative, inserts, updates, to_seal)
    return len(inserts), len(updates), []


def _import_facilities(session: Session, table: Table, progress: Progress) -> Imported:
    existing = {f.code: f for f in session.execute(select(Facility)).scalars()}
    seen: set[str] = set()
    created = updated = 0
    for number, row in table.rows:
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
    progress(len(table.rows), len(table.rows))
    session.flush()
    return created, updated, []
