"""The login page, logging out, and where `/` sends each role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from spilldesk.access.logins import BROWSER
from spilldesk.web.auth import csrf_matches, new_csrf_token
from spilldesk.web.deps import DeskDep
from spilldesk.web.login import LoginRefused, attempt_login, log_out
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this desk (never //host or a full URL: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next_url": safe_next(next)})


@router.post("/login")
async def login(request: Request, desk: DeskDep) -> Response:
    form = await request.form()
    username = str(form.get("username") or "")
    next_url = safe_next(str(form.get("next") or "/"))
    context = {"next_url": next_url, "username": username}
    if not csrf_matches(request.session.get("csrf"), str(form.get("csrf_token") or "")):
        return render(request, "login.html", {**context, "error":
                      "The login form expired; please try again."}, status_code=400)
    try:
        done = await run_in_threadpool(attempt_login, desk, username,
                                       str(form.get("password") or ""), desk.client(request),
                                       BROWSER)
    except LoginRefused as exc:
        code = 429 if exc.retry_after else 401
        return render(request, "login.html", {**context, "error": exc.message.capitalize()
                                              + "."}, status_code=code)
    request.session.clear()  # a fresh session on login: no fixation
    request.session.update({"login": done.secret, "csrf": new_csrf_token()})
    return RedirectResponse(next_url, status_code=303)


@router.post("/logout")
async def logout(request: Request, desk: DeskDep) -> Response:
    """Ends the login in the database: a copy of the cookie no longer works either."""
    form = await request.form()
    if csrf_matches(request.session.get("csrf"), str(form.get("csrf_token") or "")):
        await run_in_threadpool(log_out, desk, request.session.get("login"), None)
        request.session.clear()
    return RedirectResponse("/login", status_code=303)
