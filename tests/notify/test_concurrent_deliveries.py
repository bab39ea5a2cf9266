"""Two officers record deliveries of the same notice at once, from two processes: neither
record is lost, and the notice's status is the one its latest delivery gives (the second
recording sees the first) — on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.notify.notices import Delivery, ensure_notices_for, record_delivery
from spilldesk.store.audit import verify
from spilldesk.store.models import AuditEvent, DeliveryAttempt, Exposure, Notice
from spilldesk.store.people import find_people
from tests.concurrency import outcome, start_second_officer, wait_until_blocked

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
A_NUMBER = "A200000001"

# The second officer: another process, recording an earlier attempt on the same notice.
SECOND_OFFICER = """
from datetime import datetime
from spilldesk.notify.notices import Delivery, record_delivery

with store.session() as session:
    record_delivery(session, "NOV28", args[0], "noncitizen",
                    Delivery("attempted", datetime.fromisoformat(args[1]),
                             served_by="Officer Two", location="KRO"),
                    actor="officer-two")
print("recorded", flush=True)
"""


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=ET)


@pytest.fixture
def desk(store, tmp_path: Path):
    files = {
        "f.csv": "facility_code,name,address_line1,city,state,postal_code\n"
                 "KRO,Krome North SPC,18201 SW 12th St,Miami,FL,33194\n",
        "p.csv": "a_number,family_name,given_name,date_of_birth,language,custody,facility_code\n"
                 f"{A_NUMBER},Núñez Gómez,José,1980-01-02,es,detained,KRO\n",
    }
    with store.session() as session:
        for name, body in files.items():
            (tmp_path / name).write_text(body, encoding="utf-8")
            import_file(session, tmp_path / name, kind=None, actor="test", tz=ET)
        open_incident(session, IncidentSpec(
            id="NOV28", title="t", exposed_from=_at("2022-11-28T09:45"),
            exposed_until=_at("2022-11-28T14:04"), notice_languages=("en", "es"),
            disclosed_how="public_posting"), actor="test")
        person = find_people(session, [A_NUMBER])[A_NUMBER]
        session.add(Exposure(incident_id="NOV28", person_id=person.id, source="manual",
                             created_by="test", data_elements=["a_number"]))
        session.flush()
        for notice in ensure_notices_for(session, [*session.execute(select(Exposure)).scalars()],
                                         actor="test"):
            notice.generated_at = _at("2022-11-30T09:00")
    return store


def test_two_officers_at_once_lose_nothing(desk, settings) -> None:
    with desk.session() as session:
        # The first officer records the later delivery and has not committed yet...
        record_delivery(session, "NOV28", A_NUMBER, "noncitizen",
                        Delivery("delivered", _at("2022-12-02T12:00"), served_by="Officer One",
                                 location="KRO"), actor="officer-one")
        # ...while the second records an earlier attempt at the same notice.
        second = start_second_officer(settings, SECOND_OFFICER, A_NUMBER,
                                      _at("2022-12-02T11:00").isoformat())
        wait_until_blocked(session, second)
    assert outcome(second).strip() == "recorded"
    with desk.session() as session:
        notice = session.execute(select(Notice).where(Notice.recipient == "noncitizen")
                                 ).scalar_one()
        attempts = session.execute(select(DeliveryAttempt).order_by(DeliveryAttempt.at)
                                   ).scalars().all()
        assert [(a.status, a.created_by) for a in attempts] == [
            ("attempted", "officer-two"), ("delivered", "officer-one")]
        # The latest delivery decides, although it was recorded first.
        assert notice.status == "delivered" and not notice.follow_up
        events = session.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "notice.delivery"))
        assert events == 2
        assert verify(session).ok


# The print run: another process generating the incident's open notices.
PRINT_RUN = """
from pathlib import Path
from zoneinfo import ZoneInfo
from spilldesk.notify.generate import generate_packets

with store.session() as session:
    report = generate_packets(session, "NOV28", Path(args[0]), actor="printer",
                              tz=ZoneInfo("America/New_York"), progress=False, workers=1)
print("packets", report.packets, flush=True)
"""


def test_a_print_run_leaves_a_notice_delivered_meanwhile_delivered(desk, settings,
                                                                   tmp_path: Path) -> None:
    with desk.session() as session:
        # An officer records the hand delivery and has not committed yet...
        record_delivery(session, "NOV28", A_NUMBER, "noncitizen",
                        Delivery("delivered", _at("2022-12-02T12:00"), served_by="Officer One",
                                 location="KRO"), actor="officer-one")
        # ...when a print run of the incident's open notices starts.
        second = start_second_officer(settings, PRINT_RUN, tmp_path / "out")
        wait_until_blocked(session, second)
    out = outcome(second)
    with desk.session() as session:
        notices = {n.recipient: n for n in session.execute(select(Notice)).scalars()}
        # The delivered notice was not printed again, nor set back to its earlier status.
        assert notices["noncitizen"].status == "delivered"
        assert out.split() == ["packets", str(len(notices) - 1)]
        assert verify(session).ok
