"""Oversight: the investigation record and the notices sent to oversight

`investigation_items`: an incident's reviews (OPR, OCIO), corrective actions, mitigations by
owning component and lessons learned. `oversight_notices`: each notice sent to EOIR, USCIS or
the DHS Chief Privacy Officer, with its files and their digests.

Revision ID: 0009
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _incident() -> sa.Column:
    return sa.Column("incident_id", sa.String(length=64), sa.ForeignKey("incidents.id"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "investigation_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        _incident(),
        sa.Column("kind", sa.String(length=24), nullable=False, index=True),
        sa.Column("component", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _created(),
    )
    op.create_table(
        "oversight_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        _incident(),
        sa.Column("addressee", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False, unique=True),
        sa.Column("document_path", sa.String(length=500), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("annex_path", sa.String(length=500), nullable=True),
        sa.Column("annex_sha256", sa.String(length=64), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _created(),
    )


def downgrade() -> None:
    op.drop_table("oversight_notices")
    op.drop_table("investigation_items")
