"""The engine, the schema's migrations and the session lifecycle: one transaction per change."""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, column, create_engine, event, inspect, select, table, text
from sqlalchemy.orm import Session, sessionmaker

from spilldesk.config import Settings
from spilldesk.private_files import private_folder, write_private
from spilldesk.store.audit_key import AuditKey, load_audit_key
from spilldesk.store.crypto import KeyFileError, Keyring, create_key_file, load_keyring


class StoreError(RuntimeError):
    """The database is missing, unreachable or not at the current schema."""


def make_engine(url: str, *, ping: bool = True) -> Engine:
    """The desk's engine. `ping`: PostgreSQL connections are tested before each use (a round
    trip each time; the web server turns it off, see `web.app.serving_store`)."""
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
    return create_engine(url, pool_pre_ping=ping)


if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only to migrate (`spilldesk init`): every other command opens an existing
# desk, and comparing the schema's revision with the shipped migrations needs no Alembic.
_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=\n]*)?=\s*(.+)$", re.M)


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    location = resources.files("spilldesk.store") / "migrations"
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head (what `spilldesk init` does)."""
    from alembic import command

    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def migration_heads() -> set[str]:
    """The shipped migrations' heads, read from their `revision` / `down_revision` lines."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    folder = resources.files("spilldesk.store") / "migrations" / "versions"
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("_"):
            continue
        fields = dict(_REVISION_LINE.findall(entry.read_text(encoding="utf-8")))
        if "revision" not in fields:
            continue
        revisions.add(str(ast.literal_eval(fields["revision"].strip())))
        down = ast.literal_eval(fields.get("down_revision", "None").strip())
        replaced |= {str(d) for d in down} if isinstance(down, tuple | list) else (
            {str(down)} if down else set())
    return revisions - replaced


def schema_is_current(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        current = {row[0] for row in connection.execute(
            text("SELECT version_num FROM alembic_version"))}
    return current == migration_heads()


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
    private_folder(settings.workdir)
    if settings.database_url.startswith("sqlite:///"):
        # SQLite creates the file (and its -wal and -shm files, which copy its mode) under the
        # umask; made first, owner only, they stay so.
        database = Path(settings.database_url.removeprefix("sqlite:///"))
        private_folder(database.parent)
        if not database.exists():
            write_private(database, b"", exclusive=True)
    if not settings.key_file.exists():
        create_key_file(settings.key_file)
    engine = make_engine(settings.database_url)
    migrate(engine)
    from spilldesk.store.audit import ensure_audit_key  # audit needs the models, which need db

    ensure_audit_key(settings, engine)
    store = Store(settings, engine, settled_keyring(engine, load_keyring(settings.key_file)))
    from spilldesk.store import blocking  # linkage's tokens of persons stored before them

    with store.session() as session:
        if blocking.missing(session):
            blocking.backfill(session, store.keyring, actor="system:init")
    return store


def open_store(settings: Settings, *, ping: bool = True) -> Store:
    """Open an initialised desk; a clear error when `spilldesk init` has not been run."""
    if settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        if not path.exists():
            raise StoreError(f"{path}: no database here (run `spilldesk init` first)")
    engine = make_engine(settings.database_url, ping=ping)
    try:
        current = schema_is_current(engine)
    except Exception as exc:  # a database that cannot be reached: say which, not a traceback
        raise StoreError(f"cannot open the database: {type(exc).__name__}") from None
    if not current:
        raise StoreError("the database schema is not current (run `spilldesk init`)")
    return Store(settings, engine, settled_keyring(engine, load_keyring(settings.key_file)))


INDEX = "index"
_FINGERPRINT = text("SELECT fingerprint FROM key_fingerprints WHERE purpose = :purpose")


def settled_keyring(engine: Engine, keyring: Keyring) -> Keyring:
    """The keyring whose index key made this desk's blind indexes.

    The database records that key's fingerprint (the first open records it). If the key file
    names another index key but still holds the recorded one (a rotation that stopped after
    its transaction), the recorded one is used. If the file no longer holds it, every lookup
    would miss and every import would duplicate people: the desk refuses to open.
    """
    with engine.begin() as connection:
        stored = connection.execute(_FINGERPRINT, {"purpose": INDEX}).scalar_one_or_none()
        if stored is None:
            connection.execute(text("INSERT INTO key_fingerprints (purpose, fingerprint) "
                                    "VALUES (:purpose, :fingerprint)"),
                               {"purpose": INDEX, "fingerprint": keyring.index_fingerprint()})
            return keyring
    if stored == keyring.index_fingerprint():
        return keyring
    for key in keyring.keys:
        if keyring.index_fingerprint(key.key_id) == stored:
            return keyring.using(key.key_id)
    raise KeyFileError(
        "the key file does not hold the blind-index key this desk's lookups were made with "
        "(its fingerprint is recorded in the database): lookups would miss and imports would "
        "duplicate people. Restore the key file from its backup.")


def check_index_key(session: Session) -> None:
    """Refuse a change made with an index key that is no longer the desk's (another process
    rotated the keys since this one loaded them). Locks the fingerprint until commit."""
    fingerprints = table("key_fingerprints", column("purpose"), column("fingerprint"))
    row = session.execute(select(fingerprints.c.fingerprint)
                          .where(fingerprints.c.purpose == INDEX)
                          .with_for_update()).scalar_one_or_none()
    if row != keyring_of(session).index_fingerprint():
        raise KeyFileError("the desk's blind-index key changed since this process loaded the "
                           "key file (a key rotation): nothing was imported; restart and retry")


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


BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache while a bulk import runs (64 MB, a fixed bound), then the
    connection's own again. Inserting a million random blind indexes through SQLite's default
    2 MB cache re-reads index pages for every row; PostgreSQL sizes its own buffers."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(BULK_CACHE_KIB)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
