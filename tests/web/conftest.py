"""Web fixtures: the application over the `store` fixture's desk, and logged-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from spilldesk.access import users
from spilldesk.config import Settings
from spilldesk.store.db import Store
from spilldesk.web.app import create_app
from tests.web.desk_seed import PASSWORD, Seeded, add_users, seed_desk


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, at the lowest cost: the production cost is ~0.5 s per hash here."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                         parallelism=1))


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Seeded:
    found = seed_desk(store, tmp_path)
    add_users(store)
    return found


@pytest.fixture
def client(store: Store, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, store=store)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def clear(client: TestClient, a_number: str, headers: dict[str, str],
          on: str | None = None) -> Any:
    """`POST /api/clearance` (the A-number in the body, never the URL)."""
    return client.post("/api/clearance", headers=headers,
                       json={"a_number": a_number, **({"on": on} if on else {})})


def lookup(client: TestClient, a_number: str, headers: dict[str, str]) -> Any:
    """`POST /api/persons/lookup`: a person's file by A-number."""
    return client.post("/api/persons/lookup", headers=headers, json={"a_number": a_number})
