"""Case facts and notes sealed; every ciphertext bound to its table, row and field

`persons` loses its clear `sex`, `country_of_citizenship`, `facility_code`, `book_in_date`,
`book_out_date` and `posture` (and their indexes); `custody_decisions.rationale`,
`case_events.note` and `delivery_attempts.note` go too. Each of these tables gains `sealed`,
a ciphertext bound to `table:id:sealed`; the `pii` ciphertexts are now bound to `table:id:pii`
instead of a word shared by every row. `key_fingerprints` records the fingerprint of the
blind-index key the lookups were computed with, so a changed key file is noticed before an
import duplicates people.

A desk that already holds sealed rows is not converted: the old ciphertexts carry no row
binding and the migration has no keys. The upgrade refuses, naming the tables, and changes
nothing; export what you need, start a new desk and re-import the registry and incidents.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_HOLDING = ("persons", "representatives", "disclosed_records", "clawback_recipients",
            "custody_decisions", "case_events", "delivery_attempts")
_PERSON_FACTS = ("sex", "country_of_citizenship", "facility_code", "book_in_date",
                 "book_out_date", "posture")
_NOTES = {"custody_decisions": "rationale", "case_events": "note", "delivery_attempts": "note"}


class SealedRowsPresent(RuntimeError):
    """The desk holds rows sealed the old way; nothing was changed."""


def _refuse_a_desk_with_rows() -> None:
    connection = op.get_bind()
    holding = [name for name in _HOLDING if connection.execute(
        sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first()]
    if holding:
        raise SealedRowsPresent(
            "schema 0010 binds every ciphertext to its row and seals case facts, and this "
            f"desk already holds sealed rows ({', '.join(holding)}): it cannot be converted "
            "in place. Nothing was changed. Start a new desk (`spilldesk init` in a new work "
            "directory) and re-import the registry and the incidents' documents.")


def upgrade() -> None:
    _refuse_a_desk_with_rows()
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_posture"))
        batch_op.drop_index(batch_op.f("ix_persons_facility_code"))
        batch_op.drop_index(batch_op.f("ix_persons_country_of_citizenship"))
        for column in _PERSON_FACTS:
            batch_op.drop_column(column)
        batch_op.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
    for table, column in _NOTES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
            batch_op.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
    op.create_table(
        "key_fingerprints",
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("purpose"),
    )


def downgrade() -> None:
    _refuse_a_desk_with_rows()
    op.drop_table("key_fingerprints")
    for table, column in _NOTES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sealed")
            batch_op.add_column(sa.Column(column, sa.Text(), nullable=column == "note"))
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("sealed")
        batch_op.add_column(sa.Column("sex", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("country_of_citizenship", sa.String(length=3)))
        batch_op.add_column(sa.Column("facility_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("book_in_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("book_out_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("posture", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key("fk_persons_facility_code", "facilities",
                                    ["facility_code"], ["code"])
        batch_op.create_index(batch_op.f("ix_persons_posture"), ["posture"], unique=False)
        batch_op.create_index(batch_op.f("ix_persons_facility_code"), ["facility_code"])
        batch_op.create_index(batch_op.f("ix_persons_country_of_citizenship"),
                              ["country_of_citizenship"])
