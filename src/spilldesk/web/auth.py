"""How a request proves who it is: browser sessions, OAuth2 access tokens, API tokens.

- Browsers: a cookie (signed by Starlette's SessionMiddleware) holding only a random login
  secret and a CSRF token; the login itself is a row in the database (`access.logins`), so
  logout, a password change and a deactivation end it. Secure and SameSite=Strict.
- Scripts: `POST /api/auth/token` (OAuth2 password flow) returns an access token, also a
  database login (`sda_...`), ending after 8 hours or with the user's logins.
- Machines: API tokens of machine users (`spilldesk user token`), scoped and expiring,
  checked by SHA-256 digest.
The cookie-signing secret lives in the work directory (`web-secret`, mode 0600).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spilldesk.access.logins import LOGIN_SECONDS

SECRET_FILE = "web-secret"  # nosec B105 # a file name; the secret is generated in it
ACCESS_TOKEN_SECONDS = LOGIN_SECONDS
SESSION_SECONDS = LOGIN_SECONDS
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Principal:
    """The user behind a request, and how they proved it (session | access_token | api_token).

    `scopes`: for an API token, the only permissions it carries (None: the role's own)."""

    user_id: int
    username: str
    role: str
    via: str
    scopes: frozenset[str] | None = None

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


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected), str(given))


def parse_proxies(text: str | Iterable[str]) -> tuple[Network, ...]:
    """Trusted proxy addresses or networks ("10.0.0.5, 10.1.0.0/16"); ValueError names one."""
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(f"trusted proxy: {item!r} is not an IP address or network") from None
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None,
                   proxies: Sequence[Network]) -> str | None:
    """The real client: the peer, unless the peer is a configured trusted proxy; then the
    right-most X-Forwarded-For address that is not itself a trusted proxy. A header from an
    untrusted peer is ignored (anyone can send one)."""
    if peer is None or not _trusted(peer, proxies) or not forwarded_for:
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, proxies):
            return hop
    return peer
