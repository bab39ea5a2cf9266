"""Migration 0010 refuses a desk that already holds rows sealed without a row binding."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from spilldesk.store.db import _alembic_config, make_engine, migrate


def _at_0006(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    return engine


def test_an_empty_desk_is_upgraded(database_url) -> None:
    engine = _at_0006(database_url)
    migrate(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("persons")}
    assert "sealed" in columns and not columns & {"posture", "sex", "facility_code"}
    engine.dispose()


def test_a_desk_with_sealed_rows_is_refused_and_left_unchanged(database_url) -> None:
    engine = _at_0006(database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO representatives (representative_id, pii, has_email, has_address, "
            "record_digest, updated_at, created_at) VALUES ('R1', :pii, false, false, 'd', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"pii": b"\x01old"})
    with pytest.raises(Exception, match=r"already holds sealed rows \(representatives\)"):
        migrate(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("persons")}
    assert "posture" in columns and "sealed" not in columns
    engine.dispose()
