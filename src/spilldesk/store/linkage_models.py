"""Linkage's side table: each registry person's blocking keys as keyed tokens.

One row per person, written in the transaction that writes the person's sealed data (the
registry import, `spilldesk keys rotate`, the backfill of a desk that had persons before this
table). Every column but `person_id` is a keyed token (`link.blocking_keys`): nothing in the
table reads without the desk's key, and equal tokens say only that two values are equal.
Linkage joins a disclosed record's tokens against it to find candidates, and counts it for
term frequencies, without decrypting the registry.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from spilldesk.store.models import Base
from spilldesk.store.registry_models import Person  # noqa: F401 - the table its key names


class PersonBlockingKeys(Base):
    """The columns are `link.blocking_keys.TOKEN_COLUMNS` (a test holds the two together)."""

    __tablename__ = "person_blocking_keys"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    dob_family: Mapped[int | None] = mapped_column(BigInteger)
    dob_given: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[int | None] = mapped_column(BigInteger)
    sound_year: Mapped[int | None] = mapped_column(BigInteger)
    sound_month_day: Mapped[int | None] = mapped_column(BigInteger)
    surname_2_1: Mapped[int | None] = mapped_column(BigInteger)
    surname_1_2: Mapped[int | None] = mapped_column(BigInteger)
    names_swapped: Mapped[int | None] = mapped_column(BigInteger)
    canon_month: Mapped[int | None] = mapped_column(BigInteger)
    family_norm: Mapped[int | None] = mapped_column(BigInteger)
    given_norm: Mapped[int | None] = mapped_column(BigInteger)
