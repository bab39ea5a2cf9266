"""Logging in and out, for the login page and the OAuth2 token endpoint alike.

The attempt is counted as a failure in the database before the slow password check (its own
short transaction: parallel attempts on any worker see it), the check runs outside any
transaction, and only a success takes the count back and opens a login (`access.logins`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from spilldesk.access.login_throttle import admit_attempt, forget_old, forgive, throttle_keys
from spilldesk.access.logins import confirm_login, end_login, open_login
from spilldesk.access.users import find_user, password_matches, rehash_if_needed
from spilldesk.web.audit_buffer import AuditBacklog
from spilldesk.web.deps import Desk


class LoginRefused(Exception):
    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoggedIn:
    user_id: int
    username: str
    secret: str  # the login's secret: into the session cookie, or the access token itself


def attempt_login(desk: Desk, username: str, password: str, client: str | None,
                  kind: str) -> LoggedIn:
    """A new login of `kind` (browser | access_token), or LoginRefused; throttled per
    username and per client address."""
    try:
        return _attempt(desk, username, password, client, kind)
    except AuditBacklog:
        raise LoginRefused("the audit log is not being written; logins wait until it is",
                           retry_after=5) from None


def _attempt(desk: Desk, username: str, password: str, client: str | None,
             kind: str) -> LoggedIn:
    keys = throttle_keys(username, client)
    with desk.store.session() as session:
        wait, attempt = admit_attempt(session, keys, desk.throttle)
        if wait is not None:
            raise LoginRefused("too many failed logins; try again later", retry_after=wait)
        forget_old(session, desk.throttle)
        user = find_user(session, username.strip())
        user_id, stored = (user.id, user.password_hash) if user is not None else (None, None)
    matches = password_matches(stored, password)  # slow on purpose; no transaction held
    with desk.store.session() as session:
        found = confirm_login(session, user_id, stored) if matches else None
        if found is None:
            desk.buffer.add(actor=f"client:{client or 'unknown'}", action="auth.login_failed",
                            object_type="user", object_id=None,
                            detail={"username": username[:100]})
            raise LoginRefused("wrong username or password")
        rehash_if_needed(found, password)
        forgive(session, attempt, keys[0])
        secret = open_login(session, found, kind)
        desk.buffer.add(actor=f"web:{found.username}", action="auth.login", object_type="user",
                        object_id=found.id, detail={"client": client or "unknown",
                                                    "kind": kind})
        return LoggedIn(found.id, found.username, secret)


def log_out(desk: Desk, secret: str | None, actor: str | None,
            session: Session | None = None) -> None:
    """End the login behind this secret (a browser's or an access token), in the request's
    transaction when there is one."""
    if not secret:
        return
    if session is None:
        with desk.store.session() as own:
            log_out(desk, secret, actor, own)
        return
    if end_login(session, secret) and actor:
        desk.buffer.add(actor=actor, action="auth.logout", object_type="user",
                        object_id=None, detail={})
