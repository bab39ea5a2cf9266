"""A login racing a password change, parallel login attempts racing the throttle, and two
revocations of one token, from two processes: the password change ends the login, the
throttle counts every attempt, the token is revoked once (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from spilldesk import clock
from spilldesk.access.login_throttle import ThrottleRule, admit_attempt, record_attempt
from spilldesk.access.logins import BROWSER, confirm_login, open_login, user_for_login
from spilldesk.access.users import Role, add_user, find_user, issue_token, revoke_token
from spilldesk.store.db import Store
from spilldesk.store.models import ApiToken, AuditEvent, LoginFailure
from tests.concurrency import outcome, start_second_officer, wait_until_blocked

pytestmark = pytest.mark.db

# The administrator: another process, resetting the password (it ends every login).
RESET_PASSWORD = """
from spilldesk.access.users import set_password

with store.session() as session:
    set_password(session, "officer", "a new and longer password", actor="admin")
print("reset", flush=True)
"""

# Another login attempt on the same username: let in by the throttle, or told to wait.
ANOTHER_ATTEMPT = """
from spilldesk.access.login_throttle import ThrottleRule, admit_attempt

with store.session() as session:
    wait, _ = admit_attempt(session, ["user:officer", "client:10.0.0.2"], ThrottleRule(limit=2))
print("admitted" if wait is None else "refused", flush=True)
"""


def test_a_password_change_ends_a_login_opened_at_the_same_time(store: Store,
                                                                settings) -> None:
    with store.session() as session:
        add_user(session, "officer", Role.ERO_OFFICER, "the old password, long enough", actor="t")
    with store.session() as session:
        checked = find_user(session, "officer")
        assert checked is not None
        user_id, checked_hash = checked.id, checked.password_hash
    # (the old password was checked against `checked_hash`, outside any transaction)
    with store.session() as session:
        user = confirm_login(session, user_id, checked_hash)
        assert user is not None
        secret = open_login(session, user, BROWSER)
        # ...the login is not committed yet when the administrator resets the password.
        second = start_second_officer(settings, RESET_PASSWORD)
        wait_until_blocked(session, second, may_finish=True)
    out = outcome(second)
    assert out.strip() == "reset"
    with store.session() as session:
        assert user_for_login(session, secret, BROWSER) is None  # the reset ended it


def test_parallel_attempts_all_count_towards_the_throttle(store: Store, settings) -> None:
    keys = ["user:officer", "client:10.0.0.1"]
    with store.session() as session:
        record_attempt(session, keys, clock.now() - timedelta(seconds=10))  # one failure
    with store.session() as session:
        wait, counted = admit_attempt(session, keys, ThrottleRule(limit=2))
        assert wait is None and counted  # the second failure: the limit is reached...
        # ...but not committed yet when another attempt on the same username arrives.
        second = start_second_officer(settings, ANOTHER_ATTEMPT)
        wait_until_blocked(session, second, may_finish=True)
    out = outcome(second)
    assert out.strip() == "refused"
    with store.session() as session:
        failures = session.scalar(select(func.count()).select_from(LoginFailure)
                                  .where(LoginFailure.key == "user:officer"))
    assert failures == 2


# The second administrator: another process revoking the same token.
REVOKE = """
from spilldesk.access.users import revoke_token

with store.session() as session:
    revoke_token(session, int(args[0]), actor="admin-two")
print("revoked", flush=True)
"""


def test_two_revocations_of_a_token_at_once_record_one(store: Store, settings) -> None:
    with store.session() as session:
        add_user(session, "scheduler", Role.MACHINE, None, actor="t")
        token, _ = issue_token(session, "scheduler", "removal-scheduler", actor="t")
        token_id = token.id
    with store.session() as session:
        first = revoke_token(session, token_id, actor="admin-one")
        revoked_at = first.revoked_at
        second = start_second_officer(settings, REVOKE, token_id)
        wait_until_blocked(session, second)
    out = outcome(second)
    assert out.strip() == "revoked"
    with store.session() as session:
        assert session.get(ApiToken, token_id).revoked_at == revoked_at  # type: ignore[union-attr]
        events = session.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "token.revoke")).scalars().all()
        assert events == ["admin-one"]
