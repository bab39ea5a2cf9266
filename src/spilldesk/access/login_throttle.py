"""Login throttling in the database, so every worker counts the same failures.

An attempt is counted as a failure *before* the slow password check (`record_attempt`, in
its own short transaction), so attempts racing in parallel all see each other; a login that
succeeds takes its own attempt back and clears the username's count (`forgive`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.store.models import LoginFailure


@dataclass(frozen=True)
class ThrottleRule:
    limit: int = 5  # failures per key ...
    window_seconds: int = 300  # ... within this many seconds


def throttle_keys(username: str, client: str | None) -> list[str]:
    """Per username and per client address (the real client's, see web.auth.client_address)."""
    return [f"user:{username.strip().lower()[:150]}", f"client:{(client or 'unknown')[:150]}"]


def retry_after(session: Session, keys: Iterable[str], rule: ThrottleRule,
                now: datetime | None = None) -> int | None:
    """Seconds until a blocked key may try again, or None when no key is blocked."""
    moment = now or clock.now()
    since = moment - timedelta(seconds=rule.window_seconds)
    waits = []
    for key in keys:
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.at))
            .where(LoginFailure.key == key, LoginFailure.at > since)).one()
        if count >= rule.limit and oldest is not None:
            left = rule.window_seconds - (moment - oldest).total_seconds()
            waits.append(max(1, int(left) + 1))
    return max(waits) if waits else None


def record_attempt(session: Session, keys: Iterable[str],
                   now: datetime | None = None) -> list[int]:
    """Count this attempt as a failure under every key; the rows' ids, to forgive it."""
    moment = now or clock.now()
    rows = [LoginFailure(key=key, at=moment) for key in keys]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def forgive(session: Session, attempt_ids: list[int], username_key: str) -> None:
    """A login succeeded: not a failure, and the username starts afresh."""
    session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt_ids or [-1])))
    session.execute(delete(LoginFailure).where(LoginFailure.key == username_key))


def forget_old(session: Session, rule: ThrottleRule, now: datetime | None = None) -> None:
    """Drop failures older than the window (they no longer count)."""
    since = (now or clock.now()) - timedelta(seconds=rule.window_seconds)
    session.execute(delete(LoginFailure).where(LoginFailure.at <= since))
