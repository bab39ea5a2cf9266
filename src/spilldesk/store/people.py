"""Sealing and opening person data; blind-index lookups; audited reads.

Only this module turns a `Person.pii` / `Representative.pii` / `DisclosedRecord.pii` /
`ClawbackRecipient.pii` ciphertext into plaintext, and every such read is an audit event (one
event for a bulk read). Each ciphertext is bound to its table, row and field
(`store.sealing`), so a row's sealed data cannot be swapped with another's unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.domain.anumber import mask_a_number, normalize_a_number
from spilldesk.domain.names import normalize_name
from spilldesk.store.audit import record_event
from spilldesk.store.crypto import Keyring
from spilldesk.store.db import keyring_of
from spilldesk.store.models import DisclosedRecord, Person, Representative
from spilldesk.store.read_sets import persons_named
from spilldesk.store.sealing import open_for_row, seal_for_row

if TYPE_CHECKING:  # only a clawback's callers load its tables (not `clearance`, say)
    from spilldesk.store.clawback_models import ClawbackRecipient

PII = "pii"


@dataclass(frozen=True)
class PersonPII:
    """What `Person.pii` seals."""

    a_number: str
    family_name: str
    given_name: str
    date_of_birth: str | None = None  # ISO
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    address_country: str | None = None  # ISO alpha-3; None or USA means a US address

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> PersonPII:
        # The field names once, not per person: linkage opens hundreds of thousands.
        return cls(**{k: v for k, v in data.items() if k in _PERSON_FIELDS})  # type: ignore[arg-type]


_PERSON_FIELDS = frozenset(f.name for f in fields(PersonPII))


@dataclass(frozen=True)
class RepresentativePII:
    name: str
    organization: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    email: str | None = None
    phone: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RepresentativePII:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})  # type: ignore[arg-type]


@dataclass(frozen=True)
class RecipientContact:
    """What `ClawbackRecipient.pii` seals: whom to write to at the recipient's organisation
    (often a named person, so it is kept like one)."""

    contact: str | None = None
    address_lines: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RecipientContact:
        lines = data.get("address_lines") or ()
        return cls(contact=_text(data.get("contact")),
                   address_lines=tuple(str(x) for x in lines) if isinstance(lines, list) else (),
                   email=_text(data.get("email")), phone=_text(data.get("phone")))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# --- blind indexes ------------------------------------------------------------------------------


def a_number_index(session: Session, a_number: str) -> str:
    return keyring_of(session).blind_index("a_number", normalize_a_number(a_number))


def name_dob_key(family: str, given: str, dob: date | str | None) -> str:
    """The normalised text behind the name + date-of-birth blind index."""
    return f"{_normalized(family)}|{_normalized(given)}|{dob or ''}"


# Names repeat across a registry (an import makes a million of these keys): each distinct
# name is normalised once per process, within a bound.
_normalized = lru_cache(maxsize=1 << 16)(normalize_name)


def name_dob_index(session: Session, family: str, given: str, dob: date | str | None) -> str:
    return keyring_of(session).blind_index("name_dob", name_dob_key(family, given, dob))


def find_person(session: Session, a_number: str) -> Person | None:
    """Look a person up by A-number without decrypting anything."""
    index = a_number_index(session, a_number)
    query = select(Person).where(Person.a_number_index == index)
    return session.execute(query).scalar_one_or_none()


def find_people(session: Session, a_numbers: Iterable[str]) -> dict[str, Person]:
    """Bulk lookup: normalised A-number → Person for those in the registry."""
    keyring = keyring_of(session)
    by_index = {keyring.blind_index("a_number", a): a for a in a_numbers}
    found: dict[str, Person] = {}
    keys = list(by_index)
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        query = select(Person).where(Person.a_number_index.in_(chunk))
        for person in session.execute(query).scalars():
            found[by_index[person.a_number_index]] = person
    return found


# --- sealing ------------------------------------------------------------------------------------


def seal_pii(session: Session, table: str, row_id: int, payload: dict[str, Any]) -> bytes:
    """Seal a row's `pii` for that row only (its primary key is part of the binding)."""
    return seal_for_row(keyring_of(session), dict(payload), table, row_id, PII)


def _open(keyring: Keyring, row: Any) -> dict[str, Any]:
    return open_for_row(keyring, row.pii, row.__tablename__, row.id, PII)


def seal_recipient_contact(session: Session, recipient: ClawbackRecipient,
                           contact: RecipientContact) -> None:
    if recipient.id is None:
        session.flush()  # the row's key is part of what the ciphertext is bound to
    recipient.pii = seal_pii(session, recipient.__tablename__, recipient.id, {
        "contact": contact.contact, "address_lines": list(contact.address_lines),
        "email": contact.email, "phone": contact.phone})


# --- audited reads ------------------------------------------------------------------------------


def read_person(session: Session, person: Person, *, actor: str, purpose: str) -> PersonPII:
    """Open one person's data; the read is audited with its purpose."""
    record_event(
        session, actor=actor, action="person.read", object_type="person",
        object_id=person.id, detail={"purpose": purpose},
    )
    return PersonPII.from_dict(_open(keyring_of(session), person))


def read_people(
    session: Session, people: Sequence[Person], *, actor: str, purpose: str
) -> dict[int, PersonPII]:
    """Open many persons' data in one audited bulk read (the event lists who, not what)."""
    keyring = keyring_of(session)
    record_event(
        session, actor=actor, action="person.bulk_read", object_type="person",
        object_id=None, detail={"purpose": purpose, **persons_named(p.id for p in people)},
    )
    return {p.id: PersonPII.from_dict(_open(keyring, p)) for p in people}


