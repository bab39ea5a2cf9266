"""The review queue: a human decides what linkage would not decide alone.

An open item keeps its candidate under the notice block (fail closed). Accepting a candidate
links the record, creates the exposure and closes the record's other candidates; rejecting
the last open candidate leaves the record unmatched (and reported). Every decision is audited
with who made it; showing a record and a person side by side is an audited read.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.domain.anumber import mask_a_number
from spilldesk.errors import NotFound, ServiceError
from spilldesk.matching.linkage import (
    REVIEWER_REJECTED,
    ExposureClaim,
    a_numbers_for,
    data_elements_for,
    ensure_exposures,
    source_of,
)
from spilldesk.store.audit import record_event
from spilldesk.store.models import DisclosedDocument, DisclosedRecord, Person, ReviewItem
from spilldesk.store.people import read_person, read_records

STATUSES = ("open", "accepted", "rejected", "superseded")


class ReviewError(ServiceError):
    """A review item cannot be found or decided; the message says why."""


class ReviewItemNotFound(ReviewError, NotFound):
    """No review item of that id."""

    status = NotFound.status


@dataclass(frozen=True)
class ReviewView:
    id: int
    incident: str
    record_id: int
    rank: int
    person_id: int | None
    a_number: str  # masked
    probability: float | None
    match_weight: float | None
    reason: str
    status: str
    source: dict[str, Any]
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class ReviewDecision:
    item_id: int
    status: str
    record_id: int
    record_status: str
    person_id: int | None
    exposure_created: bool


def _view(item: ReviewItem, record: DisclosedRecord, shown: dict[int, str]) -> ReviewView:
    return ReviewView(
        id=item.id,
        incident=item.incident_id,
        record_id=item.record_id,
        rank=item.rank,
        person_id=item.person_id,
        a_number=shown.get(item.person_id or -1, "A*********"),
        probability=item.probability,
        match_weight=item.match_weight,
        reason=item.reason,
        status=item.status,
        source=source_of(record),
        decided_by=item.decided_by,
        decided_at=item.decided_at,
        note=item.note,
    )


def list_review_items(
    session: Session, *, incident_id: str | None = None, status: str | None = "open",
    reveal_a_numbers: bool = False, actor: str = "",
) -> list[ReviewView]:
    """Review items (open ones by default), by incident, record and rank; nothing decrypted
    unless `reveal_a_numbers` (candidates' whole A-numbers, one audited bulk read)."""
    if status is not None and status not in STATUSES:
        raise ReviewError(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    query = select(ReviewItem, DisclosedRecord).join(
        DisclosedRecord, DisclosedRecord.id == ReviewItem.record_id
    )
    if incident_id is not None:
        query = query.where(ReviewItem.incident_id == incident_id)
    if status is not None:
        query = query.where(ReviewItem.status == status)
    rows = session.execute(
        query.order_by(ReviewItem.incident_id, ReviewItem.record_id, ReviewItem.rank)
    ).all()
    shown = a_numbers_for(
        session, [i.person_id for i, _ in rows if i.person_id], reveal=reveal_a_numbers,
        actor=actor, purpose="review.list (--show-a-numbers)",
    )
    return [_view(item, record, shown) for item, record in rows]


def _item(session: Session, item_id: int, *, deciding: bool = False
          ) -> tuple[ReviewItem, DisclosedRecord]:
    """The item and its record. `deciding` locks the record first and reads the item again
    after the lock: two reviewers deciding on one record's candidates at once take turns,
    and the second sees what the first decided (PostgreSQL; SQLite's writers already take
    turns, `Store.session`)."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise ReviewItemNotFound(f"review item {item_id}: not found (see `spilldesk review list`)")
    query = select(DisclosedRecord).where(DisclosedRecord.id == item.record_id)
    if deciding:
        query = query.with_for_update().execution_options(populate_existing=True)
    record = session.execute(query).scalar_one_or_none()
    if record is None:
        raise ReviewError(f"review item {item_id}: its disclosed record is missing")
    if deciding:
        session.refresh(item)
    return item, record


def _masked(value: str | None) -> str | None:
    if not value:
        return value
    return " ".join(word[0] + "***" for word in value.split())


def _side(fields: dict[str, Any], reveal: bool) -> dict[str, Any]:
    if reveal:
        return fields
    shown = dict(fields)
    for key in ("family_name", "given_name", "full_name", "name"):
        if key in shown:
            shown[key] = _masked(shown[key])
    if shown.get("date_of_birth"):
        shown["date_of_birth"] = str(shown["date_of_birth"])[:4] + "-**-**"
    if shown.get("date_of_birth_raw"):
        # As written (day first, words...): no part of it is safe to show.
        shown["date_of_birth_raw"] = re.sub(r"[0-9A-Za-z]", "*", str(shown["date_of_birth_raw"]))
    if shown.get("a_number"):
        shown["a_number"] = mask_a_number(str(shown["a_number"]))
    for key in ("address_line1", "address_line2", "postal_code", "city"):
        if shown.get(key):
            shown[key] = "***"
    return shown


def show_review_item(
    session: Session, item_id: int, *, actor: str, reveal: bool = False
) -> dict[str, Any]:
    """Both sides of an item: the disclosed record and the candidate (masked unless reveal)."""
    item, record = _item(session, item_id)
    purpose = f"review item {item.id}" + (" (revealed)" if reveal else " (masked)")
    fields = read_records(session, [record], actor=actor, purpose=purpose)[record.id]
    person_side: dict[str, Any] = {}
    person = session.get(Person, item.person_id) if item.person_id else None
    if person is not None:
        pii = read_person(session, person, actor=actor, purpose=purpose)
        person_side = {
            **{k: v for k, v in asdict(pii).items() if v is not None},
            "sex": person.sex,
            "country_of_citizenship": person.country_of_citizenship,
            "custody": person.custody,
            "book_in_date": person.book_in_date,
            "book_out_date": person.book_out_date,
        }
    shown = a_numbers_for(
        session,
        [item.person_id] if item.person_id else [],
        reveal=False,
        actor=actor,
        purpose=purpose,
    )
    return {
        **asdict(_view(item, record, shown)),
        "explanation": item.explanation or {},
        "record": _side(fields, reveal),
        "person": _side(person_side, reveal),
    }


def _decide(item: ReviewItem, status: str, actor: str, note: str | None) -> None:
    if item.status != "open":
        raise ReviewError(
            f"review item {item.id}: already {item.status} "
            f"by {item.decided_by or 'linkage'}; nothing changed"
        )
    item.status, item.decided_by, item.decided_at, item.note = status, actor, clock.now(), note


def accept_review_item(
    session: Session, item_id: int, *, actor: str, note: str | None = None
) -> ReviewDecision:
    """The candidate is the record's person: link, expose, close the record's other items."""
    item, record = _item(session, item_id, deciding=True)
    if item.person_id is None:
        raise ReviewError(f"review item {item_id}: has no candidate person to accept")
    _decide(item, "accepted", actor, note)
    others = session.execute(
        select(ReviewItem).where(
            ReviewItem.record_id == record.id, ReviewItem.id != item.id, ReviewItem.status == "open"
        )
    ).scalars()
    for other in others:
        _decide(other, "rejected", actor, f"another candidate (item {item.id}) was accepted")
    record.link_status, record.person_id, record.link_reason = "matched", item.person_id, None
    record.probability = item.probability
    document = session.get(DisclosedDocument, record.document_id)
    reveals = (item.explanation or {}).get("reveals_status_of")
    elements = data_elements_for(document, reveals) if document else []
    claim = ExposureClaim(item.person_id, record, elements)
    created = ensure_exposures(session, item.incident_id, [claim], source="review", actor=actor) > 0
    record_event(
        session,
        actor=actor,
        action="review.accept",
        object_type="review_item",
        object_id=item.id,
        detail={
            "incident": item.incident_id,
            "record_id": record.id,
            "person_id": item.person_id,
            "exposure_created": created,
            "note": note,
        },
    )
    return ReviewDecision(
        item.id, item.status, record.id, record.link_status, item.person_id, created
    )


def reject_review_item(
    session: Session, item_id: int, *, actor: str, note: str | None = None
) -> ReviewDecision:
    """The candidate is not the record's person; with no candidate left, it is unmatched."""
    item, record = _item(session, item_id, deciding=True)
    _decide(item, "rejected", actor, note)
    session.flush()
    still_open = session.execute(
        select(ReviewItem.id).where(ReviewItem.record_id == record.id, ReviewItem.status == "open")
    ).first()
    if still_open is None and record.link_status != "matched":
        record.link_status, record.person_id = "unmatched", None
        record.link_reason = REVIEWER_REJECTED
    record_event(
        session,
        actor=actor,
        action="review.reject",
        object_type="review_item",
        object_id=item.id,
        detail={
            "incident": item.incident_id,
            "record_id": record.id,
            "person_id": item.person_id,
            "record_status": record.link_status,
            "note": note,
        },
    )
    return ReviewDecision(
        item.id, item.status, record.id, record.link_status, item.person_id, False
    )


__all__ = [
    "ReviewDecision",
    "ReviewError",
    "ReviewView",
    "accept_review_item",
    "list_review_items",
    "reject_review_item",
    "show_review_item",
]
