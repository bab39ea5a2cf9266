"""Hits: documents that carry an incident's leaked records, with their evidence and persons.

A hit is recorded once per source and content (SHA-256 of the bytes fetched): seen again by a
later run it is the same hit, its `last_seen` moved on. A new hit opens a task for the privacy
office (`request_takedown`) and shows on each matched person's timeline. Where in the document
the records were is sealed; every read of hits is audited, and A-numbers are shown only
through an audited read of the persons (`show_a_numbers`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.tasks import open_task
from spilldesk.monitor.candidates import Group
from spilldesk.monitor.fingerprints import Fingerprints, MonitorNotFound
from spilldesk.playbook.plan_json import masked
from spilldesk.store.audit import record_event
from spilldesk.store.db import keyring_of
from spilldesk.store.models import Incident, Person
from spilldesk.store.monitor_models import MonitorHit, MonitorHitPerson
from spilldesk.store.people import read_people
from spilldesk.store.read_sets import persons_named

EVIDENCE = "monitor_hit"
TAKEDOWN = "request_takedown"
TAKEDOWN_DAYS = 2
MAX_LOCATIONS = 200


@dataclass(frozen=True)
class Matched:
    """What one document matched: persons (id → what matched) and where."""

    persons: dict[int, set[str]]
    locations: list[dict[str, object]]


def match_groups(prints: Fingerprints, groups: list[Group]) -> Matched:
    persons: dict[int, set[str]] = {}
    locations = []
    for group in groups:
        found = prints.match(group.ids, group.names)
        if found:
            for person, what in found.items():
                persons.setdefault(person, set()).update(what)
            locations.append({**group.where, "persons": len(found)})
    return Matched(persons, locations)


def record_hit(session: Session, incident: str, source: str, sha256: str, size: int,
               matched: Matched, *, run_id: int, actor: str) -> tuple[MonitorHit, bool]:
    """The hit for this source and content: new (sealed, task opened, audited) or seen again."""
    now = clock.now()
    query = select(MonitorHit).where(MonitorHit.incident_id == incident,
                                     MonitorHit.source == source,
                                     MonitorHit.evidence_sha256 == sha256)
    hit = session.execute(query).scalar_one_or_none()
    if hit is not None:
        hit.last_seen, hit.last_run_id = now, run_id
        return hit, False
    count = session.execute(select(func.count()).select_from(MonitorHit).where(
        MonitorHit.incident_id == incident)).scalar_one()
    kinds = Counter(kind for what in matched.persons.values() for kind in what)
    sealed = keyring_of(session).seal({"locations": matched.locations[:MAX_LOCATIONS],
                                       "places": len(matched.locations)}, EVIDENCE)
    hit = MonitorHit(reference=f"{incident}-LEAK-{count + 1:04d}", incident_id=incident,
                     source=source, evidence_sha256=sha256, evidence=sealed, size=size,
                     person_count=len(matched.persons), matched_on=dict(sorted(kinds.items())),
                     first_seen=now, last_seen=now, first_run_id=run_id, last_run_id=run_id)
    hit.persons = [MonitorHitPerson(person_id=person, matched_on=sorted(what))
                   for person, what in sorted(matched.persons.items())]
    session.add(hit)
    session.flush()
    task = open_task(session, key=f"monitor|{hit.reference}", action=TAKEDOWN,
                     component="PRIVACY", due=(now + timedelta(days=TAKEDOWN_DAYS)).date(),
                     incidents=[incident], actor=actor, subject=f"leak hit {hit.reference}")
    hit.task_id = task.id
    record_event(session, actor=actor, action="monitor.hit", object_type="monitor_hit",
                 object_id=hit.id, detail={"reference": hit.reference, "incident": incident,
                                           "persons": hit.person_count,
                                           **persons_named(p.person_id for p in hit.persons)})
    return hit, True


def seen_again(session: Session, incident: str, source: str, run_id: int) -> list[MonitorHit]:
    """A source unchanged since the last check (HTTP 304): its hits are still there."""
    query = select(MonitorHit).where(MonitorHit.incident_id == incident,
                                     MonitorHit.source == source)
    hits = list(session.execute(query).scalars())
    for hit in hits:
        hit.last_seen, hit.last_run_id = clock.now(), run_id
    return hits


def hits_of(session: Session, incident: str, *, run_id: int | None = None) -> list[MonitorHit]:
    if session.get(Incident, incident) is None:
        raise MonitorNotFound(f"incident {incident}: not found")
    query = select(MonitorHit).where(MonitorHit.incident_id == incident)
    if run_id is not None:
        query = query.where(MonitorHit.last_run_id == run_id)
    return list(session.execute(query.order_by(MonitorHit.id)).scalars())


def hit_views(session: Session, hits: list[MonitorHit], *, actor: str, purpose: str,
              show_a_numbers: bool = False) -> list[dict[str, Any]]:
    """Hits as the CLI, the API and the page show them (an audited read)."""
    if not hits:
        return []
    keyring = keyring_of(session)
    person_ids = sorted({p.person_id for hit in hits for p in hit.persons})
    people = {p.id: p for p in session.execute(
        select(Person).where(Person.id.in_(person_ids))).scalars()} if person_ids else {}
    record_event(session, actor=actor, action="monitor_hit.bulk_read",
                 object_type="monitor_hit", object_id=None,
                 detail={"purpose": purpose, "count": len(hits), "persons": len(person_ids),
                         "a_numbers_shown": show_a_numbers})
    numbers: dict[int, str] = {}
    if show_a_numbers and people:
        opened = read_people(session, list(people.values()), actor=actor, purpose=purpose)
        numbers = {pid: pii.a_number for pid, pii in opened.items()}
    views = []
    for hit in hits:
        evidence = keyring.open(hit.evidence, EVIDENCE)
        locations = evidence.get("locations") or []
        views.append({
            "reference": hit.reference, "source": hit.source,
            "location": locations[0] if isinstance(locations, list) and locations else None,
            "locations": locations, "places": evidence.get("places", 0),
            "persons": [{"a_number": numbers.get(p.person_id)
                         or _masked(people.get(p.person_id)),
                         "matched_on": p.matched_on} for p in hit.persons],
            "person_count": hit.person_count, "matched_on": hit.matched_on,
            "evidence_sha256": hit.evidence_sha256, "size": hit.size,
            "first_seen": _iso(hit.first_seen), "last_seen": _iso(hit.last_seen),
            "task_id": hit.task_id,
        })
    return views


def person_hits(session: Session, person_id: int) -> list[dict[str, Any]]:
    """The hits that found this person (for their file and timeline; no document text)."""
    query = (select(MonitorHit, MonitorHitPerson.matched_on)
             .join(MonitorHitPerson, MonitorHitPerson.hit_id == MonitorHit.id)
             .where(MonitorHitPerson.person_id == person_id).order_by(MonitorHit.first_seen))
    return [{"reference": hit.reference, "incident": hit.incident_id, "source": hit.source,
             "matched_on": matched_on, "first_seen": _iso(hit.first_seen),
             "last_seen": _iso(hit.last_seen)} for hit, matched_on in session.execute(query)]


def _masked(person: Person | None) -> str:
    return masked(person.a_number_tail) if person else "unknown"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
