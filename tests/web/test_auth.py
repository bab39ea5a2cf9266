"""Logging in and proving who you are: sessions, CSRF, OAuth2 tokens, API tokens, throttling."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spilldesk.access.users import Role, UserError, add_user, issue_token, revoke_token
from spilldesk.store.db import Store
from spilldesk.store.models import ApiToken, AuditEvent, User
from tests.web.conftest import bearer, clear, lookup
from tests.web.desk_seed import ACTOR, PASSWORD, Seeded

pytestmark = pytest.mark.db


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    form = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_of(form.text), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def test_health_answers_without_login(client: TestClient, store: Store) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert client.get("/api/live").json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/api/incidents", "/api/persons/lookup", "/api/clearance",
                                  "/api/auth/me"])
def test_anonymous_api_requests_get_401(client: TestClient, seeded: Seeded, path: str) -> None:
    if path in ("/api/persons/lookup", "/api/clearance"):
        response = client.post(path, json={"a_number": "A300000001"})
    else:
        response = client.get(path)
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("path", ["/", "/people", "/incidents/ICE-TEST-1"])
def test_anonymous_pages_redirect_to_login(client: TestClient, seeded: Seeded,
                                           path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_static_files_and_login_page_need_no_login(client: TestClient) -> None:
    assert client.get("/static/desk.css").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/login").status_code == 200


def test_password_flow_gives_a_bearer_token(client: TestClient, seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    me = client.get("/api/auth/me", headers=headers).json()
    assert me["role"] == "ero_officer" and me["via"] == "access_token"
    assert "notices:record_delivery" in me["permissions"]


def test_wrong_password_is_401_and_audited(client: TestClient, store: Store,
                                           seeded: Seeded) -> None:
    response = client.post("/api/auth/token", data={"username": "auditor", "password": "nope"})
    assert response.status_code == 401
    client.app.state.desk.buffer.flush()  # type: ignore[attr-defined]
    with store.session() as session:
        actions = [e.action for e in session.execute(select(AuditEvent)).scalars()]
    assert "auth.login_failed" in actions


def test_forged_and_tampered_tokens_are_refused(client: TestClient, seeded: Seeded) -> None:
    token = bearer(client, "auditor")["Authorization"]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get("/api/auth/me", headers={"Authorization": tampered}).status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": "Bearer sdt_made_up"}
                      ).status_code == 401


def test_login_is_throttled_per_username(client: TestClient, seeded: Seeded) -> None:
    for _ in range(5):
        client.post("/api/auth/token", data={"username": "auditor", "password": "wrong"})
    response = client.post("/api/auth/token", data={"username": "auditor",
                                                    "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    # Another user from the same test client still has attempts left (per-client limit is 5
    # failures too: all 5 were spent, so the client is throttled as well).
    other = client.post("/api/auth/token", data={"username": "ero_officer",
                                                 "password": PASSWORD})
    assert other.status_code == 429


def test_throttle_window_slides(store: Store) -> None:
    from datetime import UTC, datetime, timedelta

    from spilldesk.access.login_throttle import ThrottleRule, record_attempt, retry_after

    rule = ThrottleRule(limit=2, window_seconds=60)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    keys = ["user:a", "client:1"]
    with store.session() as session:
        record_attempt(session, keys, start)
        record_attempt(session, keys, start)
        assert retry_after(session, keys, rule, start) == 61
        assert retry_after(session, ["client:1"], rule, start) is not None
        assert retry_after(session, ["user:b"], rule, start) is None
        assert retry_after(session, keys, rule, start + timedelta(seconds=61)) is None


def test_api_tokens_are_stored_hashed_and_can_be_revoked(client: TestClient, store: Store,
                                                        seeded: Seeded) -> None:
    with store.session() as session:
        add_user(session, "scheduler", Role.MACHINE, None, actor=ACTOR)
        token, secret = issue_token(session, "scheduler", "removal-scheduler", actor=ACTOR)
        token_id = token.id
    with store.session() as session:
        stored = session.execute(select(ApiToken)).scalar_one()
        assert secret not in stored.token_hash and len(stored.token_hash) == 64
    headers = {"Authorization": f"Bearer {secret}"}
    assert clear(client, seeded.outsider, headers).status_code == 200
    assert client.get("/api/incidents", headers=headers).status_code == 403
    with store.session() as session:
        revoke_token(session, token_id, actor=ACTOR)
    client.app.state.desk._token_cache.clear()  # type: ignore[attr-defined]
    assert clear(client, seeded.outsider, headers).status_code == 401


def test_machine_users_have_no_password_and_people_need_a_long_one(store: Store) -> None:
    with store.session() as session:
        with pytest.raises(UserError):
            add_user(session, "bot", Role.MACHINE, "a password here", actor=ACTOR)
        with pytest.raises(UserError):
            add_user(session, "short", Role.AUDITOR, "short", actor=ACTOR)
        user = add_user(session, "long", Role.AUDITOR, "a long enough password", actor=ACTOR)
        assert user.password_hash and user.password_hash.startswith("$argon2")
        assert session.execute(select(User).where(User.username == "bot")).first() is None


def test_browser_login_sets_a_session_and_logout_ends_it(client: TestClient,
                                                         seeded: Seeded) -> None:
    login(client, "privacy_officer")
    assert client.get("/api/auth/me").json()["via"] == "session"
    page = client.get("/")
    assert page.status_code == 200 and "ICE-TEST-1" in page.text
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/api/auth/me").status_code == 401


def test_login_form_without_csrf_token_is_refused(client: TestClient, seeded: Seeded) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "auditor", "password": PASSWORD,
                                           "csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 400
    assert client.get("/api/auth/me").status_code == 401


def test_cookie_api_changes_need_the_csrf_header(client: TestClient, seeded: Seeded) -> None:
    login(client, "privacy_officer")
    body = {"reason": "more time with counsel", "days": 30}
    refused = client.post("/api/incidents/ICE-TEST-1/holds/extensions", json=body)
    assert refused.status_code == 403
    token = csrf_of(client.get("/").text)
    accepted = client.post("/api/incidents/ICE-TEST-1/holds/extensions", json=body,
                           headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201, accepted.text


def test_login_redirect_stays_on_the_desk(client: TestClient, seeded: Seeded) -> None:
    form = client.get("/login?next=//evil.example/x")
    assert 'value="/"' in form.text
    response = client.post("/login", data={"username": "auditor", "password": PASSWORD,
                                           "csrf_token": csrf_of(form.text),
                                           "next": "https://evil.example/"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_signing_secret_is_private_and_stable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from spilldesk.web.auth import SECRET_FILE, load_secret

    first = load_secret(tmp_path)
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert load_secret(tmp_path) == first and len(first) >= 48


def test_answers_carry_privacy_and_security_headers(client: TestClient, seeded: Seeded) -> None:
    page = lookup(client, seeded.released, bearer(client, "auditor"))
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "no-store" not in client.get("/static/desk.css").headers.get("cache-control", "")
