"""The linkage review queue: list, show both sides, accept or reject a candidate."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from spilldesk.matching.review import (
    accept_review_item,
    list_review_items,
    reject_review_item,
    show_review_item,
)
from spilldesk.web.api.errors import RowId
from spilldesk.web.api.models import In, Out, plain
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/review", tags=["review"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_REVIEW))]
Decider = Annotated[Principal, Depends(require(Permission.DECIDE_REVIEW))]


class DecisionIn(In):
    note: str | None = Field(None, max_length=2000)


class ReviewItem(Out):
    """A review item (the candidate's A-number masked)."""

    id: int
    incident: str
    record_id: int
    rank: int
    person_id: int | None
    a_number: str
    probability: float | None
    match_weight: float | None
    reason: str
    status: str
    source: dict[str, Any]
    decided_by: str | None
    decided_at: str | None
    note: str | None


class ReviewItems(Out):
    items: list[ReviewItem]


class ReviewDetail(Out):
    """The item, the disclosed record and the candidate side by side (masked)."""

    explanation: dict[str, Any]
    record: dict[str, Any]
    person: dict[str, Any]


class ReviewDecision(Out):
    item_id: int
    status: str
    record_id: int
    record_status: str
    person_id: int | None
    exposure_created: bool


@router.get("", summary="Review items (open by default)")
def items(session: SessionDep, principal: Viewer, incident: str | None = None,
          status: str | None = "open") -> ReviewItems:
    found = list_review_items(session, incident_id=incident, status=status or None)
    return {"items": [plain(asdict(v)) for v in found]}


@router.get("/{item_id}", summary="A review item side by side (person data masked)")
def show(item_id: RowId, session: SessionDep, principal: Viewer) -> ReviewDetail:
    return plain(show_review_item(session, item_id, actor=principal.actor))


@router.post("/{item_id}/accept", summary="The candidate is the record's person")
def accept(item_id: RowId, body: DecisionIn, session: SessionDep,
           principal: Decider) -> ReviewDecision:
    return asdict(accept_review_item(session, item_id, actor=principal.actor, note=body.note))


@router.post("/{item_id}/reject", summary="The candidate is not the record's person")
def reject(item_id: RowId, body: DecisionIn, session: SessionDep,
           principal: Decider) -> ReviewDecision:
    return asdict(reject_review_item(session, item_id, actor=principal.actor, note=body.note))
