"""Users and API tokens, for the admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from spilldesk.access.users import (
    MAX_TOKEN_DAYS,
    TOKEN_DAYS,
    Role,
    add_user,
    generate_password,
    issue_token,
    list_tokens,
    list_users,
    parse_role,
    revoke_token,
    set_active,
)
from spilldesk.web.api.errors import RowId
from spilldesk.web.auth import Principal
from spilldesk.web.deps import FormDep, SessionDep, require_page
from spilldesk.web.pages.actions import FormProblem, back_to, form_page
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(require_page(Permission.MANAGE_USERS))]


def _users_page(request: Request, session: Any, secret: tuple[str, str, str] | None = None,
                message: str | None = None) -> Response:
    """The page; a new password or token is in this one answer's body only (never in the
    cookie, never in a redirect), so it is shown once, and not cached (no-store)."""
    return render(request, "users.html", {
        "title": "Users", "users": list_users(session), "tokens": list_tokens(session),
        "roles": [r.value for r in Role], "secret": secret, "done": message,
        "token_days": TOKEN_DAYS, "max_token_days": MAX_TOKEN_DAYS},
        status_code=201 if secret else 200)


@router.get("/users")
def users(request: Request, session: SessionDep, principal: Admin) -> Response:
    return _users_page(request, session)


@router.post("/users")
def add(request: Request, form: FormDep, session: SessionDep, principal: Admin) -> Response:
    form_page(request, "/users")
    role = parse_role(str(form.get("role") or ""))
    password = None if role is Role.MACHINE else generate_password()
    user = add_user(session, str(form.get("username") or ""), role, password,
                    actor=principal.actor)
    message = f"User {user.username} added as {role.value}."
    if password:
        return _users_page(request, session, ("password", user.username, password), message)
    return back_to(request, "/users", message)


@router.post("/users/{username}/tokens")
def token(request: Request, username: str, form: FormDep, session: SessionDep,
          principal: Admin) -> Response:
    form_page(request, "/users")
    try:
        days = int(str(form.get("days") or TOKEN_DAYS))
    except ValueError:
        raise FormProblem("/users", "days: a whole number of days") from None
    issued, secret = issue_token(session, username, str(form.get("label") or ""),
                                 actor=principal.actor, days=days)
    ends = issued.expires_at.date().isoformat() if issued.expires_at else "?"
    return _users_page(request, session, ("token", username, secret),
                       f"Token {issued.id} issued to {username}, valid until {ends}.")


@router.post("/users/{username}/active")
def activate(request: Request, username: str, form: FormDep, session: SessionDep,
             principal: Admin) -> Response:
    active = str(form.get("active")) == "true"
    form_page(request, "/users")
    set_active(session, username, active, actor=principal.actor)
    return back_to(request, "/users", f"{username} {'activated' if active else 'deactivated'}.")


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: RowId, form: FormDep, session: SessionDep,
           principal: Admin) -> Response:
    form_page(request, "/users")
    revoke_token(session, token_id, actor=principal.actor)
    return back_to(request, "/users", f"Token {token_id} revoked.")
