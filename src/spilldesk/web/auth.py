"""How a request proves who it is: browser sessions, OAuth2 access tokens, API tokens.

- Browsers: a signed session cookie (Starlette SessionMiddleware, itsdangerous) holding the
  user id and a CSRF token; every form POST must carry that token.
- Scripts: `POST /api/auth/token` (OAuth2 password flow) returns a signed, timed access token.
- Machines: long-lived API tokens (`spilldesk user token`), checked by SHA-256 digest.
The signing secret lives in the work directory (`web-secret`, mode 0600).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

SECRET_FILE = "web-secret"  # nosec B105 # a file name; the secret is generated in it
ACCESS_TOKEN_SECONDS = 8 * 3600
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True)
class Principal:
    """The user behind a request, and how they proved it (session | access_token | api_token)."""

    user_id: int
    username: str
    role: str
    via: str

    @property
    def actor(self) -> str:
        """The audit log's name for this user."""
        return f"web:{self.username}"


def load_secret(workdir: Path) -> str:
    """The signing secret, created (0600) on first use and shared by every worker."""
    path = workdir / SECRET_FILE
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class AccessTokens:
    """Signed, timed bearer tokens for the OAuth2 password flow (stateless)."""

    def __init__(self, secret: str, max_age: int = ACCESS_TOKEN_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="spilldesk.access-token")
        self.max_age = max_age

    def issue(self, user_id: int) -> str:
        return str(self._serializer.dumps({"uid": user_id}))

    def user_id(self, token: str) -> int | None:
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except BadSignature:
            return None
        uid = data.get("uid") if isinstance(data, dict) else None
        return uid if isinstance(uid, int) else None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected), str(given))


class LoginThrottle:
    """At most `limit` failed logins per key (username, client address) in `window` seconds.

    In process memory: with several workers each keeps its own count, so the effective limit
    is `limit` x workers; every failure is also in the audit log.
    """

    def __init__(self, limit: int = 5, window: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, keys: Iterable[str]) -> bool:
        now = self._clock()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def retry_after(self, keys: Iterable[str]) -> int:
        now = self._clock()
        with self._lock:
            waits = [self.window - (now - self._recent(k, now)[0]) for k in keys
                     if len(self._recent(k, now)) >= self.limit]
        return max(1, int(max(waits, default=0)) + 1)

    def failed(self, keys: Iterable[str]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)


def throttle_keys(username: str, client: str | None) -> list[str]:
    return [f"user:{username.strip().lower()}", f"client:{client or 'unknown'}"]
