"""Dependencies every route shares: the desk, a session (one transaction), the current user.

A route states what it needs (`Depends(require(Permission.X))`) and gets a `Principal`;
API routes answer 401/403 as JSON, page routes send the browser to the login page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from spilldesk.access.login_throttle import ThrottleRule
from spilldesk.access.logins import ACCESS_PREFIX, ACCESS_TOKEN, BROWSER, user_for_login
from spilldesk.access.users import token_digest, user_for_token
from spilldesk.config import Settings
from spilldesk.store.db import Store
from spilldesk.store.models import User
from spilldesk.web.audit_buffer import AuditBuffer
from spilldesk.web.auth import Network, Principal, client_address, csrf_matches
from spilldesk.web.permissions import Permission, allowed

# How long a verified API token is trusted without asking the database again: a revoked
# token stops working within this many seconds.
TOKEN_CACHE_SECONDS = 10.0


@dataclass
class Desk:
    """What the running application holds: the store, the audit buffer, limits, proxies."""

    settings: Settings
    store: Store
    buffer: AuditBuffer
    throttle: ThrottleRule = field(default_factory=ThrottleRule)
    trusted_proxies: tuple[Network, ...] = ()
    _token_cache: dict[str, tuple[float, Principal]] = field(default_factory=dict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, request: Request) -> str | None:
        """The real client's address (behind a configured trusted proxy: the forwarded one)."""
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"),
                              self.trusted_proxies)

    def cached_token(self, secret: str) -> Principal | None:
        key = token_digest(secret)
        with self._cache_lock:
            hit = self._token_cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < TOKEN_CACHE_SECONDS:
            return hit[1]
        return None

    def remember_token(self, secret: str, principal: Principal) -> None:
        with self._cache_lock:
            if len(self._token_cache) > 10_000:
                self._token_cache.clear()
            self._token_cache[token_digest(secret)] = (time.monotonic(), principal)


class LoginRequired(Exception):
    """A page was asked for without a login: the browser goes to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PageForbidden(Exception):
    """A signed-in user asked a page for something their role does not allow."""

    def __init__(self, message: str) -> None:
        self.message = message


async def get_desk(request: Request) -> Desk:
    """Async on purpose: FastAPI runs a sync dependency in the thread pool (a hop each)."""
    desk: Desk = request.app.state.desk
    return desk


DeskDep = Annotated[Desk, Depends(get_desk)]


@contextmanager
def writing_session(store: Store) -> Iterator[Session]:
    """A transaction that may append to the audit chain (the store serialises its writers)."""
    with store.session() as session:
        yield session


@contextmanager
def reading_session(store: Store) -> Iterator[Session]:
    """A session for a hot read path that writes nothing but an API token's last use (its
    audit events go through the buffer). On PostgreSQL its statements run in autocommit: under
    READ COMMITTED (PostgreSQL's default) each statement of a transaction takes its own
    snapshot anyway, so the reads see what they would see in one, without the BEGIN and COMMIT
    round trips. A change made in it is still flushed only when the block ends without error."""
    with store.session(writing=False) as session:
        if store.engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session


def db_session(desk: DeskDep) -> Iterator[Session]:
    """One transaction for the request, committed before the response is sent."""
    with writing_session(desk.store) as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session, scope="function")]

# Documents the bearer token in OpenAPI (password flow at /api/auth/token); checking is ours.
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def _principal(user: User, via: str, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(user_id=user.id, username=user.username, role=user.role, via=via,
                     scopes=scopes)


def _from_bearer(token: str, desk: Desk, session: Session) -> Principal | None:
    if token.startswith(ACCESS_PREFIX):
        user = user_for_login(session, token, ACCESS_TOKEN)
        return _principal(user, "access_token") if user is not None else None
    cached = desk.cached_token(token)
    if cached is not None:
        return cached
    found = user_for_token(session, token)
    if found is None:
        return None
    principal = _principal(found[0], "api_token", frozenset(found[1].scope.split()))
    desk.remember_token(token, principal)
    return principal


def find_principal(request: Request, desk: Desk, session: Session) -> Principal | None:
    """Who is asking: a bearer token first, else the browser session's login."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return _from_bearer(header[7:].strip(), desk, session)
    secret = request.session.get("login") if "session" in request.scope else None
    if not isinstance(secret, str):
        return None
    user = user_for_login(session, secret, BROWSER)
    if user is None:  # logged out, expired, password changed or deactivated elsewhere
        request.session.clear()
        return None
    return _principal(user, "session")


def _check_cookie_csrf(request: Request, principal: Principal) -> None:
    """A cookie-authenticated API change must carry the session's CSRF token in a header."""
    if principal.via != "session" or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not csrf_matches(request.session.get("csrf"), request.headers.get("x-csrf-token")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong X-CSRF-Token header")


def current_principal(request: Request, desk: DeskDep, session: SessionDep) -> Principal:
    principal = find_principal(request, desk, session)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in or send a bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    _check_cookie_csrf(request, principal)
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def _check(principal: Principal, permissions: tuple[Permission, ...]) -> None:
    for permission in permissions:
        if not allowed(principal.role, permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"the {principal.role} role may not {permission.value}")
        if principal.scopes is not None and permission.value not in principal.scopes:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"this token's scope does not include {permission.value}")


def require(*permissions: Permission) -> Callable[..., Awaitable[Principal]]:
    """An API dependency: the current user, who must hold every one of `permissions`."""

    async def dependency(principal: PrincipalDep) -> Principal:
        _check(principal, permissions)
        return principal

    return dependency


def page_principal(request: Request, desk: DeskDep, session: SessionDep) -> Principal:
    principal = find_principal(request, desk, session)
    if principal is None:
        # Back here after the login; a query naming an A-number is left out of `next=`.
        query = request.url.query
        keep = query and "a_number" not in query.lower()
        raise LoginRequired(str(request.url.path) + (f"?{query}" if keep else ""))
    request.state.principal = principal
    return principal


PagePrincipalDep = Annotated[Principal, Depends(page_principal)]


def require_page(*permissions: Permission) -> Callable[..., Awaitable[Principal]]:
    """A page dependency: log in first, then the role must hold every permission."""

    async def dependency(principal: PagePrincipalDep) -> Principal:
        for permission in permissions:
            if not allowed(principal.role, permission):
                raise PageForbidden(f"Your role ({principal.role}) may not "
                                    f"{permission.value.replace(':', ' ')}.")
        return principal

    return dependency


async def check_form_csrf(request: Request) -> dict[str, Any]:
    """Every form POST carries the session's CSRF token; returns the parsed form."""
    form = await request.form()
    if not csrf_matches(request.session.get("csrf"), str(form.get("csrf_token") or "")):
        raise PageForbidden("This form has expired or did not come from the desk. "
                            "Go back, reload the page and try again.")
    return dict(form)


FormDep = Annotated[dict[str, Any], Depends(check_form_csrf)]


def authorize(request: Request, desk: Desk, session: Session,
              *permissions: Permission) -> Principal:
    """The whole of `require(...)` in one call, for a hot route that avoids dependency hops."""
    principal = current_principal(request, desk, session)
    _check(principal, permissions)
    return principal
