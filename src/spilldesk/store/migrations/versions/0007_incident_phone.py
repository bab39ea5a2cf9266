"""incident contact telephone line

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 21:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The line a notice's reader can call about it (detained people rarely have email).
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("contact_phone")
