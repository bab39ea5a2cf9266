"""Users and API tokens, for the admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from spilldesk.access.users import (
    MAX_TOKEN_DAYS,
    TOKEN_DAYS,
    TOKEN_SCOPES,
    Role,
    add_user,
    generate_password,
    issue_token,
    list_tokens,
    list_users,
    revoke_token,
    set_active,
)
from spilldesk.web.api.errors import RowId
from spilldesk.web.api.models import In, Out
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["users"])
Admin = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]


class UserIn(In):
    username: str = Field(min_length=1, max_length=100, pattern=r"^\S+$")
    role: Role
    password: str | None = Field(None, description="omit to generate one (returned once)")


class TokenIn(In):
    label: str = Field(min_length=1, max_length=100)
    days: int = Field(TOKEN_DAYS, ge=1, le=MAX_TOKEN_DAYS, description="when the token ends")
    scope: list[str] = Field(default_factory=lambda: list(TOKEN_SCOPES),
                             description=f"a subset of {', '.join(TOKEN_SCOPES)}")


class UserOut(Out):
    username: str
    role: str
    active: bool


class UserList(Out):
    users: list[UserOut]


class UserAdded(Out):
    username: str
    role: str
    password: str | None = Field(description="the generated password, shown this once")


class UserActive(Out):
    username: str
    active: bool


class TokenOut(Out):
    """An API token (never its secret)."""

    id: int
    username: str
    label: str
    created_at: str
    last_used_at: str | None
    expires_at: str | None
    scope: list[str]
    revoked: bool


class TokenList(Out):
    tokens: list[TokenOut]


class TokenIssued(Out):
    id: int
    username: str
    label: str
    token: str = Field(description="the secret, shown this once")
    expires_at: str | None
    scope: list[str]


class TokenRevoked(Out):
    id: int
    revoked: bool


def _token_json(token: Any, user: Any) -> dict[str, Any]:
    return {"id": token.id, "username": user.username, "label": token.name,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "scope": token.scope.split(), "revoked": token.revoked_at is not None}


@router.get("", summary="Users and their roles")
def users(session: SessionDep, principal: Admin) -> UserList:
    return {"users": [{"username": u.username, "role": u.role, "active": u.active}
                      for u in list_users(session)]}


@router.post("", status_code=201, summary="Add a user (a generated password is shown once)")
def add(body: UserIn, session: SessionDep, principal: Admin) -> UserAdded:
    generated = None
    password = body.password
    if body.role is not Role.MACHINE and not password:
        password = generated = generate_password()
    user = add_user(session, body.username, body.role, password, actor=principal.actor)
    return {"username": user.username, "role": user.role, "password": generated}


@router.post("/{username}/active", summary="Activate or deactivate a user")
def activate(username: str, active: bool, session: SessionDep,
             principal: Admin) -> UserActive:
    user = set_active(session, username, active, actor=principal.actor)
    return {"username": user.username, "active": user.active}


@router.get("/tokens", summary="API tokens (never their secrets)")
def tokens(session: SessionDep, principal: Admin) -> TokenList:
    return {"tokens": [_token_json(t, u) for t, u in list_tokens(session)]}


@router.post("/{username}/tokens", status_code=201,
             summary="Issue an API token to a machine user (the secret is shown once)")
def issue(username: str, body: TokenIn, session: SessionDep, principal: Admin) -> TokenIssued:
    token, secret = issue_token(session, username, body.label, actor=principal.actor,
                                days=body.days, scope=body.scope)
    return {"id": token.id, "username": username, "label": token.name, "token": secret,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "scope": token.scope.split()}


@router.post("/tokens/{token_id}/revoke", summary="Revoke an API token")
def revoke(token_id: RowId, session: SessionDep, principal: Admin) -> TokenRevoked:
    token = revoke_token(session, token_id, actor=principal.actor)
    return {"id": token.id, "revoked": token.revoked_at is not None}
