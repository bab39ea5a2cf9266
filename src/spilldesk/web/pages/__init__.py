"""The pages: Jinja2 templates over the same services as the API; forms work without JS."""

from __future__ import annotations

from fastapi import APIRouter

from spilldesk.web.pages import (
    actions,
    admin,
    clawback,
    desk_tools,
    incidents,
    login,
    people,
    queues,
    reports,
    response_steps,
)

page_router = APIRouter(include_in_schema=False)
for module in (login, incidents, people, actions, queues, desk_tools, admin, response_steps,
               clawback, reports):
    page_router.include_router(module.router)
