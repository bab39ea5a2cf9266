"""When the demo does each step of the 2022 response, on the desk's one clock.

The demo replays the response as it could have run: the desk set up the afternoon the workbook
came down, the Nov 28 incident linked, planned and noticed within days, the Dec 7 incident nine
days later in its own transactions, and the removal flight of Dec 14 checked the day before.
Every record the demo writes carries these times (`spilldesk.clock.replaying`), so the pages,
letters and audit log never mix 2022 with today. After the demo the desk runs on the real clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from spilldesk.scenario.timeline import (
    CUBA_DISCOVERED,
    EASTERN,
    REMOVAL_FLIGHT,
    WORKBOOK_REMOVED,
)


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=EASTERN)


@dataclass(frozen=True)
class IncidentSteps:
    """The moments of one incident's response."""

    opened: datetime  # opened and the disclosed document ingested
    linked: datetime
    planned: datetime
    generated: datetime  # notice packets printed
    first_delivery: datetime  # officers and the mail house start
    delivery_spread: timedelta  # deliveries happen over this span after `first_delivery`
    deliveries_recorded: datetime  # the officers' sheets and mail-house files come back


REGISTRY_IMPORTED = WORKBOOK_REMOVED + timedelta(minutes=56)  # Nov 28, 15:00

NOV_28 = IncidentSteps(
    opened=_at(11, 28, 15, 30),
    linked=_at(11, 29, 9),
    planned=_at(11, 29, 11),
    generated=_at(11, 30, 9),
    first_delivery=_at(12, 1, 9),
    delivery_spread=timedelta(hours=96),
    deliveries_recorded=_at(12, 6, 17),
)

DEC_7 = IncidentSteps(
    opened=CUBA_DISCOVERED + timedelta(minutes=25),  # Dec 7, 17:00
    linked=_at(12, 8, 9),
    planned=_at(12, 8, 11),
    generated=_at(12, 8, 14),
    first_delivery=_at(12, 9, 9),
    delivery_spread=timedelta(hours=72),
    deliveries_recorded=_at(12, 13, 12),
)

STEPS = {"ICE-2022-11-28": NOV_28, "DHS-2022-12-07": DEC_7}
MAIL_RETURNED_AFTER = timedelta(days=7)  # undeliverable mail comes back about a week later
RETURNS_RECORDED = _at(12, 13, 12)
FLIGHT_CHECKED = datetime.combine(REMOVAL_FLIGHT - timedelta(days=1), datetime.min.time(),
                                  tzinfo=EASTERN) + timedelta(hours=16)  # Dec 13, 16:00
# The clawback: OPLA reads the web server's log and writes to every recipient (a week to
# answer), two answers come back, and the silent ones get a follow-up.
CLAWBACK = _at(12, 14, 9)
CLAWBACK_ANSWERS = _at(12, 16, 15)
CLAWBACK_FOLLOW_UP = _at(12, 22, 9)
CLAWBACK_REPLY_DAYS = 7
# The pause extended for everyone held (the seed: "we are extending the 30-day pause"), and
# the letters to those whose notice already went out.
HOLDS_EXTENDED = _at(12, 14, 12)
EXTENSION_DAYS = 30
# The reports: the investigation record is kept as it happened; the incident reports and the
# notices to oversight are written the day after the clawback's follow-ups.
INVESTIGATION_OPENED = _at(11, 30, 10)
REPORTED = _at(12, 23, 10)
