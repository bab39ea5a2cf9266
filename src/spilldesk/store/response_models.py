"""The response's working tables: tasks for the components (and the incidents each serves),
standing commitments, case events, alerts to the record systems, and custody decisions.

They live on `models.Base` in a module of their own, imported where they are used (and by
`models` on first use of one of these names), so a command that only reads a person's holds
(`spilldesk clearance`) does not build them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spilldesk import clock
from spilldesk.store.incident_models import Incident  # noqa: F401  (incidents: foreign keys)
from spilldesk.store.models import Base, Timestamped
from spilldesk.store.registry_models import Person  # noqa: F401  (persons: foreign keys)
from spilldesk.store.sealing import SealedField
from spilldesk.store.types import JSONText, UTCDateTime


class Task(Base, Timestamped):
    """Work for a component. `key` makes planning idempotent (legal tasks once per person).

    Most tasks are about a person; a few are about something else of an incident (a clawback
    recipient whose owner must be identified): those have no person.
    """

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))  # what a person-less task is about
    action: Mapped[str] = mapped_column(String(64), index=True)
    component: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    due: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(100))
    depends_on_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    outcome: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[str | None] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    playbook: Mapped[str | None] = mapped_column(String(100))
    playbook_version: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    incidents: Mapped[list[TaskIncident]] = relationship(cascade="all, delete-orphan")


class TaskIncident(Base):
    __tablename__ = "task_incidents"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), primary_key=True)


class Commitment(Base, Timestamped):
    """A standing commitment ("will not oppose", "upon request", "upon return").

    It becomes a task when its trigger event is recorded for the person.
    """

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    component: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(64))
    due_days: Mapped[int | None] = mapped_column(Integer)  # the task's due, from the trigger
    incidents: Mapped[list[str]] = mapped_column(JSONText(), default=list)
    status: Mapped[str] = mapped_column(String(16), default="standing")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    playbook: Mapped[str | None] = mapped_column(String(100))
    playbook_version: Mapped[str | None] = mapped_column(String(40))


class CaseEvent(Base, Timestamped):
    """Something that happened in a person's case (motion filed, request received, returned)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    note = SealedField()


class Alert(Base, Timestamped):
    """An alert for a record system (ERO, OPLA) or for CBP, and its delivery."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("person_id", "incident_id", "system", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    system: Mapped[str] = mapped_column(String(16), index=True)  # ERO | OPLA | CBP
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))


class CustodyDecision(Base, Timestamped):
    """A case-by-case custody redetermination, with its rationale."""

    __tablename__ = "custody_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    decision: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    rationale = SealedField()
    bond_amount: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
