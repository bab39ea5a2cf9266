"""Clawback: where every recipient of a posted document stands; letters; answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from spilldesk import clock
from spilldesk.clawback.answers import clawback_status, latest_search, record_answer
from spilldesk.clawback.letters import REPLY_DAYS, write_letters
from spilldesk.web.api.models import In, Out, plain
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/incidents/{incident_id}/clawback", tags=["clawback"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_CLAWBACK))]
Manager = Annotated[Principal, Depends(require(Permission.MANAGE_CLAWBACK))]


class AnswerIn(In):
    recipient: str = Field(min_length=1, max_length=100,
                           description="reference number or client address")
    status: Literal["acknowledged", "destroyed", "refused", "no_answer"]
    at: datetime | None = Field(None, description="default now; no offset = agency time zone")
    evidence: str | None = Field(None, max_length=4000)


class LettersIn(In):
    reply_days: int = Field(REPLY_DAYS, ge=1, le=365)


class ClawbackStatus(Out):
    """Where every recipient stands, and what the latest reading of the logs saw."""

    incident: str
    on: str
    counts: dict[str, int]
    by_state: dict[str, int]
    recipients: list[dict[str, Any]]
    search: dict[str, Any] | None


class AnswerRecorded(Out):
    incident: str
    reference: str
    client: str
    status: str
    at: str
    state: str


class LettersWritten(Out):
    incident: str
    out_dir: str
    first_letters: int
    follow_ups: int
    awaiting_owner: int
    waiting: int
    answered: int
    overdue_after_follow_ups: int
    files: list[str]


@router.get("", summary="Recipients: sent / answered / overdue, letters, latest answers")
def status_of(incident_id: str, desk: DeskDep, session: SessionDep,
              principal: Viewer) -> ClawbackStatus:
    status = clawback_status(session, incident_id, tz=desk.settings.timezone)
    return plain({**status, "search": latest_search(session, incident_id)})


@router.post("/answers", status_code=201, summary="Record a recipient's answer")
def answer(incident_id: str, body: AnswerIn, desk: DeskDep, session: SessionDep,
           principal: Manager) -> AnswerRecorded:
    tz = desk.settings.timezone
    at = body.at or clock.now().astimezone(tz)
    at = at if at.tzinfo else at.replace(tzinfo=tz)
    recorded = record_answer(session, incident_id, body.recipient, status=body.status,
                             at=at, evidence=body.evidence, actor=principal.actor, tz=tz)
    return {"incident": incident_id, "reference": recorded.reference,
            "client": recorded.client, "status": recorded.status,
            "at": recorded.at.astimezone(tz).isoformat(), "state": recorded.state}


@router.post("/letters", summary="Write every letter now due (first letters, follow-ups)")
def letters(incident_id: str, body: LettersIn, desk: DeskDep, session: SessionDep,
            principal: Manager) -> LettersWritten:
    out_dir = desk.settings.output_dir("clawback") / incident_id
    report = write_letters(session, incident_id, out_dir, actor=principal.actor,
                           tz=desk.settings.timezone, reply_days=body.reply_days)
    return plain(report.as_dict())
