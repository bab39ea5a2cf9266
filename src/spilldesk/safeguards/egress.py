"""The egress check: screen an outgoing communication to a third party before it is sent.

The Dec 7 lesson: a removal list sent to a foreign government said which listed people had
been in the Nov 28 leak. This check finds the registry persons a communication names, then
flags (a) anyone exposed by an incident, when the text would reveal that status or a
protection claim, and (b) anyone whose removal is not cleared.

Verdict: `block` when (a) and the text reveals status, or (b), or when a file cannot be read
(the gate's verdict `error`: what it holds was not screened); `review` when (a) alone, when
registry persons are named beside words about protection claims, when a person record
cannot be resolved to the registry, or when an embedded object cannot be opened (fail
closed); `pass` otherwise.

Persons are found by A-number (blind index; also A-numbers in free text), else by name + date
of birth (blind index, with the variants lists carry: first surname only, day/month swapped,
family and given swapped), else by probabilistic linkage (`spilldesk.link`) of what is left.
Nothing here prints a person's data: persons are shown by masked A-number and place in file.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.domain.anumber import A_NUMBER_CANDIDATE, InvalidANumber, normalize_a_number
from spilldesk.domain.holds import Clearance, clearance_for
from spilldesk.domain.names import normalize_name, surnames
from spilldesk.link.engine_records import link_record_of
from spilldesk.matching.linkage import registry_frame
from spilldesk.safeguards.clearance import facts_for_people, reason_json
from spilldesk.scan import PersonRecord, ScanError, extract_records
from spilldesk.scan.detectors import REVEALING_WORDS
from spilldesk.scan.pieces import Location
from spilldesk.store.audit import record_event
from spilldesk.store.models import Exposure, Person
from spilldesk.store.people import find_people, name_dob_index
from spilldesk.store.read_sets import persons_named

BLOCK, REVIEW, PASS = "block", "review", "pass"

@dataclass(frozen=True)
class Located:
    """A word found in the communication (`kind`: disclosure | protection) and where."""

    text: str
    kind: str
    place: str


@dataclass
class Communication:
    digest: str
    records: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    a_numbers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    reveals: list[Located] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # why each unread file was not read
    uninspectable: list[str] = field(default_factory=list)  # embedded objects not opened


@dataclass
class Resolution:
    places: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    found_by: dict[int, str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)

    def add(self, person_id: int, place: str, how: str) -> None:
        if place not in self.places[person_id]:
            self.places[person_id].append(place)
        self.found_by.setdefault(person_id, how)


@dataclass(frozen=True)
class NamedPerson:
    """A registry person the communication names, and what that means."""

    person_id: int
    masked_a_number: str
    found_by: str
    places: tuple[str, ...]
    exposed_by: tuple[str, ...]
    clearance: Clearance

    def to_json(self) -> dict[str, Any]:
        until = self.clearance.blocked_until
        return {
            "a_number": self.masked_a_number,
            "found_by": self.found_by,
            "places": list(self.places),
            "exposed_by": list(self.exposed_by),
            "cleared": self.clearance.cleared,
            "blocked_until": None if until is None else until.isoformat(),
            "reasons": [reason_json(r) for r in self.clearance.reasons],
        }


@dataclass
class EgressReport:
    files: list[str]
    recipient: str | None
    on: date
    verdict: str = PASS
    persons: list[NamedPerson] = field(default_factory=list)
    reveals: list[Located] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    uninspectable: list[str] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "recipient": self.recipient,
            "on": self.on.isoformat(),
            "verdict": self.verdict,
            "reasons": self.reasons,
            "persons": [p.to_json() for p in self.persons],
            "reveals": [{"term": r.text, "kind": r.kind, "place": r.place} for r in self.reveals],
            "unresolved_records": self.unresolved,
            "unreadable_files": self.unreadable,
            "uninspectable_objects": self.uninspectable,
        }


def egress_check(
    session: Session,
    paths: Sequence[Path],
    on: date,
    *,
    actor: str,
    recipient: str | None = None,
    tz: ZoneInfo,
    link_unresolved: bool = True,
) -> EgressReport:
    """Judge one communication (a letter and its attachments, read together)."""
    communication = read_communication(paths)
    resolution = resolve_people(session, communication, actor=actor, link=link_unresolved)
    report = EgressReport([str(p) for p in paths], recipient, on)
    report.reveals = communication.reveals
    report.unresolved = resolution.unresolved
    report.unreadable = communication.unreadable
    report.uninspectable = communication.uninspectable
    report.persons = _named_persons(session, resolution, on, tz)
    _judge(report)
    record_event(
        session,
        actor=actor,
        action="egress.check",
        object_type="communication",
        object_id=communication.digest,
        detail={
            "files": [p.name for p in paths],
            "recipient": recipient,
            "verdict": report.verdict,
            "persons": len(report.persons),
            **persons_named(p.person_id for p in report.persons),
            "unresolved": len(report.unresolved),
            "unreadable": len(report.unreadable),
            "reason_codes": sorted({r["code"] for r in report.reasons}),
        },
    )
    return report


# --- reading ----------------------------------------------------------------------------


def read_communication(paths: Sequence[Path]) -> Communication:
    """Person records, A-numbers in any text, and revealing words, from every file (each read
    once, through the gate's own walk, in a worker process); a file the gate cannot read is
    listed, never skipped."""
    digest = hashlib.sha256()
    communication = Communication("")
    for path in paths:
        digest.update(path.read_bytes())
        try:
            extraction = extract_records(path, lines=True)
        except ScanError as exc:
            communication.unreadable.append(str(exc))
            continue
        communication.uninspectable += extraction.uninspectable
        for record in extraction.records:
            communication.records.append((_place_of_record(record), record.fields))
        for line in extraction.lines:
            place = _place(line.location, row=line.row, line=line.line)
            _scan_text(communication, place, line.text)
    communication.digest = digest.hexdigest()
    return communication


def _scan_text(communication: Communication, place: str, text: str) -> None:
    for match in A_NUMBER_CANDIDATE.finditer(text):
        try:
            communication.a_numbers[normalize_a_number(match.group(0))].append(place)
        except InvalidANumber:
            continue
    for hit in REVEALING_WORDS.find(text):
        found = Located(hit.masked, hit.pattern, place)  # the folded word, its pattern
        if found not in communication.reveals:
            communication.reveals.append(found)


def _place(location: Location, *, row: int | None = None, line: int | None = None) -> str:
    parts = [location.path]
    if location.sheet:
        parts.append(f"sheet {location.sheet}")
    if location.page:
        parts.append(f"page {location.page}")
    if row is not None:
        parts.append(f"row {row}")
    if line is not None:
        parts.append(f"line {line}")
    return ", ".join(parts) + (" (hidden)" if location.hidden else "")


def _place_of_record(record: PersonRecord) -> str:
    source = record.source
    location = Location(source.path, source.part, source.sheet, None, source.page, source.hidden)
    return _place(location, row=source.row)


# --- finding registry persons ------------------------------------------------------------


def resolve_people(
    session: Session, communication: Communication, *, actor: str, link: bool
) -> Resolution:
    resolution = Resolution()
    wanted = set(communication.a_numbers)
    wanted |= {f["a_number"] for _, f in communication.records if f.get("a_number")}
    people = find_people(session, wanted)
    for a_number, places in communication.a_numbers.items():
        for place in places:
            if a_number in people:
                resolution.add(people[a_number].id, place, "a_number")
    leftover: list[tuple[str, dict[str, str]]] = []
    for place, fields in communication.records:
        listed = fields.get("a_number")
        if listed and listed in people:
            resolution.add(people[listed].id, place, "a_number")
        elif listed:
            resolution.unresolved.append(place)  # an A-number the registry does not know
        else:
            leftover.append((place, fields))
    leftover = _by_name_and_birth(session, leftover, resolution)
    if leftover and link:
        leftover = _by_linkage(session, leftover, resolution, actor)
    resolution.unresolved += [place for place, _ in leftover]
    return resolution


def _name_dob_variants(fields: dict[str, str]) -> set[tuple[str, str, str]]:
    family, given = fields.get("family_name", ""), fields.get("given_name", "")
    born = fields.get("date_of_birth", "")
    if not (family and born):
        return set()
    births = {born}
    year, month, day = born[:10].split("-")
    if int(day) <= 12 and day != month:
        births.add(f"{year}-{day}-{month}")
    families = {normalize_name(family), *surnames(family)}
    names = {(f, given) for f in families} | {(given, family)}
    return {(f, g, b) for f, g in names for b in births}


def _by_name_and_birth(
    session: Session, records: list[tuple[str, dict[str, str]]], resolution: Resolution
) -> list[tuple[str, dict[str, str]]]:
    """Exact name + date-of-birth matches through the blind index; the rest come back."""
    keys = {
        place: {name_dob_index(session, *v) for v in _name_dob_variants(fields)}
        for place, fields in records
    }
    every = sorted(set().union(*keys.values())) if keys else []
    owners: dict[str, set[int]] = defaultdict(set)
    for start in range(0, len(every), 900):
        query = select(Person.name_dob_index, Person.id).where(
            Person.name_dob_index.in_(every[start : start + 900])
        )
        for index, person_id in session.execute(query):
            owners[index].add(person_id)
    left = []
    for place, fields in records:
        found = set().union(*(owners[k] for k in keys[place])) if keys[place] else set()
        if len(found) == 1:
            resolution.add(found.pop(), place, "name_and_date_of_birth")
        else:
            left.append((place, fields))
    return left


def _by_linkage(
    session: Session,
    records: list[tuple[str, dict[str, str]]],
    resolution: Resolution,
    actor: str,
) -> list[tuple[str, dict[str, str]]]:
    """Probabilistic linkage (one audited bulk read of the registry) for what is left."""
    from spilldesk.link import link_records

    registry = registry_frame(session, actor=actor, purpose="egress check")
    if registry.empty:
        return records
    engine = [link_record_of(n, fields) for n, (_, fields) in enumerate(records)]
    results = link_records(engine, registry, custody_reference_date=None)
    left = []
    for result in results:
        place, fields = records[result.record_id]
        if result.status == "matched" and result.person_id is not None:
            resolution.add(result.person_id, place, "linkage")
        else:
            left.append((place, fields))
    return left


# --- judging -----------------------------------------------------------------------------


def _named_persons(
    session: Session, resolution: Resolution, on: date, tz: ZoneInfo
) -> list[NamedPerson]:
    ids = sorted(resolution.places)
    facts = facts_for_people(session, ids)
    exposures: dict[int, list[str]] = {i: [] for i in ids}
    tails: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        query = select(Exposure.person_id, Exposure.incident_id).where(
            Exposure.person_id.in_(chunk)
        )
        for person_id, incident_id in session.execute(query):
            exposures[person_id].append(incident_id)
        tail_query = select(Person.id, Person.a_number_tail).where(Person.id.in_(chunk))
        tails.update({pid: tail for pid, tail in session.execute(tail_query)})
    return [
        NamedPerson(
            i,
            f"A*****{tails[i]}",
            resolution.found_by[i],
            tuple(resolution.places[i]),
            tuple(sorted(exposures[i])),
            clearance_for(facts[i], on, tz),
        )
        for i in ids
    ]


def _judge(report: EgressReport) -> None:
    words = sorted({r.text for r in report.reveals})
    claims = sorted({r.text for r in report.reveals if r.kind == "protection"})
    exposed = [p.masked_a_number for p in report.persons if p.exposed_by]
    blocked = [p.masked_a_number for p in report.persons if not p.clearance.cleared]
    named = [p.masked_a_number for p in report.persons]
    on = report.on.isoformat()
    rules = [
        (
            bool(exposed and words),
            "reveals_exposure_status",
            BLOCK,
            exposed,
            f"names {len(exposed)} person(s) exposed by an incident and says: {', '.join(words)}",
        ),
        (
            bool(blocked),
            "not_cleared",
            BLOCK,
            blocked,
            f"{len(blocked)} named person(s) may not be removed on {on}",
        ),
        (
            bool(exposed and not words),
            "exposed_person_named",
            REVIEW,
            exposed,
            f"names {len(exposed)} person(s) exposed by an incident: nothing may reveal that",
        ),
        (
            bool(claims and named and not exposed),
            "protection_claim_words",
            REVIEW,
            named,
            f"names registry persons beside words about protection claims: {', '.join(claims)}",
        ),
        (
            bool(report.unresolved),
            "unresolved_record",
            REVIEW,
            [],
            f"{len(report.unresolved)} person record(s) not tied to one registry person: "
            "check them by hand",
        ),
    ]
    rules += [
        (
            bool(report.unreadable),
            "unreadable_file",
            BLOCK,
            [],
            f"{len(report.unreadable)} file(s) could not be read, so nothing in them was "
            f"screened: {'; '.join(report.unreadable)}",
        ),
        (
            bool(report.uninspectable),
            "uninspectable_object",
            REVIEW,
            [],
            f"{len(report.uninspectable)} embedded object(s) the gate cannot open: check them "
            f"by hand ({', '.join(report.uninspectable)})",
        ),
    ]
    report.reasons = [
        {"code": code, "level": level, "text": text, "persons": persons}
        for applies, code, level, persons, text in rules
        if applies
    ]
    levels = {r["level"] for r in report.reasons}
    report.verdict = BLOCK if BLOCK in levels else REVIEW if REVIEW in levels else PASS
