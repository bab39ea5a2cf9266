"""The desk's one clock: every "now" the desk records or compares comes from here.

The server and every command run on the real clock. The demo replays the 2022 scenario on
its own timeline: `replaying(moment)` sets this process's clock to `moment` for the length of
a block and lets it run on from there, so that the incidents are opened, the notices
generated and delivered, and the tasks due in November and December 2022 — and nothing the
demo writes mixes 2022 with today.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_offset = timedelta(0)


def now() -> datetime:
    """The current moment (UTC, aware)."""
    return datetime.now(UTC) + _offset


def today(tz: ZoneInfo) -> date:
    """Today's date in a time zone (the agency's, for due dates and clearance)."""
    return now().astimezone(tz).date()


@contextmanager
def replaying(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (for the demo's replay of 2022, and tests)."""
    global _offset
    if moment.tzinfo is None:
        raise ValueError("a replayed moment must carry a time zone")
    previous = _offset
    _offset = moment - datetime.now(UTC)
    try:
        yield
    finally:
        _offset = previous
