"""Shared fixtures. `store` runs every database test on SQLite and again on PostgreSQL.

PostgreSQL runs when `SPILLDESK_TEST_POSTGRES_URL` names a server the tests may create
databases on (e.g. postgresql://postgres@127.0.0.1:5432/postgres); each test gets a fresh
database. Set `SPILLDESK_REQUIRE_POSTGRES=1` (CI does) to fail instead of skipping when it
is not set or cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from spilldesk.config import Settings
from spilldesk.store.db import Store, initialise

POSTGRES_URL = os.environ.get("SPILLDESK_TEST_POSTGRES_URL")
LONG_MARKERS = ("slow", "spark")
REQUIRE_POSTGRES = os.environ.get("SPILLDESK_REQUIRE_POSTGRES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first (stable order otherwise): on two workers they run beside the
    short ones instead of alone at the end."""
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in LONG_MARKERS))


def _admin_engine():  # type: ignore[no-untyped-def]
    url = POSTGRES_URL or ""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, isolation_level="AUTOCOMMIT")


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database URL: a file in `folder`, or a new PostgreSQL database (dropped
    afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'spilldesk.db'}"
        return
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("SPILLDESK_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("SPILLDESK_TEST_POSTGRES_URL not set")
    name = f"spilldesk_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at SPILLDESK_TEST_POSTGRES_URL cannot be used: {exc}")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def make_database():  # type: ignore[no-untyped-def]
    """`fresh_database` for a fixture of wider scope (`with make_database(kind, folder)`)."""
    return fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a fresh work directory on the parametrised database (env set for the CLI)."""
    workdir = tmp_path / "desk"
    monkeypatch.setenv("SPILLDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("SPILLDESK_HOME", str(workdir))
    monkeypatch.delenv("SPILLDESK_KEY_FILE", raising=False)
    return Settings.load(workdir)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A migrated desk with its key file, on SQLite and on PostgreSQL."""
    opened = initialise(settings)
    try:
        yield opened
    finally:
        opened.close()
