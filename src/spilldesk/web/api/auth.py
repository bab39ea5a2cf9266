"""`POST /api/auth/token` (OAuth2 password flow) and `GET /api/auth/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from spilldesk.access.logins import ACCESS_TOKEN
from spilldesk.access.users import Role
from spilldesk.web.api.models import Out
from spilldesk.web.auth import ACCESS_TOKEN_SECONDS
from spilldesk.web.deps import DeskDep, PrincipalDep, SessionDep
from spilldesk.web.login import LoginRefused, attempt_login, log_out
from spilldesk.web.permissions import PERMISSIONS, task_components

BEARER = "bearer"  # the OAuth2 token type (RFC 6750)

router = APIRouter(prefix="/api/auth", tags=["auth"])


class TokenGrant(Out):
    """An OAuth2 bearer token (RFC 6750)."""

    access_token: str
    token_type: str
    expires_in: int


class LoggedOut(Out):
    ended: bool


class Me(Out):
    username: str
    role: str
    via: str
    permissions: list[str]
    task_components: list[str]


@router.post("/token", summary="Exchange a username and password for a bearer token")
def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()],
          desk: DeskDep) -> TokenGrant:
    """No request transaction here: the attempt is counted (and committed) before the slow
    password check, in transactions of its own (`web.login`)."""
    try:
        done = attempt_login(desk, form.username, form.password, desk.client(request),
                             ACCESS_TOKEN)
    except LoginRefused as exc:
        code = status.HTTP_429_TOO_MANY_REQUESTS if exc.retry_after else 401
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        raise HTTPException(code, exc.message, headers=headers) from None
    return {"access_token": done.secret, "token_type": BEARER,
            "expires_in": ACCESS_TOKEN_SECONDS}


@router.post("/logout", summary="End this access token (or the browser session)")
def logout(request: Request, desk: DeskDep, session: SessionDep,
           principal: PrincipalDep) -> LoggedOut:
    header = request.headers.get("authorization", "")
    if principal.via == "access_token":
        log_out(desk, header[7:].strip(), principal.actor, session)
    elif principal.via == "session":
        log_out(desk, request.session.get("login"), principal.actor, session)
        request.session.clear()
    return {"ended": principal.via in ("access_token", "session")}


@router.get("/me", summary="Who the token or session belongs to, and what they may do")
def me(principal: PrincipalDep) -> Me:
    role = Role(principal.role)
    return {"username": principal.username, "role": role.value, "via": principal.via,
            "permissions": sorted(p.value for p in PERMISSIONS[role]),
            "task_components": sorted(task_components(role))}
