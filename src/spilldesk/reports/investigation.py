"""The investigation record of an incident: reviews, corrective actions, mitigations, lessons.

The seed: the incident "continues to be under review by ICE's Office of Professional
Responsibility and Office of the Chief Information Officer", corrective actions are taken,
and the Dec 7 incident "originated from DHS, which is handling any additional mitigation".
The privacy officer keeps this record; the auditor reads it. Every change is audited.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.errors import NotFound, ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import Incident
from spilldesk.store.oversight_models import InvestigationItem


class Kind(StrEnum):
    REVIEW = "review"
    CORRECTIVE_ACTION = "corrective_action"
    MITIGATION = "mitigation"
    LESSON = "lesson"


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


EDITABLE = ("component", "title", "findings", "owner", "opened_on", "due", "evidence",
            "status")


class InvestigationError(ServiceError):
    """An entry cannot be recorded or changed; the message names the field."""


class InvestigationNotFound(InvestigationError, NotFound):
    """No incident, or no entry, of that id."""

    status = NotFound.status


def _choice(enum: type[StrEnum], field: str, value: str) -> str:
    try:
        return enum(value.strip().lower().replace("-", "_")).value
    except ValueError:
        raise InvestigationError(f"{field}: {value!r} is not one of "
                                 f"{' | '.join(e.value for e in enum)}") from None


def _text(field: str, value: Any, limit: int, *, required: bool = False) -> str | None:
    text = None if value is None else str(value).strip() or None
    if required and not text:
        raise InvestigationError(f"{field}: is required")
    if text and len(text) > limit:
        raise InvestigationError(f"{field}: longer than {limit} characters")
    return text


def _day(field: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvestigationError(f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _incident(session: Session, incident_id: str) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise InvestigationNotFound(f"no incident {incident_id!r}")
    return incident


def _apply(item: InvestigationItem, changes: dict[str, Any]) -> list[str]:
    """Set the given fields (validated); returns the names of those that changed."""
    changed = []
    for field, value in changes.items():
        if field not in EDITABLE:
            raise InvestigationError(f"{field}: not a field of an investigation entry "
                                     f"(one of {', '.join(EDITABLE)})")
        if field in ("opened_on", "due"):
            new: Any = _day(field, value)
        elif field == "status":
            new = _choice(Status, field, str(value or ""))
        elif field in ("component", "title"):
            new = _text(field, value, 300 if field == "title" else 40, required=True)
        else:
            new = _text(field, value, 100 if field == "owner" else 8000)
        if getattr(item, field) != new:
            setattr(item, field, new)
            changed.append(field)
    if item.kind == Kind.CORRECTIVE_ACTION and not item.owner:
        raise InvestigationError("owner: a corrective action needs an owner")
    return changed


def add_item(session: Session, incident_id: str, *, kind: str, actor: str, today: date,
             **fields: Any) -> InvestigationItem:
    """Record a review, corrective action, mitigation or lesson for an incident."""
    _incident(session, incident_id)
    item = InvestigationItem(incident_id=incident_id, kind=_choice(Kind, "kind", kind),
                             status=Status.OPEN.value, created_by=actor, updated_by=actor,
                             created_at=clock.now(), updated_at=clock.now())
    fields.setdefault("opened_on", today)
    _apply(item, {k: v for k, v in fields.items() if v is not None})
    if item.status == Status.DONE:
        item.closed_on = today
    session.add(item)
    session.flush()
    record_event(session, actor=actor, action="investigation.add", object_type="incident",
                 object_id=incident_id, detail={"item": item.id, "kind": item.kind,
                                                "component": item.component})
    return item


def update_item(session: Session, incident_id: str, item_id: int, *, actor: str, today: date,
                **changes: Any) -> InvestigationItem:
    """Change an entry's fields; closing it (status done) records the day it closed."""
    item = session.get(InvestigationItem, item_id)
    if item is None or item.incident_id != incident_id:
        raise InvestigationNotFound(f"no investigation entry {item_id} in incident {incident_id}")
    changed = _apply(item, changes)
    if "status" in changed:
        item.closed_on = today if item.status == Status.DONE else None
    if changed:
        item.updated_by, item.updated_at = actor, clock.now()
        session.flush()
        record_event(session, actor=actor, action="investigation.update",
                     object_type="incident", object_id=incident_id,
                     detail={"item": item.id, "changed": changed})
    return item


def items_of(session: Session, incident_id: str) -> list[InvestigationItem]:
    _incident(session, incident_id)
    return list(session.execute(
        select(InvestigationItem).where(InvestigationItem.incident_id == incident_id)
        .order_by(InvestigationItem.kind, InvestigationItem.id)).scalars())


def as_dict(item: InvestigationItem) -> dict[str, Any]:
    return {"id": item.id, "kind": item.kind, "component": item.component, "title": item.title,
            "findings": item.findings, "owner": item.owner,
            "opened_on": item.opened_on.isoformat() if item.opened_on else None,
            "due": item.due.isoformat() if item.due else None, "evidence": item.evidence,
            "status": item.status,
            "closed_on": item.closed_on.isoformat() if item.closed_on else None,
            "updated_by": item.updated_by, "updated_at": item.updated_at.isoformat()}


def investigation_record(session: Session, incident_id: str, on: date) -> dict[str, Any]:
    """The record by kind, and which component owns which open mitigation or action."""
    items = [as_dict(i) for i in items_of(session, incident_id)]
    by_kind = {k.value: [i for i in items if i["kind"] == k.value] for k in Kind}
    owners: dict[str, list[str]] = {}
    for item in by_kind[Kind.MITIGATION] + by_kind[Kind.CORRECTIVE_ACTION]:
        owners.setdefault(item["component"], []).append(item["title"])
    overdue = [i["id"] for i in by_kind[Kind.CORRECTIVE_ACTION]
               if i["status"] != Status.DONE and i["due"] and i["due"] < on.isoformat()]
    return {"incident": incident_id, "on": on.isoformat(), "items": items,
            "reviews": by_kind[Kind.REVIEW], "corrective_actions": by_kind[Kind.CORRECTIVE_ACTION],
            "mitigations": by_kind[Kind.MITIGATION], "lessons": by_kind[Kind.LESSON],
            "owners": dict(sorted(owners.items())), "corrective_actions_overdue": overdue}
