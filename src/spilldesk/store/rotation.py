"""Key rotation: a new key seals every sealed column and makes every blind index, in one
transaction.

Steps: the new key is added to the key file (not yet used); one transaction opens every
sealed value with the keys the desk holds, seals it again with the new key for the same row
and field, recomputes every blind index with the new index key and records that key's
fingerprint; then the key file names the new key current and index. If the process stops
between the transaction and the last step, the desk still opens with the right index key
(`db.settled_keyring` follows the recorded fingerprint) and a second rotation finishes the job.
Linkage's blocking tokens (`store.blocking`) are keyed from the index key and are made again
with the blind indexes.
Old keys stay in the file so backups sealed with them still open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.store import blocking
from spilldesk.store.audit import record_event
from spilldesk.store.clawback_models import ClawbackRecipient
from spilldesk.store.crypto import Keyring, new_key, write_key_file
from spilldesk.store.db import INDEX, Store, check_index_key, exclusive
from spilldesk.store.models import (
    CaseEvent,
    CustodyDecision,
    DeliveryAttempt,
    DisclosedRecord,
    Person,
    Representative,
)
from spilldesk.store.monitor_models import MonitorFingerprint
from spilldesk.store.people import PII, name_dob_key
from spilldesk.store.sealing import SEALED, open_for_row, seal_for_row

# Every sealed column of the schema: a new one must be listed here to be rotated.
SEALED_COLUMNS: tuple[tuple[Any, str], ...] = (
    (Person, PII), (Person, SEALED), (Representative, PII), (DisclosedRecord, PII),
    (ClawbackRecipient, PII), (CustodyDecision, SEALED), (CaseEvent, SEALED),
    (DeliveryAttempt, SEALED),
)
_BATCH = 2000


@dataclass
class RotationReport:
    old_key: str
    new_key: str
    resealed: dict[str, int] = field(default_factory=dict)
    reindexed: int = 0
    fingerprints_dropped: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"old_key": self.old_key, "new_key": self.new_key, "resealed": self.resealed,
                "reindexed": self.reindexed, "fingerprints_dropped": self.fingerprints_dropped}


def rotate_keys(store: Store, *, actor: str) -> RotationReport:
    """Re-seal and re-index the whole desk with a new key (one transaction)."""
    old = store.keyring
    added = Keyring([*old.keys, new_key()], old.current_key_id, old.index_key_id)
    new_id = added.keys[-1].key_id
    write_key_file(store.settings.key_file, added)  # holds the new key before any data needs it
    fresh = added.using(new_id)
    report = RotationReport(old.current_key_id, new_id)
    with store.session() as session:
        exclusive(session, "keys.rotate")
        check_index_key(session)
        for model, column in SEALED_COLUMNS:
            report.resealed[f"{model.__tablename__}.{column}"] = _reseal(
                session, added, fresh, model, column)
        report.reindexed = _reindex(session, fresh)
        # The leak monitor's fingerprints are made with a key derived from the index key:
        # dropped here, they are made again with the new key by the next `monitor run`.
        report.fingerprints_dropped = session.execute(delete(MonitorFingerprint)).rowcount or 0
        session.execute(text("UPDATE key_fingerprints SET fingerprint = :fingerprint "
                             "WHERE purpose = :purpose"),
                        {"fingerprint": fresh.index_fingerprint(), "purpose": INDEX})
        record_event(session, actor=actor, action="keys.rotate", object_type="key",
                     object_id=new_id, detail=report.as_dict())
    write_key_file(store.settings.key_file, fresh)
    store.keyring = fresh
    return report


def _reseal(session: Session, old: Keyring, new: Keyring, model: Any, column: str) -> int:
    table: Table = model.__table__
    rows = session.execute(select(table.c.id, table.c[column]).where(
        table.c[column].is_not(None)).order_by(table.c.id)).all()
    statement = update(table).where(table.c.id == bindparam("_id")).values(
        {column: bindparam("_blob")})
    for start in range(0, len(rows), _BATCH):
        batch = [{"_id": row_id, "_blob": seal_for_row(
                      new, open_for_row(old, blob, table.name, row_id, column),
                      table.name, row_id, column)}
                 for row_id, blob in rows[start:start + _BATCH]]
        session.execute(statement, batch)
    return len(rows)


def _reindex(session: Session, new: Keyring) -> int:
    """Blind indexes of persons and disclosed records, from their (just re-sealed) fields."""
    persons: Table = cast(Table, Person.__table__)
    records: Table = cast(Table, DisclosedRecord.__table__)
    person_rows = []
    opened: list[tuple[int, dict[str, Any]]] = []
    for row_id, blob in session.execute(select(persons.c.id, persons.c.pii)).all():
        pii = open_for_row(new, blob, persons.name, row_id, PII)
        opened.append((row_id, pii))
        person_rows.append({
            "_id": row_id,
            "_a": new.blind_index("a_number", str(pii["a_number"])),
            "_n": new.blind_index("name_dob", name_dob_key(
                str(pii.get("family_name") or ""), str(pii.get("given_name") or ""),
                pii.get("date_of_birth"))),
        })
    if person_rows:
        # Row digests are keyed too: blank ones make the next import refresh rows in place.
        session.execute(update(persons).where(persons.c.id == bindparam("_id")).values(
            a_number_index=bindparam("_a"), name_dob_index=bindparam("_n"), record_digest=""),
            person_rows)
        session.execute(update(Representative).values(record_digest=""))
    # Linkage's blocking tokens are keyed by a key derived from the index key: made again.
    blocking.rekey(session, new, opened)
    record_rows = []
    for row_id, blob in session.execute(select(records.c.id, records.c.pii)).all():
        fields = open_for_row(new, blob, records.name, row_id, PII)
        try:
            index = new.blind_index("a_number", normalize_a_number(str(fields["a_number"])))
        except (KeyError, InvalidANumber):
            index = None
        record_rows.append({"_id": row_id, "_a": index})
    if record_rows:
        session.execute(update(records).where(records.c.id == bindparam("_id")).values(
            a_number_index=bindparam("_a")), record_rows)
    return len(person_rows) + len(record_rows)
