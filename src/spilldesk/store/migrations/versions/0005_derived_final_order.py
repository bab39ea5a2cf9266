"""A blank final-order flag stays blank; incidents keep their playbook; corrections of deliveries

`persons.final_order` becomes nullable: a blank registry cell is not "no final order" (the
desk derives the order and holds a blank or contradictory record). `incidents.playbook` keeps
the validated playbook of the last plan, so a person's facts changing later re-plans that
person at once with the same rules. `delivery_attempts.corrects_id`: a correction is a new
record naming the one it corrects (never an edit).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("final_order", existing_type=sa.Boolean(), nullable=True)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("playbook", sa.Text(), nullable=True))
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_delivery_attempts_corrects_id", ["corrects_id"])
        batch_op.create_foreign_key(
            "fk_delivery_attempts_corrects", "delivery_attempts", ["corrects_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_delivery_attempts_corrects", type_="foreignkey")
        batch_op.drop_constraint("uq_delivery_attempts_corrects_id", type_="unique")
        batch_op.drop_column("corrects_id")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("playbook")
    op.execute("UPDATE persons SET final_order = false WHERE final_order IS NULL")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("final_order", existing_type=sa.Boolean(), nullable=False)
