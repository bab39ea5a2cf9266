"""Logging in, for the login page and the OAuth2 token endpoint alike."""

from __future__ import annotations

from sqlalchemy.orm import Session

from spilldesk.response.users import authenticate
from spilldesk.store.models import User
from spilldesk.web.audit_buffer import AuditBacklog
from spilldesk.web.auth import throttle_keys
from spilldesk.web.deps import Desk


class LoginRefused(Exception):
    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def attempt_login(desk: Desk, session: Session, username: str, password: str,
                  client: str | None) -> User:
    """The user, or LoginRefused; throttled per username and per client address."""
    try:
        return _attempt(desk, session, username, password, client)
    except AuditBacklog:
        raise LoginRefused("the audit log is not being written; logins wait until it is",
                           retry_after=5) from None


def _attempt(desk: Desk, session: Session, username: str, password: str,
             client: str | None) -> User:
    keys = throttle_keys(username, client)
    if desk.throttle.blocked(keys):
        raise LoginRefused("too many failed logins; try again later",
                           retry_after=desk.throttle.retry_after(keys))
    user = authenticate(session, username, password)
    # Audited through the buffer: a refused login rolls the request's transaction back.
    if user is None:
        desk.throttle.failed(keys)
        desk.buffer.add(actor=f"client:{client or 'unknown'}", action="auth.login_failed",
                        object_type="user", object_id=None,
                        detail={"username": username[:100]})
        raise LoginRefused("wrong username or password")
    desk.throttle.succeeded(keys[0])
    desk.buffer.add(actor=f"web:{user.username}", action="auth.login", object_type="user",
                    object_id=user.id, detail={"client": client or "unknown"})
    return user
