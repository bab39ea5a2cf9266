"""Removal holds: placing them (planning's `place_removal_hold`), extending and listing them.

A hold belongs to a person and an incident; an extension belongs to the incident and so
applies to every held person of it at once, including those whose hold had already ended.
How long a hold lasts is decided in one place, `spilldesk.domain.holds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk.errors import NotFound, ServiceError
from spilldesk.safeguards.clearance import clearances_of, reason_json
from spilldesk.store.audit import record_event
from spilldesk.store.models import HoldExtension, Incident, Person, RemovalHold
from spilldesk.store.people import a_numbers_for


class HoldError(ServiceError):
    """A hold or extension request that cannot be carried out (the message says why)."""


class HoldIncidentNotFound(HoldError, NotFound):
    """No incident of that id."""

    status = NotFound.status


@dataclass(frozen=True)
class HeldPerson:
    person_id: int
    a_number: str  # masked A*****1234 unless the list was asked to show whole ones
    placed_at: datetime
    released_at: datetime | None
    cleared: bool
    blocked_until: date | None
    reasons: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "a_number": self.a_number,
            "placed_at": self.placed_at.isoformat(),
            "released_at": None if self.released_at is None else self.released_at.isoformat(),
            "cleared": self.cleared,
            "blocked_until": None if self.blocked_until is None else self.blocked_until.isoformat(),
            "reasons": list(self.reasons),
        }


def place_removal_hold(
    session: Session, *, incident_id: str, person_id: int, actor: str
) -> RemovalHold:
    """Hold a person with an unexecuted final order for an incident; idempotent."""
    query = select(RemovalHold).where(
        RemovalHold.incident_id == incident_id, RemovalHold.person_id == person_id
    )
    existing = session.execute(query).scalar_one_or_none()
    if existing is not None:
        return existing
    _incident(session, incident_id)
    hold = RemovalHold(incident_id=incident_id, person_id=person_id, placed_by=actor)
    session.add(hold)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="removal_hold.place",
        object_type="person",
        object_id=person_id,
        detail={"incident": incident_id, "hold_id": hold.id},
    )
    return hold


def extend_holds(
    session: Session,
    incident_id: str,
    *,
    days: int | None = None,
    until: date | None = None,
    indefinite: bool = False,
    reason: str,
    actor: str,
) -> HoldExtension:
    """Extend every removal hold of an incident: by days, to a date (inclusive), or indefinitely."""
    _incident(session, incident_id)
    given = (days is not None) + (until is not None) + bool(indefinite)
    if given != 1:
        raise HoldError("give exactly one of --days, --until, --indefinite")
    if days is not None and days <= 0:
        raise HoldError(f"--days must be a positive number of days, not {days}")
    if not reason.strip():
        raise HoldError("--reason is required: say why the holds are extended")
    kind = "days" if days is not None else "until" if until is not None else "indefinite"
    extension = HoldExtension(
        incident_id=incident_id,
        kind=kind,
        days=days,
        until=until,
        reason=reason.strip(),
        created_by=actor,
    )
    session.add(extension)
    session.flush()
    held = session.execute(
        select(func.count())
        .select_from(RemovalHold)
        .where(RemovalHold.incident_id == incident_id, RemovalHold.released_at.is_(None))
    ).scalar_one()
    record_event(
        session,
        actor=actor,
        action="hold.extend",
        object_type="incident",
        object_id=incident_id,
        detail={
            "extension_id": extension.id,
            "kind": kind,
            "days": days,
            "until": None if until is None else until.isoformat(),
            "held_persons": held,
        },
    )
    return extension


def list_holds(
    session: Session,
    incident_id: str,
    on: date,
    *,
    actor: str,
    tz: ZoneInfo,
    reveal_a_numbers: bool = False,
) -> list[HeldPerson]:
    """Every removal hold of an incident with each person's clearance on `on`; A-numbers
    masked, or whole with `reveal_a_numbers` (one audited bulk read)."""
    _incident(session, incident_id)
    rows = session.execute(
        select(RemovalHold, Person.a_number_tail)
        .join(Person, Person.id == RemovalHold.person_id)
        .where(RemovalHold.incident_id == incident_id)
        .order_by(RemovalHold.id)
    ).all()
    verdicts = clearances_of(session, (hold.person_id for hold, _ in rows), on, tz)
    record_event(
        session,
        actor=actor,
        action="hold.list",
        object_type="incident",
        object_id=incident_id,
        detail={"on": on.isoformat(), "count": len(rows)},
    )
    whole = a_numbers_for(session, (hold.person_id for hold, _ in rows), reveal=True,
                          actor=actor, purpose=f"hold.list {incident_id} (--show-a-numbers)"
                          ) if reveal_a_numbers else {}
    listed = []
    for hold, tail in rows:
        result = verdicts[hold.person_id]
        listed.append(
            HeldPerson(
                hold.person_id,
                whole.get(hold.person_id) or f"A*****{tail}",
                hold.created_at,
                hold.released_at,
                result.cleared,
                result.blocked_until,
                tuple(reason_json(r) for r in result.reasons),
            )
        )
    return listed


def extensions_of(session: Session, incident_id: str) -> list[HoldExtension]:
    query = select(HoldExtension).where(HoldExtension.incident_id == incident_id)
    return list(session.execute(query.order_by(HoldExtension.created_at)).scalars())


def _incident(session: Session, incident_id: str) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise HoldIncidentNotFound(f"incident {incident_id!r} does not exist")
    return incident
