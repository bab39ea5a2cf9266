"""Leak monitoring: fingerprints of exposed persons, runs, checked documents, hits

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _incident() -> sa.Column:
    return sa.Column("incident_id", sa.String(length=64), sa.ForeignKey("incidents.id"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "monitor_fingerprints",
        sa.Column("id", sa.Integer(), primary_key=True),
        _incident(),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False, index=True),
        sa.UniqueConstraint("incident_id", "person_id", "kind", "digest", "role"),
    )
    op.create_table(
        "monitor_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _incident(),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("documents_checked", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "monitor_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        _incident(),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("monitor_runs.id"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("incident_id", "address"),
    )
    op.create_table(
        "monitor_hits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(length=80), nullable=False, unique=True),
        _incident(),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("person_count", sa.Integer(), nullable=False),
        sa.Column("matched_on", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_run_id", sa.Integer(), sa.ForeignKey("monitor_runs.id"),
                  nullable=False),
        sa.Column("last_run_id", sa.Integer(), sa.ForeignKey("monitor_runs.id"),
                  nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id"), nullable=True),
        sa.UniqueConstraint("incident_id", "source", "evidence_sha256"),
    )
    op.create_table(
        "monitor_hit_persons",
        sa.Column("hit_id", sa.Integer(), sa.ForeignKey("monitor_hits.id"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), primary_key=True,
                  index=True),
        sa.Column("matched_on", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.execute("DELETE FROM task_incidents WHERE task_id IN "
               "(SELECT id FROM tasks WHERE action = 'request_takedown')")
    for table in ("monitor_hit_persons", "monitor_hits", "monitor_documents", "monitor_runs",
                  "monitor_fingerprints"):
        op.drop_table(table)
    op.execute("DELETE FROM tasks WHERE action = 'request_takedown'")
