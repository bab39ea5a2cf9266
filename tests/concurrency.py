"""Two processes at the same row: hold a transaction open here while another officer's
process runs into it, and know when it is waiting."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

# What every second officer's process does first: open the same desk, then say it is ready.
_PROLOGUE = """
import sys
from spilldesk.config import Settings
from spilldesk.store.db import open_store

store = open_store(Settings.load(sys.argv[1]))
args = sys.argv[2:]
print("ready", flush=True)
"""


def start_second_officer(settings, body: str, *args: object) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    """Another officer's process on the desk of `settings`: it opens the store, says "ready",
    runs `body` (Python with `store`, `sys` and `args`, the arguments as strings, in scope;
    it prints what it did) and closes the store."""
    script = _PROLOGUE + textwrap.dedent(body) + "\nstore.close()\n"
    return subprocess.Popen(
        [sys.executable, "-c", script, str(settings.workdir), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def outcome(second: subprocess.Popen[str], *, exit_code: int = 0) -> str:
    """What the second officer's process printed after "ready", once it ended as expected."""
    out, err = second.communicate(timeout=300)
    assert second.returncode == exit_code, (out, err[-2000:])
    return out


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
