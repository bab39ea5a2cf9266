"""Task queues: list tasks by incident, person, component, status or overdue; finish them.

A task is finished as `done` (with its outcome) or `waived` (with the reason), by someone,
and the change is audited. Work that waits for another task (cancel the reinstatement order
after the motion to dismiss) cannot be marked done before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.domain.anumber import InvalidANumber, mask_a_number
from spilldesk.domain.posture import TaskStatus, UnknownCode, parse_component, parse_task_status
from spilldesk.errors import NotFound, ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import Incident, Person, Task, TaskIncident
from spilldesk.store.people import a_numbers_for, find_person

FINISHED = (TaskStatus.DONE, TaskStatus.WAIVED)


class TaskError(ServiceError):
    """A task request that cannot be carried out; the message says which task and why."""


class TaskNotFound(TaskError, NotFound):
    """No task (or person, or incident) of that id."""

    status = NotFound.status


@dataclass(frozen=True)
class TaskView:
    id: int
    a_number: str | None  # masked A*****5678 unless revealed; None for a task about no person
    incidents: tuple[str, ...]
    action: str
    component: str
    status: str
    due: date | None
    owner: str | None
    outcome: str | None
    done_by: str | None
    done_at: datetime | None
    depends_on: int | None
    subject: str | None = None  # what a task about no person is about (a clawback recipient)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "a_number": self.a_number, "subject": self.subject,
            "incidents": list(self.incidents),
            "incident": self.incidents[0] if self.incidents else None,
            "action": self.action, "component": self.component, "status": self.status,
            "due": self.due.isoformat() if self.due else None, "owner": self.owner,
            "outcome": self.outcome, "done_by": self.done_by,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "depends_on": self.depends_on,
        }


def person_by_a_number(session: Session, a_number: str, *, actor: str, purpose: str) -> Person:
    """The registry person for an A-number, or a TaskError that shows it masked."""
    try:
        person = find_person(session, a_number)
    except InvalidANumber as exc:
        raise TaskError(f"--a-number: {exc}") from None
    if person is None:
        raise TaskNotFound(f"no person {mask_a_number(a_number)} in the registry")
    record_event(session, actor=actor, action="person.lookup", object_type="person",
                 object_id=person.id, detail={"purpose": purpose})
    return person


def list_tasks(
    session: Session,
    *,
    actor: str,
    incident: str | None = None,
    a_number: str | None = None,
    component: str | None = None,
    status: str | None = None,
    action: str | None = None,
    overdue_on: date | None = None,
    reveal_a_numbers: bool = False,
) -> list[TaskView]:
    """Tasks matching every filter given, by due date; `overdue_on` keeps open ones past due.
    A-numbers masked, or whole with `reveal_a_numbers` (one audited bulk read)."""
    query = select(Task, Person.a_number_tail).outerjoin(Person, Person.id == Task.person_id)
    try:
        if component:
            query = query.where(Task.component == parse_component(component).value)
        if status:
            query = query.where(Task.status == parse_task_status(status).value)
    except UnknownCode as exc:
        raise TaskError(str(exc)) from None
    if action:
        query = query.where(Task.action == action)
    if incident:
        if session.get(Incident, incident) is None:
            raise TaskNotFound(f"--incident: no incident {incident!r}")
        query = query.where(Task.id.in_(
            select(TaskIncident.task_id).where(TaskIncident.incident_id == incident)))
    if a_number:
        person = person_by_a_number(session, a_number, actor=actor, purpose="tasks.list")
        query = query.where(Task.person_id == person.id)
    if overdue_on:
        query = query.where(Task.status == TaskStatus.OPEN.value, Task.due < overdue_on)
    reveal = ("tasks.list (--show-a-numbers)", actor) if reveal_a_numbers else None
    return _views(session, query.order_by(Task.due, Task.id), reveal)


def _views(session: Session, query: Select[Task, str | None],
           reveal: tuple[str, str] | None = None) -> list[TaskView]:
    rows = session.execute(query).all()
    whole: dict[int, str] = {}
    if reveal:
        purpose, actor = reveal
        whole = a_numbers_for(session, (t.person_id for t, _ in rows if t.person_id),
                              reveal=True, actor=actor, purpose=purpose)
    ids = [task.id for task, _ in rows]
    incidents: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 900):
        links = select(TaskIncident.task_id, TaskIncident.incident_id).where(
            TaskIncident.task_id.in_(ids[start : start + 900]))
        for task_id, incident_id in session.execute(links):
            incidents[task_id].append(incident_id)
    return [_view(task, tail, incidents[task.id], whole.get(task.person_id or 0))
            for task, tail in rows]


def _view(task: Task, tail: str | None, incidents: list[str],
          whole: str | None = None) -> TaskView:
    shown = whole or (f"A*****{tail}" if tail else None)
    return TaskView(task.id, shown, tuple(sorted(incidents)),
                    task.action, task.component, task.status, task.due, task.owner,
                    task.outcome, task.done_by, task.done_at, task.depends_on_id, task.subject)


def get_task(session: Session, task_id: int) -> TaskView:
    query = (select(Task, Person.a_number_tail).outerjoin(Person, Person.id == Task.person_id)
             .where(Task.id == task_id))
    views = _views(session, query)
    if not views:
        raise TaskNotFound(f"no task {task_id}")
    return views[0]


def finish_task(
    session: Session, task_id: int, *, status: str, outcome: str, actor: str,
    at: datetime | None = None,
) -> TaskView:
    """Move an open task to done or waived, with its outcome and who did it (audited)."""
    try:
        final = parse_task_status(status)
    except UnknownCode as exc:
        raise TaskError(str(exc)) from None
    if final not in FINISHED:
        raise TaskError(f"a task is finished as done or waived, not {final.value}")
    if not outcome.strip():
        raise TaskError("--outcome: say what was done (or why it is waived)")
    # Locked and re-read (a task this session loaded before keeps no stale status).
    task = session.get(Task, task_id, with_for_update=True, populate_existing=True)
    if task is None:
        raise TaskNotFound(f"no task {task_id}")
    if task.status != TaskStatus.OPEN.value:
        raise TaskError(f"task {task_id} is {task.status}, not open")
    if final is TaskStatus.DONE and task.depends_on_id is not None:
        before = session.get(Task, task.depends_on_id)
        if before is not None and before.status == TaskStatus.OPEN.value:
            raise TaskError(f"task {task_id} ({task.action}) waits for task {before.id} "
                            f"({before.action}); finish that first")
    now = at or clock.now()
    task.status, task.outcome, task.done_by = final.value, outcome.strip(), actor
    task.done_at = task.updated_at = now
    session.flush()
    # the outcome is free text an officer typed: it stays in the task, not in the audit log
    record_event(session, actor=actor, action=f"task.{final.value}", object_type="task",
                 object_id=task.id, detail={"action": task.action, "component": task.component})
    return get_task(session, task.id)


def open_task(
    session: Session, *, key: str, action: str, component: str, due: date | None,
    incidents: list[str], actor: str, subject: str | None = None, person_id: int | None = None,
) -> Task:
    """An open task for work a service found (idempotent by `key`: an existing task is kept,
    and a finished one is not reopened)."""
    task = session.execute(select(Task).where(Task.key == key)).scalar_one_or_none()
    if task is not None:
        return task
    now = clock.now()
    task = Task(key=key, person_id=person_id, subject=subject, action=action,
                component=parse_component(component).value, status=TaskStatus.OPEN.value,
                due=due, created_at=now, updated_at=now)
    task.incidents = [TaskIncident(incident_id=i) for i in incidents]
    session.add(task)
    session.flush()
    record_event(session, actor=actor, action="task.open", object_type="task",
                 object_id=task.id, detail={"action": action, "component": task.component})
    return task


def close_open_task(session: Session, key: str, *, outcome: str, actor: str) -> bool:
    """Mark the open task with this key done (the work it asked for has happened)."""
    task = session.execute(select(Task).where(Task.key == key)).scalar_one_or_none()
    if task is None or task.status != TaskStatus.OPEN.value:
        return False
    finish_task(session, task.id, status=TaskStatus.DONE.value, outcome=outcome, actor=actor)
    return True


def task_summary(session: Session, incident: str | None = None) -> dict[str, dict[str, int]]:
    """Counts by action and by component (and open / overdue), for the demo and metrics."""
    query = select(Task.action, Task.component, Task.status)
    if incident:
        query = query.where(Task.id.in_(
            select(TaskIncident.task_id).where(TaskIncident.incident_id == incident)))
    by_action: dict[str, int] = defaultdict(int)
    by_component: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    for action, component, status in session.execute(query):
        if status != TaskStatus.WITHDRAWN.value:
            by_action[action] += 1
            by_component[component] += 1
        by_status[status] += 1
    return {"by_action": dict(sorted(by_action.items())),
            "by_component": dict(sorted(by_component.items())),
            "by_status": dict(sorted(by_status.items()))}
