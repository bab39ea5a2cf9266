"""Every audit event that concerns one person: the ones about them alone (a read, a hold, a
clearance check) and the ones that name them among many (a bulk read, a manifest, a linkage
run, an egress check), newest first. What the person's file shows and what an auditor asks
with `spilldesk audit person`."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from spilldesk.store.models import AuditEvent
from spilldesk.store.read_sets import ids_named

# Events naming persons among many carry one of these keys (read_sets); the detail is stored
# as compact JSON text, so a LIKE on the text finds them without reading every event.
_NAMES_PERSONS = '%"person_ids%'


def events_concerning(session: Session, person_id: int, *, limit: int | None = None
                      ) -> list[AuditEvent]:
    """The events about this person, or naming them, newest first (at most `limit`)."""
    about = select(AuditEvent).where(AuditEvent.object_type == "person",
                                     AuditEvent.object_id == str(person_id))
    if limit is not None:
        about = about.order_by(AuditEvent.seq.desc()).limit(limit)
    found = {e.seq: e for e in session.execute(about).scalars()}
    for event in _naming(session, person_id):
        if limit is not None and len(found) >= limit and event.seq < min(found):
            break
        found.setdefault(event.seq, event)
    newest = sorted(found.values(), key=lambda e: e.seq, reverse=True)
    return newest if limit is None else newest[:limit]


def _naming(session: Session, person_id: int) -> Iterator[AuditEvent]:
    detail = type_coerce(AuditEvent.__table__.c.detail, Text)
    query = (select(AuditEvent).where(detail.like(_NAMES_PERSONS))
             .order_by(AuditEvent.seq.desc()).execution_options(yield_per=500))
    for event in session.execute(query).scalars():
        if person_id in ids_named(event.detail):
            yield event
