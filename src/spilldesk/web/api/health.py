"""`GET /api/health`: is the desk up and its database reachable (no login needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from spilldesk.web.deps import DeskDep

router = APIRouter(tags=["health"])


@router.get("/api/health", summary="Liveness and database check")
def health(desk: DeskDep) -> dict[str, Any]:
    with desk.store.session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": desk.store.engine.dialect.name,
            "audit_pending": desk.buffer.pending}
