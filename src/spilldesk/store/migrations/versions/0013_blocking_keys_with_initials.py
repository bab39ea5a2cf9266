"""Linkage's birth-date tokens also hold one name's initial sound

The birth-date blocking keys (`link.blocking_keys`) now pair the birth date with the initial
sound of the family or the given name: the tokens `dob` and `dob_swapped` give way to
`dob_family` and `dob_given`. Tokens are derived data and this migration has no keys, so it
makes the table again, empty: `spilldesk init` (which runs this migration and then
`store.blocking.backfill`) computes every person's tokens, failing that the next
`spilldesk link` does.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_BEFORE = (
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
_AFTER = ("dob_family", "dob_given", *_BEFORE[2:])


def _table(columns: tuple[str, ...]) -> None:
    op.create_table(
        "person_blocking_keys",
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        *(sa.Column(name, sa.BigInteger(), nullable=True) for name in columns),
    )


def upgrade() -> None:
    op.drop_table("person_blocking_keys")
    _table(_AFTER)


def downgrade() -> None:
    op.drop_table("person_blocking_keys")
    _table(_BEFORE)
