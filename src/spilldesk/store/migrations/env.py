"""Alembic environment: runs on the connection `spilldesk.store.db.migrate` hands over."""

from alembic import context
from sqlalchemy import create_engine

from spilldesk.store import (  # noqa: F401  (with `models`: every table of the desk)
    clawback_models,
    linkage_models,
    monitor_models,
    oversight_models,
    response_models,
    user_models,
)
from spilldesk.store.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as own_connection:
        context.configure(
            connection=own_connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
