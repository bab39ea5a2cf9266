"""A recipient's answer recorded while a letter run is deciding who gets a letter, from two
processes: the run sees the answer and writes that recipient no letter (on SQLite and on
PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from spilldesk import clock
from spilldesk.clawback.answers import record_answer
from spilldesk.store.clawback_models import ClawbackLetter, ClawbackRecipient
from tests.clawback.logs_made import RESUMED
from tests.clawback.test_desk import INCIDENT, desk, find  # noqa: F401 - fixture
from tests.concurrency import outcome, start_second_officer, wait_until_blocked

pytestmark = pytest.mark.db

# The letter run: another process writing every letter now due.
LETTERS = """
from pathlib import Path
from zoneinfo import ZoneInfo
from spilldesk.clawback.letters import write_letters

with store.session() as session:
    report = write_letters(session, args[0], Path(args[1]), actor="legal-two",
                           tz=ZoneInfo("America/New_York"))
print("letters", report.first_letters, "answered", report.answered, flush=True)
"""


def test_a_letter_run_sees_an_answer_recorded_at_the_same_time(desk, settings,  # noqa: F811
                                                               tmp_path: Path) -> None:
    store, logs, owners = desk
    find(logs, owners)  # four recipients; three with a known owner are due a first letter
    with store.session() as session:
        reference = session.execute(select(ClawbackRecipient.reference).where(
            ClawbackRecipient.client == RESUMED)).scalar_one()
    with store.session() as session:
        # The recipient certifies destruction before any letter, and it is being recorded...
        record_answer(session, INCIDENT, reference, status="destroyed", at=clock.now(),
                      evidence="signed certification", actor="legal-one",
                      tz=ZoneInfo("America/New_York"))
        # ...while the letter run starts.
        second = start_second_officer(settings, LETTERS, INCIDENT, tmp_path / "out")
        wait_until_blocked(session, second)
    out = outcome(second)
    assert out.split() == ["letters", "2", "answered", "1"]
    with store.session() as session:
        written = session.execute(select(ClawbackRecipient.reference).join(
            ClawbackLetter, ClawbackLetter.recipient_id == ClawbackRecipient.id)).scalars().all()
    assert len(written) == 2 and reference not in written
