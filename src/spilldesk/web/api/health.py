"""`GET /api/health`: is the desk up and its database reachable (no login needed)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from spilldesk.web.api.models import Out
from spilldesk.web.deps import DeskDep

router = APIRouter(tags=["health"])


class Health(Out):
    status: str
    database: str
    audit_pending: int


@router.get("/api/health", summary="Liveness and database check")
async def health(desk: DeskDep) -> Health:
    """On the event loop, like the clearance check: one trivial query."""
    with desk.store.session(writing=False) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": desk.store.engine.dialect.name,
            "audit_pending": desk.buffer.pending}
