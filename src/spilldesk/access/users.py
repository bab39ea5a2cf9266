"""The people and machines who use the desk: users with roles, passwords and API tokens.

Passwords are argon2id hashes (argon2-cffi): slow on purpose, checked once per login.
API tokens, only for machine users (removal schedulers), are random secrets of which only the
SHA-256 is kept: they are checked on every request, where argon2 would be far too slow, and
a 256-bit random secret needs no key stretching. Every token ends (`expires_at`) and holds a
scope, a subset of what a machine may do: an admin cannot mint a token to act as a person.
A password change or a deactivation ends the user's web logins (`access.logins`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.errors import Conflict, NotFound, ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import ApiToken, User, WebLogin

MIN_PASSWORD_LENGTH = 12
# The audit log names a user as "web:NAME" in a 100-character column: room for the prefix.
MAX_USERNAME_LENGTH = 64
TOKEN_PREFIX = "sdt_"  # nosec B105 # the public prefix of generated tokens
TOKEN_DAYS = 90  # a token's default lifetime
MAX_TOKEN_DAYS = 366
# What a machine token may be scoped to (the machine role's permissions, by their names).
TOKEN_SCOPES = ("clearance:check",)
# A token's last use is written at most this often, so checks do not all write.
LAST_USED_RESOLUTION = timedelta(minutes=5)

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a wrong password
# (made on first use: hashing at import would slow every command's start).
_dummy: dict[int, str] = {}


def _dummy_hash() -> str:
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy[key]


class Role(StrEnum):
    PRIVACY_OFFICER = "privacy_officer"
    OPLA_ATTORNEY = "opla_attorney"
    ERO_OFFICER = "ero_officer"
    CBP_LIAISON = "cbp_liaison"
    AUDITOR = "auditor"
    ADMIN = "admin"
    MACHINE = "machine"


class UserError(ServiceError):
    """A user or token cannot be created or found; the message says why."""


class UserNotFound(UserError, NotFound):
    """No such user or token."""

    status = NotFound.status


class UserExists(UserError, Conflict):
    """A user of that name already exists."""

    status = Conflict.status


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower().replace("-", "_"))
    except ValueError:
        raise UserError(
            f"role: {text!r} is not one of {', '.join(r.value for r in Role)}"
        ) from None


def generate_password() -> str:
    """A random password for a new user (shown once)."""
    return secrets.token_urlsafe(15)


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > MAX_USERNAME_LENGTH or any(c.isspace() for c in name):
        raise UserError(f"username: one word of at most {MAX_USERNAME_LENGTH} characters")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: at least {MIN_PASSWORD_LENGTH} characters")


def find_user(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise UserNotFound(f"no user {username!r} (see `spilldesk user list`)")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())


def add_user(
    session: Session, username: str, role: Role, password: str | None, *, actor: str
) -> User:
    """Create a user; a machine user has no password (it authenticates with tokens)."""
    name = _check_username(username)
    if find_user(session, name) is not None:
        raise UserExists(f"user {name!r} already exists")
    if role is Role.MACHINE:
        if password:
            raise UserError("a machine user has no password: give it a token")
        password_hash = None
    else:
        if not password:
            raise UserError("password: required for a person's account")
        _check_password(password)
        password_hash = _hasher.hash(password)
    user = User(username=name, role=role.value, password_hash=password_hash, active=True)
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.add",
        object_type="user",
        object_id=user.id,
        detail={"username": name, "role": role.value},
    )
    return user


def set_password(session: Session, username: str, password: str, *, actor: str) -> User:
    user = get_user(session, username)
    if user.role == Role.MACHINE:
        raise UserError("a machine user has no password")
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    end_logins_of(session, user.id)
    record_event(
        session,
        actor=actor,
        action="user.password",
        object_type="user",
        object_id=user.id,
        detail={"username": user.username},
    )
    return user


def set_active(session: Session, username: str, active: bool, *, actor: str) -> User:
    user = get_user(session, username)
    user.active = active
    if not active:
        end_logins_of(session, user.id)
    record_event(
        session,
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        object_type="user",
        object_id=user.id,
        detail={"username": user.username},
    )
    return user


def end_logins_of(session: Session, user_id: int) -> int:
    """End every browser session and access token of a user; how many were still open."""
    moment = clock.now()
    open_logins = session.execute(select(WebLogin).where(
        WebLogin.user_id == user_id, WebLogin.ended_at.is_(None))).scalars().all()
    for login in open_logins:
        login.ended_at = moment
    return len(open_logins)


def password_matches(stored: str | None, password: str) -> bool:
    """The slow check, outside any transaction (an unknown user costs as long)."""
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this password, or None (same cost for a wrong name)."""
    user = find_user(session, username)
    stored = user.password_hash if user is not None else None
    if not password_matches(stored, password):
        return None
    if user is None or stored is None or not user.active:
        return None
    rehash_if_needed(user, password)
    return user


