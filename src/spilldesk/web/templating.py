"""Rendering pages: the Jinja2 environment, the navigation a role sees, the CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from spilldesk import clock
from spilldesk.web.auth import Principal, new_csrf_token
from spilldesk.web.permissions import Permission, allowed, may_see_any_person, task_components

templates = Jinja2Templates(directory=str(resources.files("spilldesk.web") / "templates"))

# (label, path, who sees it) — the order of the navigation bar.
_NAV: list[tuple[str, str, Any]] = [
    ("Incidents", "/", lambda r: allowed(r, Permission.VIEW_INCIDENTS)),
    ("People", "/people", lambda r: allowed(r, Permission.VIEW_PERSONS)),
    ("Tasks", "/tasks", lambda r: allowed(r, Permission.VIEW_TASKS)),
    ("Review", "/review", lambda r: allowed(r, Permission.VIEW_REVIEW)),
    ("Notices", "/notices", lambda r: allowed(r, Permission.VIEW_NOTICES)),
    ("Clearance", "/clearance", lambda r: allowed(r, Permission.CHECK_CLEARANCE)),
    ("Alerts", "/alerts", lambda r: allowed(r, Permission.VIEW_ALERTS)),
    ("Clawback", "/clawback", lambda r: allowed(r, Permission.VIEW_CLAWBACK)),
    ("Reports", "/reports", lambda r: allowed(r, Permission.VIEW_REPORTS)),
    ("Gate", "/gate", lambda r: allowed(r, Permission.RUN_GATE)
     or allowed(r, Permission.EGRESS_CHECK)),
    ("Audit", "/audit", lambda r: allowed(r, Permission.VIEW_AUDIT)),
    ("Users", "/users", lambda r: allowed(r, Permission.MANAGE_USERS)),
]


def local_time(value: datetime | str | None, tz: ZoneInfo) -> str:
    """A moment as case workers read it: the agency's wall clock, with its zone."""
    if value is None or value == "":
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def install_filters(tz: ZoneInfo) -> None:
    templates.env.filters["when"] = lambda value: local_time(value, tz)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = new_csrf_token()
        request.session["csrf"] = token
    return token


def today_iso(request: Request) -> str:
    return clock.today(request.app.state.desk.settings.timezone).isoformat()


def nav_for(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    return [(label, path) for label, path, shown in _NAV if shown(principal.role)]


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    principal: Principal | None = getattr(request.state, "principal", None)
    flash = request.session.pop("flash", None)
    values = {
        "me": principal,
        "nav": nav_for(principal),
        "csrf_token": csrf_token(request),
        "can": (lambda p: principal is not None and allowed(principal.role, Permission(p))),
        "sees_people": principal is not None and may_see_any_person(principal.role),
        "current_path": request.url.path,
        "workable": (task_components(principal.role)
                     if principal and allowed(principal.role, Permission.WORK_TASKS) else set()),
        "today_iso": today_iso(request),
        "flash": flash[1] if flash else None,
        "flash_kind": "error" if flash and flash[0] == "error" else "",
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, values, status_code=status_code)
