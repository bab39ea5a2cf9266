"""The desk's data model, for the whole SPEC: its `Base`, the audit log, and every table's name.

Person data (names, dates of birth, A-numbers, addresses, contact details) lives only in the
`pii` ciphertext columns, sealed by `store.crypto.Keyring` and opened through `store.people`,
which audits every read. Lookups use the `*_index` blind-index columns. Case facts that would
re-identify a person from a backup (fear-screening result, citizenship, sex, facility, book-in
and book-out dates) and free-text notes (custody rationales, case and delivery notes) are
sealed too, in each row's `sealed` column (`store.sealing.SealedField`); every ciphertext is
bound to its table, row and field. What stays in clear is what queries need: custody, language,
final order, order type, appeal deadline and the flags planning reads (docs/operations.md).

This module builds only the audit log's tables (every command writes it) and the key
fingerprints. The others live in modules of their own on the same `Base`, imported where they
are used, so that a command builds the table classes it uses and no others (each declarative
class costs start-up time; `spilldesk clearance` builds none but the audit log's): the registry
(`registry_models`: persons, representatives, facilities), an incident and what follows from
it (`incident_models`: disclosed documents and records, the review queue, exposures, removal
holds and extensions, notices and delivery attempts), the response's (`response_models`:
tasks, commitments, case events, alerts, custody decisions) and the desk's users
(`user_models`), whose names this module still gives on first use (`__getattr__` below), and
the clawback, oversight and monitoring tables (`clawback_models`, `oversight_models`,
`monitor_models`). A relationship names only classes of its own module, of a module it
imports, or of this one; a module whose foreign key names another module's table imports that
module (a flush needs the table it points to); `migrations/env.py` imports the modules whose
imports reach every table (the whole schema).
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, Integer, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from spilldesk import clock
from spilldesk.store.sealing import remember_keyring
from spilldesk.store.types import JSONText, UTCDateTime


class Base(DeclarativeBase):
    pass


event.listen(Base, "load", remember_keyring, propagate=True)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


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
    **dict.fromkeys(("Facility", "Representative", "Person"), "registry_models"),
    **dict.fromkeys(("Incident", "HoldExtension", "DisclosedDocument", "DisclosedRecord",
                     "ReviewItem", "Exposure", "RemovalHold", "Notice", "DeliveryAttempt"),
                    "incident_models"),
    **dict.fromkeys(("Task", "TaskIncident", "Commitment", "CaseEvent", "Alert",
                     "CustodyDecision"), "response_models"),
    **dict.fromkeys(("User", "ApiToken", "WebLogin", "LoginFailure"), "user_models"),
}

if TYPE_CHECKING:  # `X as X`: named here on purpose (mypy sees them as this module's)
    from spilldesk.store.incident_models import DeliveryAttempt as DeliveryAttempt
    from spilldesk.store.incident_models import DisclosedDocument as DisclosedDocument
    from spilldesk.store.incident_models import DisclosedRecord as DisclosedRecord
    from spilldesk.store.incident_models import Exposure as Exposure
    from spilldesk.store.incident_models import HoldExtension as HoldExtension
    from spilldesk.store.incident_models import Incident as Incident
    from spilldesk.store.incident_models import Notice as Notice
    from spilldesk.store.incident_models import RemovalHold as RemovalHold
    from spilldesk.store.incident_models import ReviewItem as ReviewItem
    from spilldesk.store.registry_models import Facility as Facility
    from spilldesk.store.registry_models import Person as Person
    from spilldesk.store.registry_models import Representative as Representative
    from spilldesk.store.response_models import Alert as Alert
    from spilldesk.store.response_models import CaseEvent as CaseEvent
    from spilldesk.store.response_models import Commitment as Commitment
    from spilldesk.store.response_models import CustodyDecision as CustodyDecision
    from spilldesk.store.response_models import Task as Task
    from spilldesk.store.response_models import TaskIncident as TaskIncident
    from spilldesk.store.user_models import ApiToken as ApiToken
    from spilldesk.store.user_models import LoginFailure as LoginFailure
    from spilldesk.store.user_models import User as User
    from spilldesk.store.user_models import WebLogin as WebLogin

def __getattr__(name: str) -> Any:
    """`from spilldesk.store.models import Person` loads `registry_models` then (not before)."""
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"spilldesk.store.{module}"), name)