def rehash_if_needed(user: User, password: str) -> None:
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scope(scope: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    names = scope.replace(",", " ").split() if isinstance(scope, str) else list(scope or [])
    if not names:
        return TOKEN_SCOPES
    unknown = sorted(set(names) - set(TOKEN_SCOPES))
    if unknown:
        raise UserError(f"scope: {', '.join(unknown)} is not one of {', '.join(TOKEN_SCOPES)}")
    return tuple(sorted(set(names)))


def issue_token(session: Session, username: str, label: str, *, actor: str,
                days: int = TOKEN_DAYS, scope: str | list[str] | tuple[str, ...] | None = None,
                ) -> tuple[ApiToken, str]:
    """A new token for the machine user `username`, ending after `days`; the secret is
    returned once, never stored. A person's account gets no token (it would let whoever
    issues it act as that person)."""
    user = get_user(session, username)
    if user.role != Role.MACHINE:
        raise UserError(f"user {username!r} is a person ({user.role}): API tokens are only for "
                        "machine users (spilldesk user add NAME --role machine)")
    if not user.active:
        raise UserError(f"user {username!r} is deactivated")
    if not label.strip():
        raise UserError("label: say what the token is for, e.g. removal-scheduler")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise UserError(f"days: a token lives 1 to {MAX_TOKEN_DAYS} days")
    scopes = parse_scope(scope)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=label.strip()[:100], token_hash=token_digest(secret),
                     expires_at=clock.now() + timedelta(days=days), scope=" ".join(scopes))
    session.add(token)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="token.issue",
        object_type="api_token",
        object_id=token.id,
        detail={"username": user.username, "label": token.name, "days": days,
                "scope": token.scope},
    )
    return token, secret


def user_for_token(
    session: Session, secret: str, *, now: datetime | None = None
) -> tuple[User, ApiToken] | None:
    """The active machine user behind an unrevoked, unexpired token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    row = session.execute(query.where(ApiToken.token_hash == token_digest(secret))).first()
    if row is None:
        return None
    token, user = row
    moment = now or clock.now()
    if token.revoked_at is not None or not user.active or user.role != Role.MACHINE:
        return None
    if token.expires_at is None or token.expires_at <= moment:
        return None
    if token.last_used_at is None or moment - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = moment
    return user, token


def list_tokens(session: Session, username: str | None = None) -> list[tuple[ApiToken, User]]:
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    if username is not None:
        query = query.where(User.username == username)
    return [(t, u) for t, u in session.execute(query).all()]


def revoke_token(session: Session, token_id: int, *, actor: str) -> ApiToken:
    """Revoke a token (idempotent). Its row is locked and re-read first: a second revocation
    at the same time waits, sees the first and changes nothing."""
    token = session.execute(select(ApiToken).where(ApiToken.id == token_id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    if token is None:
        raise UserNotFound(f"no token {token_id} (see `spilldesk user tokens`)")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        record_event(
            session,
            actor=actor,
            action="token.revoke",
            object_type="api_token",
            object_id=token.id,
            detail={"label": token.name},
        )
    return token
