"""Two officers send the same incident's notice to the same oversight body at once, from two
processes: each sending gets its own reference and its own files, whose digests are what was
recorded (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from spilldesk.reports.figures import report_figures
from spilldesk.reports.oversight import send_notice
from spilldesk.store.db import Store
from spilldesk.store.oversight_models import OversightNotice
from tests.concurrency import outcome, start_second_officer, wait_until_blocked
from tests.reports.test_oversight import desk  # noqa: F401 - fixture
from tests.web.desk_seed import ET, INCIDENT, Seeded

pytestmark = pytest.mark.db

# The second officer: another process sending the same notice.
SECOND_SENDING = """
from pathlib import Path
from zoneinfo import ZoneInfo
from spilldesk.reports.figures import report_figures
from spilldesk.reports.oversight import send_notice

with store.session() as session:
    figures = report_figures(session, args[0], tz=ZoneInfo("America/New_York"))
    sent = send_notice(session, figures, "cpo", Path(args[1]), actor="officer-two")
print("sent", sent.reference, flush=True)
"""


def test_two_sendings_at_once_get_their_own_reference(desk: Seeded, store: Store,  # noqa: F811
                                                      settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with store.session() as session:
        figures = report_figures(session, INCIDENT, tz=ET)
        first = send_notice(session, figures, "cpo", out, actor="officer-one")
        second = start_second_officer(settings, SECOND_SENDING, INCIDENT, out)
        wait_until_blocked(session, second)
    output = outcome(second)
    with store.session() as session:
        sent = session.execute(select(OversightNotice).order_by(OversightNotice.id)
                               ).scalars().all()
    assert [s.reference for s in sent] == [first.reference, output.split()[1]]
    assert len({s.document_path for s in sent}) == 2
    for row in sent:  # each file is the one its record vouches for
        assert hashlib.sha256(Path(row.document_path).read_bytes()).hexdigest() == \
            row.document_sha256
