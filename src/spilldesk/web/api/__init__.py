"""The JSON API: one router per resource, all under /api."""

from __future__ import annotations

from fastapi import APIRouter, Security

from spilldesk.web.api import (
    alerts,
    audit,
    auth,
    cases,
    clawback,
    clearance,
    gate,
    health,
    incidents,
    notices,
    persons,
    reports,
    review,
    tasks,
    users,
)
from spilldesk.web.api.errors import ERROR_RESPONSES
from spilldesk.web.deps import bearer_scheme

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(auth.router, responses=ERROR_RESPONSES)
for module in (incidents, notices, persons, cases, clearance, tasks, review, alerts, gate,
               audit, users, clawback, reports):
    api_router.include_router(module.router, dependencies=[Security(bearer_scheme)],
                              responses=ERROR_RESPONSES)
