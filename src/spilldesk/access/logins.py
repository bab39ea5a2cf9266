"""Web logins kept in the database: a browser session or a password-flow access token.

The browser or script holds a random secret; the desk keeps only its SHA-256 with the user,
the kind and when it ends, so logging out ends one login and a password change or a
deactivation (`access.users`) ends them all, on every worker at once.

A login is opened only for the user row `confirm_login` has locked and found unchanged since
the password was checked: a password change or deactivation committing meanwhile either is
seen (the login is refused) or waits for the login and then ends it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.access.users import token_digest
from spilldesk.store.models import User, WebLogin

BROWSER = "browser"
# A kind of login, not a secret.
ACCESS_TOKEN = "access_token"  # nosec B105
ACCESS_PREFIX = "sda_"
LOGIN_SECONDS = 8 * 3600


def confirm_login(session: Session, user_id: int | None,
                  checked_hash: str | None) -> User | None:
    """The user a password was just checked against, if still active with that very hash;
    else None. The user's row stays locked until this transaction ends (PostgreSQL: a
    password change or deactivation updates that row, so it waits for this login and then
    ends it, or this waits for it and refuses; SQLite: writers take turns anyway)."""
    if user_id is None:
        return None
    user = session.execute(select(User).where(User.id == user_id).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one_or_none()
    if user is None or not user.active or user.password_hash != checked_hash:
        return None
    return user


def open_login(session: Session, user: User, kind: str,
               seconds: int = LOGIN_SECONDS) -> str:
    """A new login for `user`; returns the secret (kept by the caller, never stored)."""
    secret = (ACCESS_PREFIX if kind == ACCESS_TOKEN else "") + secrets.token_urlsafe(32)
    session.add(WebLogin(user_id=user.id, kind=kind, secret_hash=token_digest(secret),
                         expires_at=clock.now() + timedelta(seconds=seconds)))
    session.flush()
    return secret


def user_for_login(session: Session, secret: str, kind: str,
                   now: datetime | None = None) -> User | None:
    """The active user of an open, unexpired login of this kind, or None."""
    if not secret:
        return None
    row = session.execute(
        select(WebLogin, User).join(User, User.id == WebLogin.user_id)
        .where(WebLogin.secret_hash == token_digest(secret), WebLogin.kind == kind)).first()
    if row is None:
        return None
    login, user = row
    if login.ended_at is not None or login.expires_at <= (now or clock.now()):
        return None
    return user if user.active else None


def end_login(session: Session, secret: str) -> bool:
    """Log out: end the login this secret belongs to (True when one was open)."""
    login = session.execute(select(WebLogin).where(
        WebLogin.secret_hash == token_digest(secret))).scalar_one_or_none()
    if login is None or login.ended_at is not None:
        return False
    login.ended_at = clock.now()
    return True
