"""Two pushes of one system's alerts at once, and two acknowledgements of one alert at once,
from two processes: each alert is sent once and acknowledged once (on SQLite and on
PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from spilldesk.notify.alerts import acknowledge_alert, push_alerts
from spilldesk.store.db import Store
from spilldesk.store.models import Alert, AuditEvent
from tests.concurrency import outcome, start_second_officer, wait_until_blocked
from tests.notify.test_alerts import ACTOR, SECRET, Receiver, alerts  # noqa: F401 - fixture

pytestmark = pytest.mark.db

# The second run: another process pushing the same system's alerts to the same receiver.
SECOND_PUSH = """
from spilldesk.notify.alerts import push_alerts

with store.session() as session:
    report = push_alerts(session, "ERO", args[0], args[1].encode(), actor="cron-two")
print("delivered", report.delivered, flush=True)
"""

# The second acknowledgement: another process, the receiving system acknowledging again.
SECOND_ACK = """
from spilldesk.notify.alerts import acknowledge_alert

with store.session() as session:
    acknowledge_alert(session, int(args[0]), actor="ero-two")
print("acknowledged", flush=True)
"""


def test_two_pushes_at_once_send_each_alert_once(alerts: Store, settings) -> None:  # noqa: F811
    with Receiver() as receiver:
        with alerts.session() as session:
            # The first run has delivered every ERO alert and not committed yet...
            first = push_alerts(session, "ERO", receiver.url, SECRET, actor=ACTOR)
            assert first.delivered == 3
            # ...when the second run starts.
            second = start_second_officer(settings, SECOND_PUSH, receiver.url, SECRET.decode())
            wait_until_blocked(session, second)
        out = outcome(second)
    assert out.split() == ["delivered", "0"]  # nothing was left to send
    assert len(receiver.bodies) == 3 and all(receiver.valid)
    with alerts.session() as session:
        ero = session.execute(select(Alert).where(Alert.system == "ERO")).scalars().all()
        assert {(a.status, a.attempts) for a in ero} == {("delivered", 1)}


def test_two_acknowledgements_at_once_record_one(alerts: Store, settings) -> None:  # noqa: F811
    with alerts.session() as session:
        alert_id = session.execute(select(Alert.id).where(Alert.system == "ERO")
                                   .order_by(Alert.id)).scalars().first()
        assert alert_id is not None
    with alerts.session() as session:
        acknowledge_alert(session, alert_id, actor="ero-one")
        second = start_second_officer(settings, SECOND_ACK, alert_id)
        wait_until_blocked(session, second)
    out = outcome(second)
    assert out.strip() == "acknowledged"
    with alerts.session() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        assert (alert.status, alert.acknowledged_by) == ("acknowledged", "ero-one")
        events = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "alert.acknowledge"))
        assert events == 1
