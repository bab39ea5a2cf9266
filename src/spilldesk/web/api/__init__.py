"""The JSON API: one router per resource, all under /api."""

from __future__ import annotations

from fastapi import APIRouter

from spilldesk.web.api import (
    alerts,
    audit,
    auth,
    cases,
    clearance,
    gate,
    health,
    incidents,
    notices,
    persons,
    review,
    tasks,
    users,
)

api_router = APIRouter()
for module in (health, auth, incidents, notices, persons, cases, clearance, tasks, review,
               alerts, gate, audit, users):
    api_router.include_router(module.router)
