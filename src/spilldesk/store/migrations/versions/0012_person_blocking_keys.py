"""Linkage's blocking keys as keyed tokens, one row per registry person

`person_blocking_keys` holds, per person, one keyed token (8 bytes of HMAC-SHA256 under a key
derived from the blind-index key) per blocking rule and for the two names whose term
frequencies linkage uses. The migration has no keys, so it only makes the table: the rows of
persons already stored are computed by `spilldesk init` (which runs this migration and then
`store.blocking.backfill`) and, failing that, by the next `spilldesk link`.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TOKENS = (
    "dob",
    "dob_swapped",
    "name",
    "sound_year",
    "sound_month_day",
    "surname_2_1",
    "surname_1_2",
    "names_swapped",
    "canon_month",
    "family_norm",
    "given_norm",
)


def upgrade() -> None:
    op.create_table(
        "person_blocking_keys",
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        *(sa.Column(name, sa.BigInteger(), nullable=True) for name in _TOKENS),
    )


def downgrade() -> None:
    op.drop_table("person_blocking_keys")
