"""What happens in a person's case: events (motions, requests, returns), custody decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from spilldesk.casework.custody import decide_custody
from spilldesk.casework.events import record_case_event
from spilldesk.web.api.models import In, Out, Task
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/persons", tags=["cases"])
EventRecorder = Annotated[Principal, Depends(require(Permission.RECORD_EVENTS))]
Custodian = Annotated[Principal, Depends(require(Permission.RECORD_CUSTODY))]


class EventIn(In):
    a_number: str = Field(min_length=1, max_length=40, description="in the body, never a URL")
    kind: Literal["motion_to_remand_filed", "motion_to_reopen_filed", "request_received",
                  "person_returned", "return_decided"]
    at: datetime | None = None
    note: str | None = Field(None, max_length=4000)


class CustodyIn(In):
    a_number: str = Field(min_length=1, max_length=40, description="in the body, never a URL")
    decision: Literal["continue_detention", "parole", "release_on_recognizance", "bond"]
    rationale: str = Field(min_length=1, max_length=4000)
    bond_amount: int | None = Field(None, ge=0, le=10_000_000)


class EventRecorded(Out):
    event: int
    a_number: str | None
    kind: str
    at: str
    tasks: list[Task]


class CustodyRecorded(Out):
    decision_id: int
    a_number: str | None
    decision: str
    bond_amount: int | None
    decided_by: str
    decided_at: str
    task: int | None


@router.post("/events", status_code=201, summary="Record a case event (may create tasks)")
def event(body: EventIn, desk: DeskDep, session: SessionDep,
          principal: EventRecorder) -> EventRecorded:
    tz = desk.settings.timezone
    at = body.at if body.at is None or body.at.tzinfo else body.at.replace(tzinfo=tz)
    return record_case_event(session, body.a_number, body.kind, at=at, note=body.note,
                             actor=principal.actor, tz=tz).to_json()


@router.post("/custody-decisions", status_code=201, summary="Record a custody decision")
def custody(body: CustodyIn, session: SessionDep,
            principal: Custodian) -> CustodyRecorded:
    return decide_custody(session, body.a_number, decision=body.decision,
                          rationale=body.rationale, bond_amount=body.bond_amount,
                          actor=principal.actor).to_json()