def read_registry(
    session: Session, person_ids: Sequence[int] | None, *, actor: str, purpose: str
) -> list[tuple[int, PersonPII, dict[str, Any]]]:
    """Open registry persons' data and case facts (all, or `person_ids`), in id order, in one
    audited bulk read (the event lists who and how many, not what)."""
    ids, piis, facts = open_registry(session, person_ids, actor=actor, purpose=purpose)
    return [(pk, PersonPII.from_dict(pii), fact)
            for pk, pii, fact in zip(ids, piis, facts, strict=True)]


def open_registry(
    session: Session, person_ids: Sequence[int] | None, *, actor: str, purpose: str
) -> tuple[list[int], list[dict[str, Any]], list[dict[str, Any]]]:
    """`read_registry` as three lists: the persons' ids, their opened data (`PersonPII`'s
    fields) and their case facts. Rows are read at the core, not as objects, and opened in
    bulk: linkage opens hundreds of thousands at a time."""
    from spilldesk.store import blocking
    from spilldesk.store.sealing import SEALED, open_rows

    persons = Person.__table__
    query = select(persons.c.id, persons.c.pii, persons.c.sealed).order_by(persons.c.id)
    if person_ids is not None:
        ids = blocking.with_ids(session, sorted(set(person_ids)))
        query = query.join(ids, ids.c.id == persons.c.id)
    try:
        rows = session.execute(query).all()
    finally:
        if person_ids is not None:
            blocking.drop_ids(session)
    record_event(
        session, actor=actor, action="person.bulk_read", object_type="person",
        object_id=None, detail={"purpose": purpose, **persons_named(row[0] for row in rows)},
    )
    keyring = keyring_of(session)
    table = persons.name
    piis = open_rows(keyring, [(pk, pii) for pk, pii, _ in rows], table, PII)
    facts = open_rows(keyring, [(pk, sealed) for pk, _, sealed in rows], table, SEALED)
    return [row[0] for row in rows], piis, facts


def a_numbers_for(
    session: Session, person_ids: Iterable[int], *, reveal: bool, actor: str, purpose: str
) -> dict[int, str]:
    """Each person's A-number as a list shows it: masked from the stored tail, or whole
    (`--show-a-numbers`: one audited bulk read naming the purpose)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    people: list[Person] = []
    ids = sorted(wanted)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        people += session.execute(select(Person).where(Person.id.in_(chunk))).scalars()
    if reveal:
        opened = read_people(session, people, actor=actor, purpose=purpose)
        return {p.id: opened[p.id].a_number for p in people}
    return {p.id: mask_a_number("A" + p.a_number_tail.rjust(9, "0")) for p in people}


def read_representatives(
    session: Session, reps: Sequence[Representative], *, actor: str, purpose: str
) -> dict[int, RepresentativePII]:
    keyring = keyring_of(session)
    record_event(
        session, actor=actor, action="representative.bulk_read", object_type="representative",
        object_id=None, detail={"purpose": purpose, "count": len(reps)},
    )
    return {r.id: RepresentativePII.from_dict(_open(keyring, r)) for r in reps}


def read_records(
    session: Session, records: Sequence[DisclosedRecord], *, actor: str, purpose: str
) -> dict[int, dict[str, str]]:
    """Open disclosed records' fields (they are person data too)."""
    keyring = keyring_of(session)
    record_event(
        session, actor=actor, action="disclosed_record.bulk_read", object_type="disclosed_record",
        object_id=None, detail={"purpose": purpose, "count": len(records)},
    )
    return {r.id: {k: str(v) for k, v in _open(keyring, r).items()} for r in records}


def read_recipient_contacts(
    session: Session, recipients: Sequence[ClawbackRecipient], *, actor: str, purpose: str
) -> dict[int, RecipientContact]:
    """Open clawback recipients' contact details in one audited read (no contact: empty)."""
    keyring = keyring_of(session)
    sealed = [r for r in recipients if r.pii is not None]
    if sealed:
        record_event(
            session, actor=actor, action="clawback_recipient.bulk_read",
            object_type="clawback_recipient", object_id=None,
            detail={"purpose": purpose, "count": len(sealed)},
        )
    contacts = {r.id: RecipientContact() for r in recipients}
    contacts.update({r.id: RecipientContact.from_dict(_open(keyring, r))
                     for r in sealed if r.pii is not None})
    return contacts


def people_with_facts(session: Session, person_ids: Sequence[int], **wanted: str | None
                      ) -> list[int]:
    """The ids (in the order given) of persons whose sealed case facts equal `wanted`
    (`posture=`, `facility_code=`, ...; None matches anything). The facts are opened in
    memory: no query can filter on them."""
    conditions = {name: value for name, value in wanted.items() if value is not None}
    matching: set[int] = set()
    ids = list(person_ids)
    for start in range(0, len(ids), 900):
        query = select(Person).where(Person.id.in_(ids[start : start + 900]))
        for person in session.execute(query).scalars():
            if all(getattr(person, name) == value for name, value in conditions.items()):
                matching.add(person.id)
    return [pid for pid in ids if pid in matching]


def add_disclosed_record(session: Session, fields_: dict[str, str], **columns: Any
                         ) -> DisclosedRecord:
    """One disclosed record (bulk ingestion uses `sealing.insert_sealed`): stored, then its
    fields sealed for its own row."""
    record = DisclosedRecord(pii=b"", **columns)
    session.add(record)
    session.flush()
    record.pii = seal_pii(session, DisclosedRecord.__tablename__, record.id, fields_)
    return record
