"""What a clawback keeps: each reading of the web server's logs for a posted document, the
recipients it found, the letters written to them, their answers, and the log lines behind each
finding. A recipient's contact details are sealed for their row (`pii`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spilldesk import clock
from spilldesk.store.incident_models import Incident  # noqa: F401  (incidents: foreign keys)
from spilldesk.store.models import Base, Timestamped
from spilldesk.store.types import JSONText, UTCDateTime


class ClawbackSearch(Base, Timestamped):
    """One reading of the web server's logs for an incident's document: what was read, how."""

    __tablename__ = "clawback_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    document_size: Mapped[int] = mapped_column(BigInteger)
    size_source: Mapped[str] = mapped_column(String(16))  # option | document | log
    window_from: Mapped[datetime] = mapped_column(UTCDateTime())
    window_until: Mapped[datetime] = mapped_column(UTCDateTime())
    internal: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    owners_file: Mapped[str | None] = mapped_column(String(500))
    logs: Mapped[list[dict[str, Any]]] = mapped_column(JSONText(), default=list)
    lines: Mapped[int] = mapped_column(BigInteger, default=0)
    malformed: Mapped[int] = mapped_column(BigInteger, default=0)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    evidence_counts: Mapped[dict[str, int]] = mapped_column(JSONText(), default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    created_by: Mapped[str] = mapped_column(String(100))


class ClawbackRecipient(Base, Timestamped):
    """A client that received the whole document. Contact details are sealed (`pii`)."""

    __tablename__ = "clawback_recipients"
    __table_args__ = (UniqueConstraint("incident_id", "client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    client: Mapped[str] = mapped_column(String(100))
    network: Mapped[str | None] = mapped_column(String(64))
    organization: Mapped[str | None] = mapped_column(String(300))
    pii: Mapped[bytes | None] = mapped_column(LargeBinary)  # contact, address, email, phone
    crawler: Mapped[str | None] = mapped_column(String(300))
    user_agents: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    downloads: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    search_id: Mapped[int] = mapped_column(ForeignKey("clawback_searches.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    letters: Mapped[list[ClawbackLetter]] = relationship(order_by="ClawbackLetter.sequence")
    answers: Mapped[list[ClawbackAnswer]] = relationship(
        order_by="[ClawbackAnswer.at, ClawbackAnswer.id]")


class ClawbackLetter(Base, Timestamped):
    """A letter to a recipient: the clawback letter (or cache-removal request), follow-ups."""

    __tablename__ = "clawback_letters"
    __table_args__ = (UniqueConstraint("recipient_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("clawback_recipients.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # 1: the first letter, 2.. follow-ups
    kind: Mapped[str] = mapped_column(String(16))  # clawback | cache_removal | follow_up
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply_by: Mapped[date] = mapped_column(Date)
    document_path: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))


class ClawbackAnswer(Base, Timestamped):
    """A recipient's answer (or its absence), with when and the evidence; never edited."""

    __tablename__ = "clawback_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("clawback_recipients.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # acknowledged|destroyed|refused|no_answer
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    evidence: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))


class ClawbackEvidence(Base):
    """A logged request for the document's file name, and what it shows (or does not)."""

    __tablename__ = "clawback_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("clawback_searches.id"), index=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    client: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(2000))
    status: Mapped[int] = mapped_column(Integer)
    bytes_sent: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(300))
