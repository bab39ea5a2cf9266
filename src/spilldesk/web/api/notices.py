"""Notices and deliveries: an incident's notice figures, recording a delivery attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from spilldesk import clock
from spilldesk.notify.notices import Delivery, notice_status, record_delivery
from spilldesk.web.api.models import In, Out
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/incidents/{incident_id}/notices", tags=["notices"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_NOTICES))]
Recorder = Annotated[Principal, Depends(require(Permission.RECORD_DELIVERY))]


class DeliveryIn(In):
    a_number: str
    recipient: Literal["noncitizen", "representative"] = "noncitizen"
    status: Literal["attempted", "delivered", "refused", "mailed", "returned", "void"]
    at: datetime | None = Field(None, description="default now; no offset = agency time zone")
    method: Literal["hand", "usps", "email"] | None = None
    served_by: str | None = Field(None, max_length=100)
    location: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)
    corrects: int | None = Field(
        None, description="id of an earlier record of this notice that this one corrects "
        "(the hold clock ignores it; `void`: it never happened). Give the reason in `note`.")


class NoticeStatus(Out):
    """Counts by recipient, language, channel and status; how many were provided."""

    incident: str
    notices: int
    by_recipient: dict[str, int]
    by_language: dict[str, int]
    by_channel: dict[str, int]
    by_status: dict[str, int]
    needs_translation: int
    follow_up: int
    provided_to_noncitizen: int
    noncitizens: int
    provided_percent: float


class DeliveryRecorded(Out):
    incident: str
    recipient: str
    attempt: int
    status: str
    method: str | None
    at: str
    corrects: int | None


@router.get("", summary="Notices of the incident by language, channel, status; % provided")
def status_of(incident_id: str, session: SessionDep, principal: Viewer,
              desk: DeskDep) -> NoticeStatus:
    return notice_status(session, incident_id, tz=desk.settings.timezone)


@router.post("/deliveries", status_code=201, summary="Record a delivery attempt")
def deliver(incident_id: str, body: DeliveryIn, desk: DeskDep, session: SessionDep,
            principal: Recorder) -> DeliveryRecorded:
    tz = desk.settings.timezone
    at = body.at or clock.now().astimezone(tz)
    at = at if at.tzinfo else at.replace(tzinfo=tz)
    attempt = record_delivery(session, incident_id, body.a_number, body.recipient,
                              Delivery(body.status, at, body.method, body.served_by,
                                       body.location, body.note, body.corrects),
                              actor=principal.actor)
    return {"incident": incident_id, "recipient": body.recipient, "attempt": attempt.id,
            "status": attempt.status, "method": attempt.method, "at": attempt.at.isoformat(),
            "corrects": attempt.corrects_id}
