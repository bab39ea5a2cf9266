"""Who may hold a key to the desk, and for how long: machine-only API tokens that end and
are scoped; logins kept server-side (logout, a password change and a deactivation end them);
secrets shown once in a page, never in the cookie; Secure, SameSite=Strict cookies; login
throttling in the database, keyed on the real client behind trusted proxies only."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from spilldesk import clock
from spilldesk.access.users import (
    Role,
    UserError,
    add_user,
    issue_token,
    set_active,
    set_password,
    user_for_token,
)
from spilldesk.cli.main import app as cli
from spilldesk.config import Settings
from spilldesk.store.db import Store
from spilldesk.store.models import LoginFailure
from spilldesk.web import login as login_module
from spilldesk.web.app import create_app
from spilldesk.web.auth import client_address, parse_proxies
from tests.web.conftest import bearer
from tests.web.desk_seed import ACTOR, PASSWORD, Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db


def _cookie_payload(client: TestClient) -> str:
    """What Starlette's signed session cookie carries, decoded (signed is not secret)."""
    value = client.cookies.get("spilldesk_session") or ""
    data = value.split(".")[0]
    return base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", "replace")


# --- 1. tokens only for machines, ending and scoped; logins that can be ended -----------------

def test_an_admin_cannot_mint_a_token_for_a_person(client: TestClient, seeded: Seeded,
                                                    settings: Settings) -> None:
    headers = bearer(client, "admin")
    refused = client.post("/api/users/ero_officer/tokens", headers=headers,
                          json={"label": "act as ero"})
    assert refused.status_code == 422 and "only for machine users" in refused.json()["detail"]
    result = CliRunner().invoke(cli, ["user", "token", "privacy_officer", "--label", "x"])
    assert result.exit_code == 2 and "only for machine users" in result.stderr


def test_machine_tokens_end_and_carry_a_scope(client: TestClient, store: Store,
                                              seeded: Seeded) -> None:
    with store.session() as session:
        add_user(session, "scheduler", Role.MACHINE, None, actor=ACTOR)
        token, secret = issue_token(session, "scheduler", "removal", actor=ACTOR, days=1)
        assert token.scope == "clearance:check"
        assert token.expires_at is not None
        assert user_for_token(session, secret) is not None
        assert user_for_token(session, secret, now=clock.now() + timedelta(days=2)) is None
        with pytest.raises(UserError, match="scope"):
            issue_token(session, "scheduler", "x", actor=ACTOR, scope="users:manage")
        with pytest.raises(UserError, match="days"):
            issue_token(session, "scheduler", "x", actor=ACTOR, days=10_000)
    issued = client.post("/api/users/scheduler/tokens", headers=bearer(client, "admin"),
                         json={"label": "nightly", "days": 30})
    assert issued.status_code == 201 and issued.json()["scope"] == ["clearance:check"]


def test_logout_ends_the_login_even_for_a_copied_cookie(client: TestClient, store: Store,
                                                        settings: Settings,
                                                        seeded: Seeded) -> None:
    login(client, "privacy_officer")
    copied = dict(client.cookies)
    page = client.get("/")
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    with TestClient(create_app(settings, store=store), base_url="https://testserver",
                    cookies=copied) as thief:
        assert thief.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize("change", ["password", "deactivate"])
def test_password_change_and_deactivation_end_every_login(client: TestClient, store: Store,
                                                          seeded: Seeded, change: str) -> None:
    token = bearer(client, "auditor")
    login(client, "auditor")
    assert client.get("/api/auth/me").status_code == 200
    assert client.get("/api/auth/me", headers=token).status_code == 200
    with store.session() as session:
        if change == "password":
            set_password(session, "auditor", "a brand new password", actor=ACTOR)
        else:
            set_active(session, "auditor", False, actor=ACTOR)
    assert client.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", headers=token).status_code == 401


def test_an_access_token_can_log_itself_out(client: TestClient, seeded: Seeded) -> None:
    token = bearer(client, "auditor")
    assert client.post("/api/auth/logout", headers=token).json() == {"ended": True}
    assert client.get("/api/auth/me", headers=token).status_code == 401


# --- 2. secrets shown once in the page, never in the cookie; cookie flags --------------------

def test_a_generated_password_is_never_in_the_cookie(client: TestClient, seeded: Seeded) -> None:
    login(client, "admin")
    page = client.get("/users")
    added = client.post("/users", data={"csrf_token": csrf_of(page.text),
                                        "username": "newcomer", "role": "auditor"})
    assert "shown once" in added.text
    password = added.text.split('id="secret">')[1].split("<")[0].strip()
    assert len(password) >= 12
    assert added.headers["cache-control"] == "no-store"
    assert password not in _cookie_payload(client)
    assert password not in added.headers.get("set-cookie", "")
    assert password not in client.get("/users").text  # shown once


