"""Alerts for the ERO and OPLA record systems and for CBP: the feed, signed webhooks, acks.

Planning creates the Alert rows (one per person x incident x system x kind). This module
hands them to the receiving systems, either as a feed file (JSON Lines or CSV) or pushed to
a webhook, and records their acknowledgement.

What leaves the desk: the alert id, the system, the alert kind, the incident id, the
person's A-number and when the alert was raised. The receiving systems of record already
hold the A-number (it is their key); no name, date of birth, address, nationality or case
detail is ever sent. Reading A-numbers to build a feed is an audited bulk read.

Webhooks: POST of one JSON alert per request, with `X-Spilldesk-Signature: sha256=<hex>`,
the HMAC-SHA256 of the exact body under a secret shared with the receiver. A transport
error, 408, 429 or 5xx is retried with exponential backoff; any other 4xx is final.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.errors import NotFound, ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import Alert, Person
from spilldesk.store.people import a_numbers_for, read_people

SYSTEMS = ("ERO", "OPLA", "CBP")
FORMATS = ("jsonl", "csv")
SIGNATURE_HEADER = "X-Spilldesk-Signature"
UNDELIVERED = ("pending", "failed")
_RETRYABLE = frozenset({408, 429})


class AlertError(ServiceError):
    """A request about alerts that cannot be carried out (the message says why)."""


class AlertNotFound(AlertError, NotFound):
    """No alert of that id."""

    status = NotFound.status


@dataclass(frozen=True)
class AlertMessage:
    """Exactly what a receiving system gets for one alert (see the module docstring)."""

    alert_id: int
    system: str
    kind: str
    incident: str
    a_number: str
    raised_at: str

    def body(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class PushReport:
    system: str
    delivered: int
    failed: int
    attempts: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_system(system: str) -> str:
    upper = system.strip().upper()
    if upper not in SYSTEMS:
        raise AlertError(f"--system: {system!r} is not one of {', '.join(SYSTEMS)}")
    return upper


def alert_feed(
    session: Session, system: str, *, actor: str, statuses: Collection[str] | None = None
) -> list[AlertMessage]:
    """The alerts for one system, oldest first; reading their A-numbers is audited."""
    query = select(Alert, Person).join(Person, Person.id == Alert.person_id)
    query = query.where(Alert.system == check_system(system))
    if statuses:
        query = query.where(Alert.status.in_(sorted(statuses)))
    rows = session.execute(query.order_by(Alert.id)).all()
    people = [person for _, person in rows]
    pii = read_people(session, people, actor=actor, purpose=f"alert feed {system.upper()}")
    return [
        AlertMessage(
            alert.id,
            alert.system,
            alert.kind,
            alert.incident_id,
            pii[person.id].a_number,
            alert.created_at.isoformat(),
        )
        for alert, person in rows
    ]


def render_feed(messages: Sequence[AlertMessage], fmt: str) -> str:
    """The feed as JSON Lines or CSV (header: the AlertMessage fields)."""
    if fmt == "jsonl":
        return "".join(m.body().decode() + "\n" for m in messages)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(AlertMessage.__dataclass_fields__))
        writer.writeheader()
        writer.writerows(asdict(m) for m in messages)
        return buffer.getvalue()
    raise AlertError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")


def sign(body: bytes, secret: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, secret: bytes, header: str | None) -> bool:
    """For receivers (and tests): constant-time check of the signature header."""
    return header is not None and hmac.compare_digest(sign(body, secret), header)


def push_alerts(
    session: Session,
    system: str,
    url: str,
    secret: bytes,
    *,
    actor: str,
    max_attempts: int = 5,
    base_delay: float = 0.5,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> PushReport:
    """POST every undelivered alert of a system to its webhook; state goes on each Alert row."""
    if not secret:
        raise AlertError("the webhook secret is empty: set it before pushing alerts")
    if max_attempts < 1:
        raise AlertError("--max-attempts must be at least 1")
    # Lock the undelivered alerts first (and re-read them): a push or an acknowledgement
    # running at the same time waits for this one and then sees what it did, instead of
    # sending the same alerts again or overwriting their state with what it read before.
    locked = session.execute(
        select(Alert).where(Alert.system == check_system(system), Alert.status.in_(UNDELIVERED))
        .order_by(Alert.id).with_for_update().execution_options(populate_existing=True)
    ).scalars()
    alerts = {a.id: a for a in locked}
    messages = [m for m in alert_feed(session, system, actor=actor, statuses=UNDELIVERED)
                if m.alert_id in alerts]
    delivered = failed = attempts = 0
    with httpx.Client(timeout=timeout) as client:
        for message in messages:
            tries = _deliver(
                client,
                url,
                secret,
                message,
                alerts[message.alert_id],
                max_attempts,
                base_delay,
                sleep,
            )
            attempts += tries
            ok = alerts[message.alert_id].status == "delivered"
            delivered, failed = delivered + ok, failed + (not ok)
            session.flush()
    report = PushReport(check_system(system), delivered, failed, attempts)
    record_event(
        session,
        actor=actor,
        action="alerts.push",
        object_type="alert",
        object_id=None,
        detail={**report.to_json(), "alert_ids": [m.alert_id for m in messages]},
    )
    return report


def _deliver(
    client: httpx.Client,
    url: str,
    secret: bytes,
    message: AlertMessage,
    alert: Alert,
    max_attempts: int,
    base_delay: float,
    sleep: Callable[[float], None],
) -> int:
    """Try one alert until it is delivered, fails for good, or runs out of attempts."""
    body = message.body()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        "X-Spilldesk-Alert": str(message.alert_id),
    }
    for attempt in range(1, max_attempts + 1):
        alert.attempts += 1
        alert.last_attempt_at = clock.now()
        retry = _post(client, url, body, headers, alert)
        if alert.status == "delivered" or not retry:
            return attempt
        if attempt < max_attempts:
            sleep(base_delay * 2 ** (attempt - 1))
    return max_attempts


def _post(
    client: httpx.Client, url: str, body: bytes, headers: dict[str, str], alert: Alert
) -> bool:
    """One POST; sets the alert's state and says whether trying again could help."""
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        alert.status, alert.last_error = "failed", f"transport: {type(exc).__name__}"
        return True
    if response.is_success:
        alert.status, alert.last_error, alert.delivered_at = "delivered", None, clock.now()
        return False
    alert.status, alert.last_error = "failed", f"HTTP {response.status_code}"
    return response.status_code in _RETRYABLE or response.status_code >= 500


