"""The audit chain's head row exists from the start

Two first writers on an empty chain must not both create it: with the row in place, every
writer only locks and updates it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    connection = op.get_bind()
    present = connection.execute(sa.text("SELECT COUNT(*) FROM audit_head WHERE id = 1")).scalar()
    if not present:
        connection.execute(
            sa.text("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, :genesis)"),
            {"genesis": GENESIS},
        )


def downgrade() -> None:
    pass
