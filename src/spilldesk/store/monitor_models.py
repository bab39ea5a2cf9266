"""What the leak monitor keeps: the fingerprints of an incident's exposed persons, its runs, the
documents it has checked (for conditional requests and resumed runs) and its hits.

Nothing here holds a person's data in the clear: fingerprints are keyed HMACs
(`Keyring.fingerprint_key`), a hit names persons by id, and where in a document a hit was found
is sealed (`MonitorHit.evidence`), since a part's or sheet's name can be anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spilldesk import clock
from spilldesk.store.incident_models import Incident  # noqa: F401  (incidents: foreign keys)
from spilldesk.store.models import Base, Timestamped
from spilldesk.store.registry_models import Person  # noqa: F401  (persons: foreign keys)
from spilldesk.store.response_models import Task  # noqa: F401  (tasks: monitor_hits.task_id)
from spilldesk.store.types import JSONText, UTCDateTime


class MonitorFingerprint(Base):
    """One keyed fingerprint of an exposed person: the A-number's digits, or one name word
    with the date of birth (`role` says whether the word is of the family or given name)."""

    __tablename__ = "monitor_fingerprints"
    __table_args__ = (UniqueConstraint("incident_id", "person_id", "kind", "digest", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # a_number | name_dob
    role: Mapped[str] = mapped_column(String(8))  # id | family | given
    digest: Mapped[str] = mapped_column(String(64), index=True)


class MonitorRun(Base, Timestamped):
    """One `monitor run`: its sources, what it read and every problem it met (one line each)."""

    __tablename__ = "monitor_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    sources: Mapped[list[str]] = mapped_column(JSONText())
    depth: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | finished
    documents_checked: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class MonitorDocument(Base):
    """A document the monitor has read for an incident: its validators for the next
    conditional request and the run that last checked it (a resumed run skips it)."""

    __tablename__ = "monitor_documents"
    __table_args__ = (UniqueConstraint("incident_id", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    address: Mapped[str] = mapped_column(String(2000))
    run_id: Mapped[int] = mapped_column(ForeignKey("monitor_runs.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(16))  # read | unchanged | hit | problem
    links: Mapped[list[str]] = mapped_column(JSONText(), default=list)  # to crawl on a 304
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class MonitorHit(Base):
    """A document that carries leaked records of an incident (one per source and content)."""

    __tablename__ = "monitor_hits"
    __table_args__ = (UniqueConstraint("incident_id", "source", "evidence_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    source: Mapped[str] = mapped_column(String(2000))
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: where in the document
    size: Mapped[int] = mapped_column(Integer)
    person_count: Mapped[int] = mapped_column(Integer)
    matched_on: Mapped[dict[str, Any]] = mapped_column(JSONText())  # counts per kind
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    first_run_id: Mapped[int] = mapped_column(ForeignKey("monitor_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("monitor_runs.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))

    persons: Mapped[list[MonitorHitPerson]] = relationship(
        cascade="all, delete-orphan", order_by="MonitorHitPerson.person_id")


class MonitorHitPerson(Base):
    """A person a hit found, and what of theirs matched (`a_number`, `name_dob`)."""

    __tablename__ = "monitor_hit_persons"

    hit_id: Mapped[int] = mapped_column(ForeignKey("monitor_hits.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True,
                                           index=True)
    matched_on: Mapped[list[str]] = mapped_column(JSONText())