def test_a_machine_token_is_shown_in_the_page_not_the_cookie(client: TestClient, store: Store,
                                                             seeded: Seeded) -> None:
    with store.session() as session:
        add_user(session, "scheduler", Role.MACHINE, None, actor=ACTOR)
    login(client, "admin")
    page = client.get("/users")
    issued = client.post("/users/scheduler/tokens", data={"csrf_token": csrf_of(page.text),
                                                          "label": "nightly", "days": "7"})
    secret = issued.text.split('id="secret">')[1].split("<")[0].strip()
    assert secret.startswith("sdt_") and secret not in _cookie_payload(client)
    assert "valid until" in issued.text
    refused = client.post("/users/auditor/tokens", data={"csrf_token": csrf_of(page.text),
                                                         "label": "as a person"})
    assert "only for machine users" in refused.text


def test_the_session_cookie_is_secure_and_strict(client: TestClient, seeded: Seeded) -> None:
    form = client.get("/login")
    response = client.post("/login", data={"username": "auditor", "password": PASSWORD,
                                           "csrf_token": csrf_of(form.text), "next": "/"},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "samesite=strict" in cookie and "httponly" in cookie
    assert "user_id" not in _cookie_payload(client)  # an opaque login, not who you are


def test_insecure_http_is_refused_off_loopback(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--insecure-http"])
    assert result.exit_code == 2 and "loopback" in result.stderr


# --- 5. login throttling in the database, on the real client -------------------------------

@pytest.fixture
def second_worker(store: Store, settings: Settings) -> Iterator[TestClient]:
    """Another worker process's application over the same database."""
    with TestClient(create_app(settings, store=store), base_url="https://testserver") as other:
        yield other


def test_throttling_is_shared_by_every_worker(client: TestClient, second_worker: TestClient,
                                              seeded: Seeded) -> None:
    for _ in range(5):
        client.post("/api/auth/token", data={"username": "auditor", "password": "wrong"})
    refused = second_worker.post("/api/auth/token", data={"username": "auditor",
                                                          "password": PASSWORD})
    assert refused.status_code == 429


def test_a_failure_is_counted_before_the_slow_hash(client: TestClient, store: Store,
                                                   seeded: Seeded,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def slow_check(stored: str | None, password: str) -> bool:
        with store.session(writing=False) as session:
            seen.append(session.execute(select(func.count()).select_from(LoginFailure)
                                        .where(LoginFailure.key == "user:auditor")).scalar_one())
        return False

    monkeypatch.setattr(login_module, "password_matches", slow_check)
    client.post("/api/auth/token", data={"username": "auditor", "password": "wrong"})
    assert seen == [1]


def test_a_success_takes_its_attempt_back(client: TestClient, store: Store,
                                          seeded: Seeded) -> None:
    for _ in range(4):
        client.post("/api/auth/token", data={"username": "auditor", "password": "wrong"})
    bearer(client, "auditor")
    with store.session(writing=False) as session:
        keys = {k for (k,) in session.execute(select(LoginFailure.key))}
    assert "user:auditor" not in keys


def test_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    proxies = parse_proxies("10.0.0.0/24, 10.9.9.9")
    assert client_address("10.0.0.5", "203.0.113.7", proxies) == "203.0.113.7"
    assert client_address("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.9.9.9",
                          proxies) == "203.0.113.7"  # the right-most untrusted hop
    assert client_address("198.51.100.9", "203.0.113.7", proxies) == "198.51.100.9"
    assert client_address("10.0.0.5", None, proxies) == "10.0.0.5"
    with pytest.raises(ValueError, match="trusted proxy"):
        parse_proxies("not-an-address")


def test_behind_a_trusted_proxy_each_client_has_its_own_count(store: Store, settings: Settings,
                                                              seeded: Seeded) -> None:
    app = create_app(settings, store=store, trusted_proxies="10.0.0.1")
    with TestClient(app, base_url="https://testserver", client=("10.0.0.1", 443)) as proxy:
        for _ in range(5):
            proxy.post("/api/auth/token", headers={"X-Forwarded-For": "203.0.113.7"},
                       data={"username": f"nobody{_}", "password": "wrong"})
        blocked = proxy.post("/api/auth/token", headers={"X-Forwarded-For": "203.0.113.7"},
                             data={"username": "auditor", "password": PASSWORD})
        other = proxy.post("/api/auth/token", headers={"X-Forwarded-For": "198.51.100.2"},
                           data={"username": "auditor", "password": PASSWORD})
    assert blocked.status_code == 429
    assert other.status_code == 200, other.text
    json.dumps(other.json())
