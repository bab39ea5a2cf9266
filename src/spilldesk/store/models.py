"""The desk's data model, for the whole SPEC.

Person data (names, dates of birth, A-numbers, addresses, contact details) lives only in the
`pii` ciphertext columns, sealed by `store.crypto.Keyring` and opened through `store.people`,
which audits every read. Lookups use the `*_index` blind-index columns. Case facts that would
re-identify a person from a backup (fear-screening result, citizenship, sex, facility, book-in
and book-out dates) and free-text notes (custody rationales, case and delivery notes) are
sealed too, in each row's `sealed` column (`store.sealing.SealedField`); every ciphertext is
bound to its table, row and field. What stays in clear is what queries need: custody, language,
final order, order type, appeal deadline and the flags planning reads (docs/operations.md).

Some tables live in modules of their own on the same `Base`, imported only where they are used,
so that a command such as `spilldesk clearance` does not build their classes (each declarative
class costs start-up time): the response's (`response_models`: tasks, commitments, case events,
alerts, custody decisions) and the desk's users (`user_models`), whose names this module still
gives on first use (`__getattr__` below), and the clawback, oversight and monitoring tables
(`clawback_models`, `oversight_models`, `monitor_models`). A relationship names only classes of
its own module, or of this one; `migrations/env.py` imports every module (the whole schema).
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship

from spilldesk import clock
from spilldesk.domain.holds import DEFAULT_HOLD_DAYS, DEFAULT_MAIL_DAYS
from spilldesk.store.sealing import SealedField, remember_keyring
from spilldesk.store.types import JSONText, UTCDateTime


class Base(DeclarativeBase):
    pass


event.listen(Base, "load", remember_keyring, propagate=True)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


# --- registry (the agency's system of record) -------------------------------------------------


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


# --- incidents and what they disclosed ----------------------------------------------------------


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


# --- the audit log ------------------------------------------------------------------------------


class AuditEvent(Base):
    """One link of the hash chain. `detail` never holds a person's data."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last link, locked by each writer so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


Index("ix_audit_object", AuditEvent.object_type, AuditEvent.object_id)


class KeyFingerprint(Base):
    """Which key the desk's derived values were made with (`index`: the blind indexes), so a
    key file whose index key changed is noticed before an import duplicates people."""

    __tablename__ = "key_fingerprints"

    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))


# --- tables of other modules, under their old address -------------------------------------------

_ELSEWHERE = {
    **dict.fromkeys(("Task", "TaskIncident", "Commitment", "CaseEvent", "Alert",
                     "CustodyDecision"), "response_models"),
    **dict.fromkeys(("User", "ApiToken", "WebLogin", "LoginFailure"), "user_models"),
}

if TYPE_CHECKING:
    from spilldesk.store.response_models import (  # noqa: F401
        Alert,
        CaseEvent,
        Commitment,
        CustodyDecision,
        Task,
        TaskIncident,
    )
    from spilldesk.store.user_models import ApiToken, LoginFailure, User, WebLogin  # noqa: F401


def __getattr__(name: str) -> Any:
    """`from spilldesk.store.models import Task` loads `response_models` then (not before)."""
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"spilldesk.store.{module}"), name)
