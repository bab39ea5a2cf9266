"""`GET /api/health`: is the desk up and its database reachable; `GET /api/live`: is the
process answering at all (no database, no login needed for either)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from spilldesk.web.api.models import Out
from spilldesk.web.deps import DeskDep, reading_session

router = APIRouter(tags=["health"])


class Health(Out):
    status: str
    database: str
    audit_pending: int


class Live(Out):
    status: str


@router.get("/api/health", summary="Liveness and database check")
async def health(desk: DeskDep) -> Health:
    """On the event loop, like the clearance check: one trivial query."""
    with reading_session(desk.store) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": desk.store.engine.dialect.name,
            "audit_pending": desk.buffer.pending}


@router.get("/api/live", summary="Liveness only: the process answers (no database)")
async def live() -> Live:
    """For a process supervisor's liveness probe (a database outage does not restart the
    desk's workers), and the HTTP benchmark's floor: the server stack with no database."""
    return {"status": "ok"}
