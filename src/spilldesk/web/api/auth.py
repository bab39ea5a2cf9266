"""`POST /api/auth/token` (OAuth2 password flow) and `GET /api/auth/me`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from spilldesk.response.users import Role
from spilldesk.web.deps import DeskDep, PrincipalDep, SessionDep
from spilldesk.web.login import LoginRefused, attempt_login
from spilldesk.web.permissions import PERMISSIONS, task_components

BEARER = "bearer"  # the OAuth2 token type (RFC 6750)

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/token", summary="Exchange a username and password for a bearer token")
def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()],
          desk: DeskDep, session: SessionDep) -> dict[str, Any]:
    client = request.client.host if request.client else None
    try:
        user = attempt_login(desk, session, form.username, form.password, client)
    except LoginRefused as exc:
        code = status.HTTP_429_TOO_MANY_REQUESTS if exc.retry_after else 401
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        raise HTTPException(code, exc.message, headers=headers) from None
    return {"access_token": desk.access_tokens.issue(user.id),
            "token_type": BEARER,
            "expires_in": desk.access_tokens.max_age}


@router.get("/me", summary="Who the token or session belongs to, and what they may do")
def me(principal: PrincipalDep) -> dict[str, Any]:
    role = Role(principal.role)
    return {"username": principal.username, "role": role.value, "via": principal.via,
            "permissions": sorted(p.value for p in PERMISSIONS[role]),
            "task_components": sorted(task_components(role))}
