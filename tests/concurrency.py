"""Two processes at the same row: hold a transaction open here while another process runs
into it, and know when it is waiting."""

from __future__ import annotations

import subprocess
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session


def wait_until_blocked(session_of_first: Session, second: subprocess.Popen[str], *,
                       may_finish: bool = False) -> None:
    """Until the second process waits for the first's transaction (PostgreSQL shows it in
    pg_stat_activity; SQLite cannot: its BEGIN IMMEDIATE queues the second until the first
    commits whatever the timing, so a short pause only makes the overlap likely).

    `may_finish`: the second may also end without waiting (a change that takes no lock the
    first holds, as before a fix); the test's own checks then judge what it did."""
    assert second.stdout is not None and second.stdout.readline().strip() == "ready"
    if session_of_first.get_bind().dialect.name != "postgresql":
        time.sleep(0.5)
        return
    mine = session_of_first.execute(text("SELECT pg_backend_pid()")).scalar_one()
    watch = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() " \
            "AND wait_event_type = 'Lock' AND pid <> :mine"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with session_of_first.get_bind().connect() as other:
            if other.execute(text(watch), {"mine": mine}).scalar_one():
                return
        if may_finish and second.poll() == 0:
            return
        assert second.poll() is None, second.communicate()
        time.sleep(0.05)
    pytest.fail("the second officer's process never waited for the first's transaction")
