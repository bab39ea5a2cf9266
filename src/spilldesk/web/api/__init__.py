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
    monitoring,
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
# The clearance check first: routes are matched in order, one by one, and the removal
# schedulers' hot path should not walk the others' (each a regular expression and a scope
# copy in FastAPI's nested routers) before reaching its own.
api_router.include_router(clearance.router, dependencies=[Security(bearer_scheme)],
                          responses=ERROR_RESPONSES)
api_router.include_router(health.router)
api_router.include_router(auth.router, responses=ERROR_RESPONSES)
for module in (incidents, notices, persons, cases, tasks, review, alerts, gate,
               audit, users, clawback, reports,
               monitoring):
    api_router.include_router(module.router, dependencies=[Security(bearer_scheme)],
                              responses=ERROR_RESPONSES)
