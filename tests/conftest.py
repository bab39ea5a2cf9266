"""Shared fixtures. `store` runs every database test on SQLite and again on PostgreSQL.

PostgreSQL runs when `SPILLDESK_TEST_POSTGRES_URL` names a server the tests may create
databases on (e.g. postgresql://postgres@127.0.0.1:5432/postgres); each test gets a fresh
database. Set `SPILLDESK_REQUIRE_POSTGRES=1` (CI does) to fail instead of skipping when it
is not set or cannot be reached.

A PostgreSQL database costs more to make than most tests take to run: its migrations
(125 DDL statements) and its drop (the server removes its files) took 2.4 of the 2.8 s a
test spent on one, measured on a loaded machine. So a test that asks for `store` gets a copy of
a template this process migrated once (`initialise` then only seeds it: its keys, its audit
key), and databases are dropped on a thread while the next tests run. SQLite likewise: a
copy of a migrated file. A test that asks for `database_url` without `store` still gets an
empty database (`spilldesk init` on it is tested).
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from spilldesk.config import Settings
from spilldesk.private_files import write_private
from spilldesk.store.db import Store, initialise, make_engine, migrate

# No property test has a time limit per example: Hypothesis' default 200 ms deadline made a
# name-normalising property fail on a loaded machine (464 ms). Speed is measured in benchmarks/.
hypothesis_settings.register_profile("spilldesk", deadline=None)
hypothesis_settings.load_profile("spilldesk")

POSTGRES_URL = os.environ.get("SPILLDESK_TEST_POSTGRES_URL")
LONG_MARKERS = ("slow", "spark")
REQUIRE_POSTGRES = os.environ.get("SPILLDESK_REQUIRE_POSTGRES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first (stable order otherwise): on two workers they run beside the
    short ones instead of alone at the end."""
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in LONG_MARKERS))


class _Server:
    """This test process's side of the PostgreSQL server: one admin connection pool, the
    migrated template (made at first use), and a thread that drops finished databases."""

    def __init__(self, url: str) -> None:
        self.base = url.rsplit("/", 1)[0]
        admin = "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith(
            "postgresql://") else url
        self.admin = create_engine(admin, isolation_level="AUTOCOMMIT")
        self.template: str | None = None
        self.finished: queue.Queue[str | None] = queue.Queue()
        self.dropper = threading.Thread(target=self._drop_finished, daemon=True)
        self.dropper.start()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def create(self, *, migrated: bool) -> str:
        name = f"spilldesk_test_{uuid.uuid4().hex[:12]}"
        template = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        self._execute(f'CREATE DATABASE "{name}"{template}')
        return name

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def _migrated_template(self) -> str:
        if self.template is None:
            name = self.create(migrated=False)
            engine = make_engine(self.url(name))
            try:
                migrate(engine)
            finally:
                engine.dispose()  # a template takes no connections while it is copied
            self.template = name
        return self.template

    def drop_later(self, name: str) -> None:
        self.finished.put(name)

    def _drop_finished(self) -> None:
        while (name := self.finished.get()) is not None:
            with contextlib.suppress(Exception):  # a drop that fails leaves a database behind
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self.template is not None:
            self.drop_later(self.template)
        self.finished.put(None)
        self.dropper.join()
        self.admin.dispose()


_SERVER: _Server | None = None


def _server() -> _Server:
    global _SERVER
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("SPILLDESK_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("SPILLDESK_TEST_POSTGRES_URL not set")
    if _SERVER is None:
        _SERVER = _Server(POSTGRES_URL)
    return _SERVER


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop what is still waiting to be dropped, and the templates."""
    if _SERVER is not None:
        _SERVER.close()
    if _sqlite_template.cache_info().currsize:
        shutil.rmtree(_sqlite_template().parent, ignore_errors=True)


@functools.cache
def _sqlite_template() -> Path:
    """A migrated SQLite database, made once per process (copied for each test: a copy is a
    millisecond, the migrations a tenth of a second)."""
    folder = Path(tempfile.mkdtemp(prefix="spilldesk-template-"))
    engine = make_engine(f"sqlite:///{folder / 'template.db'}")
    try:
        migrate(engine)
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file
    return folder / "template.db"


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path, *, migrated: bool = False) -> Iterator[str]:
    """A fresh database URL: a file in `folder`, or a new PostgreSQL database (dropped
    afterwards) — empty, or `migrated` to the current schema (nothing in it yet: `initialise`
    gives it its keys)."""
    if kind == "sqlite":
        if migrated:
            write_private(folder / "spilldesk.db", _sqlite_template().read_bytes(),
                          exclusive=True)
        yield f"sqlite:///{folder / 'spilldesk.db'}"
        return
    server = _server()
    try:
        name = server.create(migrated=migrated)
    except Exception as exc:
        pytest.fail(f"PostgreSQL at SPILLDESK_TEST_POSTGRES_URL cannot be used: {exc}")
    try:
        yield server.url(name)
    finally:
        server.drop_later(name)


@pytest.fixture(scope="session")
def make_database():  # type: ignore[no-untyped-def]
    """`fresh_database` for a fixture of wider scope (`with make_database(kind, folder)`)."""
    return fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL on each backend: empty, or (for a test that asks for `store`) a
    copy of the migrated template."""
    migrated = "store" in request.fixturenames
    with fresh_database(request.param, tmp_path, migrated=migrated) as url:
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
