"""Login throttling in the database, so every worker counts the same failures.

An attempt is counted as a failure *before* the slow password check (`admit_attempt`, in
its own short transaction), so attempts racing in parallel all see each other; a login that
succeeds takes its own attempt back and clears the username's count (`forgive`).
`admit_attempt` holds a lock on each key while it counts and records (PostgreSQL: without it,
parallel attempts each count the failures committed before them and all get in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.store.db import exclusive
from spilldesk.store.models import LoginFailure


@dataclass(frozen=True)
class ThrottleRule:
    limit: int = 5  # failures per key ...
    window_seconds: int = 300  # ... within this many seconds


def throttle_keys(username: str, client: str | None) -> list[str]:
    """Per username and per client address (the real client's, see web.auth.client_address)."""
    return [f"user:{username.strip().lower()[:150]}", f"client:{(client or 'unknown')[:150]}"]


def admit_attempt(session: Session, keys: Iterable[str], rule: ThrottleRule,
                  now: datetime | None = None) -> tuple[int | None, list[int]]:
    """(seconds to wait, []) when a key is blocked; else (None, the ids of this attempt's
    failure rows, to forgive it). Each key is locked until the transaction ends, in one order
    (no deadlock), so a parallel attempt on the same key counts this one."""
    ordered = sorted(set(keys))
    for key in ordered:
        exclusive(session, f"login-throttle:{key}")
    wait = retry_after(session, ordered, rule, now)
    if wait is not None:
        return wait, []
    return None, record_attempt(session, ordered, now)


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
