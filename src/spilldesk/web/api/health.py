"""`GET /api/health`: is the desk up and its database reachable (no login needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from spilldesk.web.deps import DeskDep

router = APIRouter(tags=["health"])


@router.get("/api/health", summary="Liveness and database check")
async def health(desk: DeskDep) -> dict[str, Any]:
    """On the event loop, like the clearance check: one trivial query."""
    with desk.store.session(writing=False) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": desk.store.engine.dialect.name,
            "audit_pending": desk.buffer.pending}
