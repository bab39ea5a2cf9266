"""Clawback: log searches, recipients, letters, answers, evidence; the incident's URL

`incidents.disclosed_url`: where the document was posted, to look for in the server's logs.
`tasks.person_id` becomes nullable and `tasks.subject` says what a person-less task is about:
a clawback task (identify a recipient's owner, follow up a letter) is about a recipient.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disclosed_url", sa.String(length=2000), nullable=True))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
    op.create_table(
        "clawback_searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.String(length=64), sa.ForeignKey("incidents.id"),
                  nullable=False, index=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("document_size", sa.BigInteger(), nullable=False),
        sa.Column("size_source", sa.String(length=16), nullable=False),
        sa.Column("window_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("internal", sa.Text(), nullable=False),
        sa.Column("owners_file", sa.String(length=500), nullable=True),
        sa.Column("logs", sa.Text(), nullable=False),
        sa.Column("lines", sa.BigInteger(), nullable=False),
        sa.Column("malformed", sa.BigInteger(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("evidence_counts", sa.Text(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _created(),
    )
    op.create_table(
        "clawback_recipients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.String(length=64), sa.ForeignKey("incidents.id"),
                  nullable=False, index=True),
        sa.Column("reference", sa.String(length=80), nullable=False, unique=True),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=True),
        sa.Column("organization", sa.String(length=300), nullable=True),
        sa.Column("pii", sa.LargeBinary(), nullable=True),
        sa.Column("crawler", sa.String(length=300), nullable=True),
        sa.Column("user_agents", sa.Text(), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bytes_sent", sa.BigInteger(), nullable=False),
        sa.Column("search_id", sa.Integer(), sa.ForeignKey("clawback_searches.id"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _created(),
        sa.UniqueConstraint("incident_id", "client"),
    )
    op.create_table(
        "clawback_letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient_id", sa.Integer(), sa.ForeignKey("clawback_recipients.id"),
                  nullable=False, index=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply_by", sa.Date(), nullable=False),
        sa.Column("document_path", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _created(),
        sa.UniqueConstraint("recipient_id", "sequence"),
    )
    op.create_table(
        "clawback_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient_id", sa.Integer(), sa.ForeignKey("clawback_recipients.id"),
                  nullable=False, index=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _created(),
    )
    op.create_table(
        "clawback_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("search_id", sa.Integer(), sa.ForeignKey("clawback_searches.id"),
                  nullable=False, index=True),
        sa.Column("incident_id", sa.String(length=64), sa.ForeignKey("incidents.id"),
                  nullable=False, index=True),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("bytes_sent", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
    )


def downgrade() -> None:
    for table in ("clawback_evidence", "clawback_answers", "clawback_letters",
                  "clawback_recipients", "clawback_searches"):
        op.drop_table(table)
    op.execute("DELETE FROM task_incidents WHERE task_id IN "
               "(SELECT id FROM tasks WHERE person_id IS NULL)")
    op.execute("DELETE FROM tasks WHERE person_id IS NULL")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("subject")
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("disclosed_url")
