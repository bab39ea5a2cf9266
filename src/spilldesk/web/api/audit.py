"""The audit log for the auditor: recent events, filterable, and a chain check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from spilldesk.store.audit import verify
from spilldesk.store.models import AuditEvent
from spilldesk.web.api.errors import MAX_ROW_ID
from spilldesk.web.api.models import Out
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(require(Permission.VIEW_AUDIT))]


def audit_events(session: Any, *, actor: str | None = None, action: str | None = None,
                 before: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if before:
        query = query.where(AuditEvent.seq < before)
    return [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail}
            for e in session.execute(query).scalars()]


class AuditEventOut(Out):
    seq: int
    at: str
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: Any


class AuditEvents(Out):
    events: list[AuditEventOut]


class ChainCheck(Out):
    """The hash chain walked end to end: ok, how many events, the first bad one."""

    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str | None


@router.get("", summary="Audit events, newest first")
def events(session: SessionDep, principal: Auditor, actor: str | None = None,
           action: str | None = None,
           before: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
           limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> AuditEvents:
    return {"events": audit_events(session, actor=actor, action=action, before=before,
                                   limit=limit)}


@router.get("/verify", summary="Walk the hash chain end to end")
def check(session: SessionDep, principal: Auditor) -> ChainCheck:
    result = verify(session)
    return {"ok": result.ok, "events": result.events, "first_bad_seq": result.first_bad_seq,
            "problem": result.problem}
