"""An incident and what follows from it for each person: what it disclosed (documents and the
person records found in them), the linkage review queue, who it exposed, their removal holds
and the hold's extensions, and the notices with every delivery attempt.

These tables live on `models.Base` in a module of their own, imported where they are used (and
by `models` on first use of one of these names), for the reason `registry_models` gives.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spilldesk.domain.holds import DEFAULT_HOLD_DAYS, DEFAULT_MAIL_DAYS
from spilldesk.store.models import Base, Timestamped
from spilldesk.store.registry_models import Person
from spilldesk.store.sealing import SealedField
from spilldesk.store.types import JSONText, UTCDateTime


class Incident(Base, Timestamped):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    disclosed_how: Mapped[str | None] = mapped_column(Text)
    disclosed_to: Mapped[str | None] = mapped_column(Text)
    exposed_from: Mapped[datetime] = mapped_column(UTCDateTime())
    exposed_until: Mapped[datetime] = mapped_column(UTCDateTime())
    discovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    custody_reference_date: Mapped[date | None] = mapped_column(Date)
    notice_languages: Mapped[list[str]] = mapped_column(JSONText(), default=lambda: ["en"])
    hold_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_HOLD_DAYS)
    mail_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAIL_DAYS)
    originating_component: Mapped[str | None] = mapped_column(String(40))
    # The telephone line the incident's notices give (an office's line, not a person's).
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    # Where it was posted (a URL or a path), for finding who downloaded it in the server's logs.
    disclosed_url: Mapped[str | None] = mapped_column(String(2000))
    # What this disclosure revealed beyond its columns: each listed person's status in an
    # earlier incident's leak (Dec 7 told Cuba who was in the Nov 28 workbook).
    reveals_status_of: Mapped[str | None] = mapped_column(
        ForeignKey("incidents.id", name="fk_incidents_reveals_status_of")
    )
    risk: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    # The validated playbook of the last plan: a person's facts changing re-plans them with it.
    playbook: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(100))


class HoldExtension(Base, Timestamped):
    """An extension of an incident's removal hold: by days, to a date, or indefinite."""

    __tablename__ = "hold_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # days | until | indefinite
    days: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))


class DisclosedDocument(Base, Timestamped):
    __tablename__ = "disclosed_documents"
    __table_args__ = (UniqueConstraint("incident_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data_elements: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))


class DisclosedRecord(Base):
    """One person record found in a disclosed document; its fields are sealed."""

    __tablename__ = "disclosed_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("disclosed_documents.id"), index=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    source_part: Mapped[str | None] = mapped_column(String(40))
    source_sheet: Mapped[str | None] = mapped_column(String(200))
    source_row: Mapped[int | None] = mapped_column(Integer)
    source_page: Mapped[int | None] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    pii: Mapped[bytes] = mapped_column(LargeBinary)
    a_number_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # pending → matched | review | unmatched (never dropped)
    link_status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    probability: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    link_reason: Mapped[str | None] = mapped_column(String(64))
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReviewItem(Base, Timestamped):
    """A candidate person for a record that linkage would not decide alone.

    While open, the candidate is held by the notice block (fail closed).
    """

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("record_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("disclosed_records.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=1)
    probability: Mapped[float | None] = mapped_column(Float)
    match_weight: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    reason: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)


class Exposure(Base, Timestamped):
    """A person exposed by an incident, and which of their data elements were disclosed."""

    __tablename__ = "exposures"
    __table_args__ = (UniqueConstraint("incident_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("disclosed_records.id"))
    data_elements: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    source: Mapped[str] = mapped_column(String(16))  # linkage | review | manual
    created_by: Mapped[str] = mapped_column(String(100))

    person: Mapped[Person] = relationship()
    incident: Mapped[Incident] = relationship()


class RemovalHold(Base, Timestamped):
    """`place_removal_hold`: a person with an unexecuted final order waits the hold period."""

    __tablename__ = "removal_holds"
    __table_args__ = (UniqueConstraint("incident_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    placed_by: Mapped[str] = mapped_column(String(100))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    release_reason: Mapped[str | None] = mapped_column(Text)


class Notice(Base, Timestamped):
    """One notice per incident × person × recipient (the noncitizen or the representative)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("incident_id", "person_id", "recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_number: Mapped[str] = mapped_column(String(40), unique=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(16))  # noncitizen | representative
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("representatives.id"))
    language: Mapped[str] = mapped_column(String(16))
    needs_translation: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    document_path: Mapped[str | None] = mapped_column(String(500))

    attempts: Mapped[list[DeliveryAttempt]] = relationship(
        order_by="DeliveryAttempt.at", cascade="all, delete-orphan"
    )


class DeliveryAttempt(Base, Timestamped):
    """attempted | delivered | refused | mailed | returned | void — the hold clock reads these.

    Records are never edited: a correction is a new record naming the one it corrects
    (`corrects_id`), and the clock ignores a corrected record (`void`: it never happened).
    """

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_attempts.id", name="fk_delivery_attempts_corrects"), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str | None] = mapped_column(String(24))
    served_by: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    note = SealedField()
