"""Task queues: `GET /api/tasks` (scoped to the role's components), finishing a task."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import Field

from spilldesk.casework.tasks import finish_task, get_task, list_tasks
from spilldesk.web.api.errors import RowId
from spilldesk.web.api.models import In, Out, Task
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require
from spilldesk.web.permissions import Permission, task_components

router = APIRouter(prefix="/api/tasks", tags=["tasks"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_TASKS))]
Worker = Annotated[Principal, Depends(require(Permission.WORK_TASKS))]


class FinishIn(In):
    status: Literal["done", "waived"]
    outcome: str = Field(min_length=1, max_length=4000)


class TaskSearch(In):
    """A person's tasks: the A-number travels in the body, never in a URL."""

    a_number: str = Field(min_length=1, max_length=40)
    incident: str | None = None
    component: str | None = None
    status: str | None = None
    overdue_on: date | None = None


class TaskList(Out):
    tasks: list[Task]


@router.get("", summary="Tasks (each: a_number, incident, action, component, status, due)")
def tasks(session: SessionDep, principal: Viewer, incident: str | None = None,
          component: str | None = None,
          status_: Annotated[str | None, Query(alias="status")] = None,
          overdue_on: date | None = None) -> TaskList:
    return _tasks(session, principal, incident, None, component, status_, overdue_on)


@router.post("/search", summary="One person's tasks (the A-number in the body, not the URL)")
def search(body: TaskSearch, session: SessionDep, principal: Viewer) -> TaskList:
    return _tasks(session, principal, body.incident, body.a_number, body.component,
                  body.status, body.overdue_on)


def _tasks(session: Any, principal: Principal, incident: str | None, a_number: str | None,
           component: str | None, status_: str | None,
           overdue_on: date | None) -> TaskList:
    mine = task_components(principal.role)
    if component and component.upper() not in mine:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the {principal.role} role does not see {component} tasks")
    found = list_tasks(session, actor=principal.actor, incident=incident, a_number=a_number,
                       component=component, status=status_, overdue_on=overdue_on)
    return {"tasks": [t.to_json() for t in found if t.component in mine]}


@router.post("/{task_id}/finish", summary="Finish an open task as done or waived")
def finish(task_id: RowId, body: FinishIn, session: SessionDep,
           principal: Worker) -> Task:
    task = get_task(session, task_id)
    if task.component not in task_components(principal.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"{task.component} tasks are not the {principal.role}'s to finish")
    return finish_task(session, task_id, status=body.status, outcome=body.outcome,
                       actor=principal.actor).to_json()
