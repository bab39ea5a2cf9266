"""Oversight: the investigation record of an incident and the notices sent to oversight.

Kept beside `models.py` (same `Base`) so the report's tables stay in one place. Nothing here
holds a person's data: reviews, corrective actions, mitigations and lessons are about the
incident, and a notice to oversight records where its files are and their digests.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from spilldesk import clock
from spilldesk.store.incident_models import Incident  # noqa: F401  (incidents: foreign keys)
from spilldesk.store.models import Base, Timestamped
from spilldesk.store.types import JSONText, UTCDateTime


class InvestigationItem(Base, Timestamped):
    """One entry of an incident's investigation record.

    `kind`: `review` (OPR, OCIO: opened, findings, status), `corrective_action` (owner, due,
    evidence), `mitigation` (which component owns it: Dec 7 — DHS) or `lesson` (learned).
    Changes are audited; the record keeps who changed it last and when.
    """

    __tablename__ = "investigation_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    component: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    findings: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(100))
    opened_on: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class OversightNotice(Base, Timestamped):
    """A notice sent to oversight (EOIR, USCIS, the DHS Chief Privacy Officer): its files."""

    __tablename__ = "oversight_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    addressee: Mapped[str] = mapped_column(String(16))  # eoir | uscis | cpo
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    document_path: Mapped[str] = mapped_column(String(500))
    document_sha256: Mapped[str] = mapped_column(String(64))
    annex_path: Mapped[str | None] = mapped_column(String(500))
    annex_sha256: Mapped[str | None] = mapped_column(String(64))
    people: Mapped[int] = mapped_column(Integer, default=0)
    figures: Mapped[dict[str, Any]] = mapped_column(JSONText(), default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
