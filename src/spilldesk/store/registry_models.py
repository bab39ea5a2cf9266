"""The registry: the agency's system of record of the persons in its custody, their
representatives of record and its facilities.

These tables live on `models.Base` in a module of their own, imported where they are used (and
by `models` on first use of one of these names), so that a process that only writes the audit
log does not build their classes (`spilldesk clearance` reads the columns it needs through
light tables of its own: `safeguards.clearance`). Person data is sealed (see `models`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from spilldesk import clock
from spilldesk.store.models import Base, Timestamped
from spilldesk.store.sealing import SealedField
from spilldesk.store.types import UTCDateTime


class Facility(Base):
    __tablename__ = "facilities"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(40))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    aor: Mapped[str | None] = mapped_column(String(40))


class Representative(Base, Timestamped):
    """A representative of record (form G-28). Name and contact details are sealed."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    representative_id: Mapped[str] = mapped_column(String(64), unique=True)
    pii: Mapped[bytes] = mapped_column(LargeBinary)
    has_email: Mapped[bool] = mapped_column(Boolean, default=False)
    has_address: Mapped[bool] = mapped_column(Boolean, default=False)
    record_digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Person(Base, Timestamped):
    """A registry person. `pii` seals a_number, names, date of birth and mailing address;
    `sealed` the case facts that re-identify (opened on use, not audited: no name in them)."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    name_dob_index: Mapped[str] = mapped_column(String(64), index=True)
    a_number_tail: Mapped[str] = mapped_column(String(4))  # shown masked: A*****1234
    pii: Mapped[bytes] = mapped_column(LargeBinary)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    sex = SealedField()
    country_of_citizenship = SealedField()
    book_in_date = SealedField(date)
    book_out_date = SealedField(date)
    facility_code = SealedField()
    posture = SealedField()
    language: Mapped[str | None] = mapped_column(String(16))
    custody: Mapped[str | None] = mapped_column(String(16), index=True)
    has_address: Mapped[bool] = mapped_column(Boolean, default=False)
    address_abroad: Mapped[bool] = mapped_column(Boolean, default=False)
    appeal_by: Mapped[str | None] = mapped_column(String(16))
    final_order: Mapped[bool | None] = mapped_column(Boolean)  # blank stays blank (derived)
    order_type: Mapped[str | None] = mapped_column(String(32))
    motion_barred: Mapped[bool] = mapped_column(Boolean, default=False)
    return_decided: Mapped[bool] = mapped_column(Boolean, default=False)
    representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("representatives.id"), index=True
    )
    record_digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    representative: Mapped[Representative | None] = relationship()

    @property
    def facility(self) -> Facility | None:
        """The facility the person is held at (its code is sealed, so no join reaches it)."""
        code, session = self.facility_code, object_session(self)
        return session.get(Facility, code) if code and session is not None else None