def acknowledge_alert(session: Session, alert_id: int, *, actor: str) -> Alert:
    """Record that the receiving system has placed the alert (idempotent). The alert's row
    is locked and re-read first: a second acknowledgement at the same time waits, sees the
    first and changes nothing."""
    alert = session.execute(
        select(Alert).where(Alert.id == alert_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if alert is None:
        raise AlertNotFound(f"no alert {alert_id}")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = clock.now(), actor
        alert.status = "acknowledged"
        record_event(
            session,
            actor=actor,
            action="alert.acknowledge",
            object_type="alert",
            object_id=alert_id,
            detail={"system": alert.system, "incident": alert.incident_id},
        )
    return alert


def alert_summary(alert: Alert, tail: str) -> dict[str, Any]:
    """An alert as the desk shows it: the A-number masked."""
    return {
        "id": alert.id,
        "system": alert.system,
        "kind": alert.kind,
        "incident": alert.incident_id,
        "a_number": f"A*****{tail}",
        "status": alert.status,
        "attempts": alert.attempts,
        "last_error": alert.last_error,
        "delivered_at": _iso(alert.delivered_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def list_alerts(session: Session, system: str | None = None, *, reveal_a_numbers: bool = False,
                actor: str = "") -> list[dict[str, Any]]:
    """Every alert (of one system), A-numbers masked, or whole with `reveal_a_numbers` (one
    audited bulk read)."""
    query = select(Alert, Person.a_number_tail).join(Person, Person.id == Alert.person_id)
    if system:
        query = query.where(Alert.system == check_system(system))
    rows = session.execute(query.order_by(Alert.id)).all()
    listed = [alert_summary(a, tail) for a, tail in rows]
    if reveal_a_numbers:
        whole = a_numbers_for(session, (a.person_id for a, _ in rows), reveal=True, actor=actor,
                              purpose="alerts.list (--show-a-numbers)")
        for summary, (alert, _) in zip(listed, rows, strict=True):
            summary["a_number"] = whole[alert.person_id]
    return listed
