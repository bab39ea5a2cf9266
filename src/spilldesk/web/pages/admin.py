"""Users and API tokens, for the admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from spilldesk.response.users import (
    Role,
    UserError,
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
from spilldesk.web.pages.actions import FormProblem, back_to
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(require_page(Permission.MANAGE_USERS))]


@router.get("/users")
def users(request: Request, session: SessionDep, principal: Admin) -> Response:
    shown = request.session.pop("secret", None)
    return render(request, "users.html", {"title": "Users", "users": list_users(session),
                                          "tokens": list_tokens(session),
                                          "roles": [r.value for r in Role], "secret": shown})


@router.post("/users")
def add(request: Request, form: FormDep, session: SessionDep, principal: Admin) -> Response:
    try:
        role = parse_role(str(form.get("role") or ""))
        password = None if role is Role.MACHINE else generate_password()
        user = add_user(session, str(form.get("username") or ""), role, password,
                        actor=principal.actor)
    except UserError as exc:
        raise FormProblem("/users", str(exc)) from None
    if password:
        request.session["secret"] = ["password", user.username, password]
    return back_to(request, "/users", f"User {user.username} added as {role.value}.")


@router.post("/users/{username}/tokens")
def token(request: Request, username: str, form: FormDep, session: SessionDep,
          principal: Admin) -> Response:
    try:
        issued, secret = issue_token(session, username, str(form.get("label") or ""),
                                     actor=principal.actor)
    except UserError as exc:
        raise FormProblem("/users", str(exc)) from None
    request.session["secret"] = ["token", username, secret]
    return back_to(request, "/users", f"Token {issued.id} issued to {username}.")


@router.post("/users/{username}/active")
def activate(request: Request, username: str, form: FormDep, session: SessionDep,
             principal: Admin) -> Response:
    active = str(form.get("active")) == "true"
    try:
        set_active(session, username, active, actor=principal.actor)
    except UserError as exc:
        raise FormProblem("/users", str(exc)) from None
    return back_to(request, "/users", f"{username} {'activated' if active else 'deactivated'}.")


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: RowId, form: FormDep, session: SessionDep,
           principal: Admin) -> Response:
    try:
        revoke_token(session, token_id, actor=principal.actor)
    except UserError as exc:
        raise FormProblem("/users", str(exc)) from None
    return back_to(request, "/users", f"Token {token_id} revoked.")
