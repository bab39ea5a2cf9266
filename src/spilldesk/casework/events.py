"""Case events: something happened in a person's case, and standing commitments become work.

"OPLA will not oppose motions to remand", "upon request", "upon the noncitizen's return":
planning records these as commitments; recording the event (a motion to remand filed, a
request received, the person returned, a return decided) turns each matching commitment of
the person into a task, due the playbook's number of days after the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.planning import replan_people
from spilldesk.casework.tasks import TaskError, TaskView, get_task, person_by_a_number
from spilldesk.domain.posture import EventKind, UnknownCode, parse_event_kind
from spilldesk.errors import ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import CaseEvent, Commitment, Task, TaskIncident

# When a commitment's playbook is not a shipped one (a file since changed), its task gets this.
DEFAULT_DUE_DAYS = 14


class EventError(ServiceError):
    """An event that cannot be recorded; the message names the field."""


@dataclass(frozen=True)
class EventResult:
    event_id: int
    a_number: str  # masked
    kind: str
    at: datetime
    tasks: list[TaskView] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event_id, "a_number": self.a_number, "kind": self.kind,
                "at": self.at.isoformat(), "tasks": [t.to_json() for t in self.tasks]}


def record_case_event(
    session: Session, a_number: str, kind: str, *, at: datetime | None = None,
    note: str | None = None, actor: str, tz: ZoneInfo,
) -> EventResult:
    """Record the event and turn the person's standing commitments it triggers into tasks."""
    try:
        event_kind = parse_event_kind(kind)
    except UnknownCode as exc:
        raise EventError(f"--kind: {exc}") from None
    when = at or clock.now()
    if when.tzinfo is None:
        raise EventError("--at: give a time zone offset or let the desk use its own")
    try:
        person = person_by_a_number(session, a_number, actor=actor, purpose="event.record")
    except TaskError as exc:
        raise EventError(str(exc)) from None
    event = CaseEvent(person_id=person.id, kind=event_kind.value, at=when, note=note,
                      created_by=actor)
    session.add(event)
    session.flush()
    standing = select(Commitment).where(
        Commitment.person_id == person.id, Commitment.trigger == event_kind.value,
        Commitment.status == "standing").order_by(Commitment.id)
    task_ids = [
        _task_from(session, commitment, event_kind, when, tz)
        for commitment in session.execute(standing).scalars()
    ]
    if event_kind is EventKind.RETURN_DECIDED and not person.return_decided:
        # A fact of the person's case changed: their plan follows it at once.
        person.return_decided = True
        session.flush()
        replan_people(session, [person.id], actor=actor, tz=tz)
    record_event(session, actor=actor, action="case_event.record", object_type="person",
                 object_id=person.id, detail={"kind": event_kind.value, "event": event.id,
                                              "tasks": task_ids})
    return EventResult(event.id, f"A*****{person.a_number_tail}", event_kind.value, when,
                       [get_task(session, task_id) for task_id in task_ids])


def _task_from(
    session: Session, commitment: Commitment, kind: EventKind, when: datetime, tz: ZoneInfo
) -> int:
    due = when.astimezone(tz).date() + timedelta(days=_due_days(commitment))
    now = clock.now()
    task_id = session.scalars(insert(Task).returning(Task.id), [{
        "key": f"{commitment.person_id}|event:{commitment.id}", "person_id": commitment.person_id,
        "action": commitment.action, "component": commitment.component, "status": "open",
        "due": due, "playbook": commitment.playbook,
        "playbook_version": commitment.playbook_version, "created_at": now, "updated_at": now,
    }]).one()
    if commitment.incidents:
        session.execute(insert(TaskIncident), [
            {"task_id": task_id, "incident_id": incident} for incident in commitment.incidents
        ])
    commitment.status, commitment.task_id, commitment.triggered_at = "triggered", task_id, when
    return task_id


def _due_days(commitment: Commitment) -> int:
    """The days the playbook that made the commitment gives its task (recorded when planned)."""
    return DEFAULT_DUE_DAYS if commitment.due_days is None else commitment.due_days
