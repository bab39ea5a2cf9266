"""Keyed fingerprints of the persons an incident exposed: what the monitor compares, instead of
their names, dates of birth and A-numbers.

A fingerprint is HMAC-SHA256, under the monitor's own key (`Keyring.fingerprint_key`), of a
normalised identifier: the nine digits of an A-number, or one word of a name with a date of
birth (`GARCIA|1988-03-04`). Each name word is kept with its role (family or given name): a
document matches a person on name and date of birth only when a word of the family name *and*
another word of the given name sit beside the same date. A name alone never matches, nor a
namesake born on another day, nor anyone this incident did not expose (only its exposures are
fingerprinted).

`digests.digest` is the one home of the message format: the candidates read from a document
are hashed with it (in the worker that reads the document), the persons' data here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from spilldesk.errors import NotFound, ServiceError
from spilldesk.monitor.digests import A_NUMBER, NAME_DOB, a_number_digits, digest, name_words
from spilldesk.store.audit import record_event
from spilldesk.store.db import keyring_of
from spilldesk.store.models import Exposure, Person
from spilldesk.store.monitor_models import MonitorFingerprint
from spilldesk.store.people import PersonPII, read_people

FAMILY, GIVEN, IDENTIFIER = "family", "given", "id"


class MonitorError(ServiceError):
    """Monitoring cannot go on: an unknown incident, nobody exposed yet, no usable source."""


class MonitorNotFound(MonitorError, NotFound):
    """No incident (or run) of that id."""

    status = NotFound.status


def person_fingerprints(key: bytes, pii: PersonPII) -> set[tuple[str, str, str]]:
    """(kind, role, digest) of one person."""
    made: set[tuple[str, str, str]] = set()
    digits = a_number_digits(pii.a_number)
    if digits:
        made.add((A_NUMBER, IDENTIFIER, digest(key, A_NUMBER, digits)))
    if pii.date_of_birth:
        for role, name in ((FAMILY, pii.family_name), (GIVEN, pii.given_name)):
            for word in name_words(name or ""):
                made.add((NAME_DOB, role, digest(key, NAME_DOB, f"{word}|{pii.date_of_birth}")))
    return made


@dataclass
class Fingerprints:
    """An incident's fingerprints in memory: digest → persons (with the name word's role)."""

    incident: str
    persons: int = 0
    a_numbers: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, set[tuple[int, str]]] = field(default_factory=lambda: defaultdict(set))
    own_a_number: dict[int, str] = field(default_factory=dict)

    def match(self, ids: frozenset[str], names: frozenset[str]) -> dict[int, set[str]]:
        """Persons a group of candidate digests matches, with what matched.

        A name with a date of birth matches only when the group carries no A-number, or
        carries the person's own: a row that names someone with another A-number is about
        someone else (a namesake born the same day)."""
        found: dict[int, set[str]] = defaultdict(set)
        for value in ids:
            for person in self.a_numbers.get(value, ()):
                found[person].add(A_NUMBER)
        words: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for value in names:
            for person, role in self.names.get(value, ()):
                words[person][role].add(value)
        for person, roles in words.items():
            family, given = roles.get(FAMILY, set()), roles.get(GIVEN, set())
            conflicting = bool(ids) and self.own_a_number.get(person) not in ids
            if family and given and len(family | given) >= 2 and not conflicting:
                found[person].add(NAME_DOB)
        return dict(found)


def exposed_person_ids(session: Session, incident: str) -> set[int]:
    query = select(Exposure.person_id).where(Exposure.incident_id == incident)
    return set(session.execute(query).scalars())


def refresh_fingerprints(session: Session, incident: str, *, actor: str) -> int:
    """Fingerprint every person the incident exposed that has none yet (one audited bulk read)
    and drop those of persons no longer exposed; returns how many persons were added."""
    exposed = exposed_person_ids(session, incident)
    have_query = select(MonitorFingerprint.person_id).where(
        MonitorFingerprint.incident_id == incident).distinct()
    have = set(session.execute(have_query).scalars())
    gone = have - exposed
    if gone:
        session.execute(delete(MonitorFingerprint).where(
            MonitorFingerprint.incident_id == incident,
            MonitorFingerprint.person_id.in_(sorted(gone))))
    missing = sorted(exposed - have)
    if not missing:
        return 0
    key = keyring_of(session).fingerprint_key()
    added = 0
    for start in range(0, len(missing), 900):
        people = list(session.execute(
            select(Person).where(Person.id.in_(missing[start:start + 900]))).scalars())
        opened = read_people(session, people, actor=actor, purpose="monitor fingerprints")
        rows = [{"incident_id": incident, "person_id": pid, "kind": kind, "role": role,
                 "digest": value}
                for pid, pii in opened.items()
                for kind, role, value in person_fingerprints(key, pii)]
        if rows:
            session.execute(insert(MonitorFingerprint), rows)
        added += len(opened)
    record_event(session, actor=actor, action="monitor.fingerprints", object_type="incident",
                 object_id=incident, detail={"added": added, "removed": len(gone)})
    return added


def load_fingerprints(session: Session, incident: str) -> Fingerprints:
    prints = Fingerprints(incident)
    query = select(MonitorFingerprint.person_id, MonitorFingerprint.kind,
                   MonitorFingerprint.role, MonitorFingerprint.digest).where(
        MonitorFingerprint.incident_id == incident)
    persons: set[int] = set()
    for person, kind, role, value in session.execute(query):
        persons.add(person)
        if kind == A_NUMBER:
            prints.a_numbers[value].add(person)
            prints.own_a_number[person] = value
        else:
            prints.names[value].add((person, role))
    prints.persons = len(persons)
    return prints
