"""`spilldesk user add|list|token|tokens|revoke|password|deactivate|activate`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from spilldesk.access.users import (
    MAX_TOKEN_DAYS,
    TOKEN_DAYS,
    TOKEN_SCOPES,
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
    set_password,
)
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    desk,
    err,
    fail,
    out,
    print_json,
    transaction,
)

user_app = typer.Typer(help="Users of the web desk, their roles and API tokens.",
                       no_args_is_help=True)
ROLES = ", ".join(r.value for r in Role)


def _ask_password() -> str | None:
    """Prompt on a terminal; None (generate one) when nobody is there to type."""
    if not sys.stdin.isatty():
        return None
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(metavar="NAME")],
    role: Annotated[str, typer.Option(help=f"One of: {ROLES}.")],
    password: Annotated[str | None, typer.Option(
        help="The password (default: prompt on a terminal, else generate one).")] = None,
    generate: Annotated[bool, typer.Option("--generate", help="Generate a password.")] = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user. A generated password is shown once; a given one is never echoed."""
    try:
        parsed = parse_role(role)
    except UserError as exc:
        fail(str(exc))
    generated: str | None = None
    if parsed is not Role.MACHINE and not password:
        password = None if generate else _ask_password()
        if password is None:
            password = generated = generate_password()
    with transaction(workdir) as session:
        add_user(session, username, parsed, password, actor=actor())
    if as_json:
        print_json({"username": username, "role": parsed.value, "password": generated})
        return
    err.print(f"user {username} added as {parsed.value}")
    if generated:
        err.print("generated password (shown once, store it now):")
        out.print(generated)


@user_app.command("list")
def list_command(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Users and their roles."""
    with desk(workdir) as store, store.session() as session:
        rows = [{"username": u.username, "role": u.role, "active": u.active}
                for u in list_users(session)]
    if as_json:
        print_json({"users": rows})
        return
    table = Table("username", "role", "active")
    for row in rows:
        table.add_row(str(row["username"]), str(row["role"]), "yes" if row["active"] else "no")
    out.print(table)


@user_app.command("token")
def token_command(
    username: Annotated[str, typer.Argument(metavar="NAME")],
    label: Annotated[str, typer.Option(help="What the token is for, e.g. removal-scheduler.")],
    days: Annotated[int, typer.Option(
        help=f"Days until the token ends (1 to {MAX_TOKEN_DAYS}).")] = TOKEN_DAYS,
    scope: Annotated[str, typer.Option(
        help=f"What it may do: {', '.join(TOKEN_SCOPES)}.")] = ",".join(TOKEN_SCOPES),
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue an API token to a machine user: scoped, ending after --days (shown once; send
    it as `Authorization: Bearer ...`). People's accounts get no tokens."""
    with transaction(workdir) as session:
        token, secret = issue_token(session, username, label, actor=actor(), days=days,
                                    scope=scope)
        token_id, scopes = token.id, token.scope.split()
        ends = token.expires_at.isoformat() if token.expires_at else None
    if as_json:
        print_json({"id": token_id, "username": username, "label": label, "token": secret,
                    "expires_at": ends, "scope": scopes})
        return
    err.print(f"token {token_id} for {username} ({label}; {' '.join(scopes)}; ends {ends}); "
              "shown once, store it now:")
    out.print(secret)


@user_app.command("tokens")
def tokens_command(username: Annotated[str | None, typer.Argument(metavar="[NAME]")] = None,
                   workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """API tokens (never their secrets)."""
    with desk(workdir) as store, store.session() as session:
        rows = [{"id": t.id, "username": u.username, "label": t.name,
                 "created_at": t.created_at.isoformat(),
                 "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                 "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                 "scope": t.scope.split(), "revoked": t.revoked_at is not None}
                for t, u in list_tokens(session, username)]
    if as_json:
        print_json({"tokens": rows})
        return
    table = Table("id", "user", "label", "last used", "revoked")
    for row in rows:
        table.add_row(str(row["id"]), str(row["username"]), str(row["label"]),
                      str(row["last_used_at"] or "never"), "yes" if row["revoked"] else "no")
    out.print(table)


@user_app.command("revoke")
def revoke_command(token_id: Annotated[int, typer.Argument(metavar="TOKEN_ID")],
                   workdir: WorkdirOption = None) -> None:
    """Revoke an API token."""
    with transaction(workdir) as session:
        revoke_token(session, token_id, actor=actor())
    err.print(f"token {token_id} revoked")


@user_app.command("password")
def password_command(
    username: Annotated[str, typer.Argument(metavar="NAME")],
    password: Annotated[str | None, typer.Option(help="New password (default: prompt).")] = None,
    workdir: WorkdirOption = None,
) -> None:
    """Set a user's password (prompt on a terminal, else generate and show once)."""
    generated = None
    if not password:
        password = _ask_password()
        if password is None:
            password = generated = generate_password()
    with transaction(workdir) as session:
        set_password(session, username, password, actor=actor())
    err.print(f"password of {username} changed")
    if generated:
        out.print(generated)


def _set_active(username: str, active: bool, workdir: Path | None) -> None:
    with transaction(workdir) as session:
        set_active(session, username, active, actor=actor())
    err.print(f"{username} {'activated' if active else 'deactivated'}")


@user_app.command("deactivate")
def deactivate_command(username: Annotated[str, typer.Argument(metavar="NAME")],
                       workdir: WorkdirOption = None) -> None:
    """Stop a user from logging in (their logins end; their tokens stop working too)."""
    _set_active(username, False, workdir)


@user_app.command("activate")
def activate_command(username: Annotated[str, typer.Argument(metavar="NAME")],
                     workdir: WorkdirOption = None) -> None:
    """Let a deactivated user log in again."""
    _set_active(username, True, workdir)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
