"""The JSON API: one router per resource, all under /api."""

from __future__ import annotations

from fastapi import APIRouter

from spilldesk.web.api import auth, clearance, health, incidents, persons

api_router = APIRouter()
for module in (health, auth, incidents, persons, clearance):
    api_router.include_router(module.router)
