"""`POST /api/clearance` ({"a_number", "on"}) and `POST /api/clearance/manifest`.

The A-number travels in the body, never in a URL (proxies and browser history keep URLs).

Both call the clearance service (`safeguards.clearance`), the one path of every clearance
answer. The single check is the removal schedulers' hot path: the service hands its audit
event to the audit buffer's sink (see `web.audit_buffer`) instead of locking the audit chain
per request, and the answer leaves once the event is written.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from spilldesk import clock
from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.safeguards.clearance import clearance, clearance_manifest
from spilldesk.store.audit import AuditEventInvalid
from spilldesk.web.api.errors import bad_request
from spilldesk.web.api.models import In
from spilldesk.web.audit_buffer import AuditBacklog, AuditWriteFailed
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, authorize, reading_session, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/clearance", tags=["clearance"])
Checker = Annotated[Principal, Depends(require(Permission.CHECK_CLEARANCE))]


class ClearanceReason(BaseModel):
    code: str
    incident: str | None
    text: str
    until: date | None


class ClearanceOut(BaseModel):
    a_number: str = Field(description="masked: A*****5678")
    on: date
    cleared: bool
    blocked_until: date | None = Field(
        description="first date removal is allowed; null while it depends on a notice not "
                    "yet provided or an indefinite extension")
    reasons: list[ClearanceReason]


class ClearanceIn(In):
    a_number: str = Field(min_length=1, max_length=40, description="any accepted form")
    on: date | None = Field(None, description="ISO date; default today")


class ManifestIn(In):
    a_numbers: list[str] = Field(max_length=100_000, description="one per manifest line")
    on: date | None = None


class ManifestLine(ClearanceOut):
    row: int


class ManifestOut(BaseModel):
    on: date
    checked: int
    blocked: int
    results: list[ManifestLine]


def today(desk: DeskDep) -> date:
    return clock.today(desk.settings.timezone)


@router.post("", response_model=ClearanceOut,
             summary="May this person be removed on this date?")
async def check(body: ClearanceIn, request: Request, desk: DeskDep) -> Response:
    """The hot path, run on the event loop itself: the check is a few indexed reads (well
    under a millisecond), cheaper than a hop to the thread pool; audited through the buffer,
    and the answer leaves only once its audit event is written."""
    audit = desk.buffer.sink()
    with reading_session(desk.store) as session:
        principal = authorize(request, desk, session, Permission.CHECK_CLEARANCE)
        try:
            answer = clearance(session, body.a_number, body.on or today(desk),
                               actor=principal.actor, tz=desk.settings.timezone, audit=audit)
        except InvalidANumber as exc:
            raise bad_request(exc) from None
        except AuditBacklog:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                                "the audit log is not being written; checks are refused "
                                "until it is (fail closed)") from None
        except AuditEventInvalid as exc:
            raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR,
                                f"{exc}: the check cannot be audited, so it is not answered "
                                "(fail closed)") from None
    try:
        await audit.recorded()
    except AuditWriteFailed:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "the audit log did not record this check, so it is not answered "
                            "(fail closed)") from None
    # Already the documented shape (tests hold it to ClearanceOut): skip re-validating it.
    return JSONResponse(answer.to_json())


@router.post("/manifest", response_model=ManifestOut,
             summary="Check every line of a removal manifest")
def manifest(body: ManifestIn, desk: DeskDep, session: SessionDep,
             principal: Checker) -> dict[str, Any]:
    for line, text in enumerate(body.a_numbers, start=1):
        try:
            normalize_a_number(text)
        except InvalidANumber as exc:
            raise bad_request(ValueError(f"a_numbers line {line}: {exc}")) from None
    answer = clearance_manifest(session, body.a_numbers, body.on or today(desk),
                                actor=principal.actor, tz=desk.settings.timezone)
    return answer.to_json()
