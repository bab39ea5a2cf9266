"""The engine, the schema's migrations and the session lifecycle: one transaction per change."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from spilldesk.config import Settings
from spilldesk.store.audit import ensure_audit_key
from spilldesk.store.audit_key import AuditKey, load_audit_key
from spilldesk.store.crypto import Keyring, create_key_file, load_keyring


class StoreError(RuntimeError):
    """The database is missing, unreachable or not at the current schema."""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(url: str) -> Config:
    config = Config()
    location = resources.files("spilldesk.store") / "migrations"
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head (what `spilldesk init` does)."""
    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_is_current(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(
        _alembic_config(engine.url.render_as_string(hide_password=False))
    )
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())


@dataclass
class Store:
    """An open desk: engine, keyring and sessions."""

    settings: Settings
    engine: Engine
    keyring: Keyring
    audit_key: AuditKey | None = None  # None: loaded from settings.audit_key_file

    def __post_init__(self) -> None:
        if self.audit_key is None:
            self.audit_key = load_audit_key(self.settings.audit_key_file)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, writing: bool = True) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error.

        `writing=False` is for a hot read path that writes nothing, not even an audit event
        (those go through a buffer with its own writing session): it does not queue behind
        SQLite's writers.
        """
        session = self._sessions()
        session.info["keyring"] = self.keyring
        session.info["audit_key"] = self.audit_key
        session.info["writing"] = writing
        try:
            if writing and self.engine.dialect.name == "sqlite":
                # Take SQLite's write lock up front. Its FOR UPDATE is a no-op and pysqlite
                # begins only at the first write, so two writers could otherwise both read the
                # audit chain's head and append the same link; with the lock they queue.
                # (WAL mode: readers are not blocked.)
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def initialise(settings: Settings) -> Store:
    """Create the work directory, the key file (0600) and the schema; idempotent."""
    settings.workdir.mkdir(parents=True, exist_ok=True)
    if not settings.key_file.exists():
        create_key_file(settings.key_file)
    engine = make_engine(settings.database_url)
    migrate(engine)
    ensure_audit_key(settings, engine)
    return Store(settings, engine, load_keyring(settings.key_file))


def open_store(settings: Settings) -> Store:
    """Open an initialised desk; a clear error when `spilldesk init` has not been run."""
    if settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        if not path.exists():
            raise StoreError(f"{path}: no database here (run `spilldesk init` first)")
    engine = make_engine(settings.database_url)
    try:
        current = schema_is_current(engine)
    except Exception as exc:  # a database that cannot be reached: say which, not a traceback
        raise StoreError(f"cannot open the database: {type(exc).__name__}") from None
    if not current:
        raise StoreError("the database schema is not current (run `spilldesk init`)")
    return Store(settings, engine, load_keyring(settings.key_file))


def exclusive(session: Session, name: str) -> None:
    """Hold a lock named `name` until this transaction ends, across processes.

    PostgreSQL: a transaction-scoped advisory lock. SQLite needs none: every writing
    transaction already holds the database's write lock (`BEGIN IMMEDIATE`, above).
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def keyring_of(session: Session) -> Keyring:
    keyring = session.info.get("keyring")
    if not isinstance(keyring, Keyring):
        raise StoreError("session was not opened by Store.session()")
    return keyring
