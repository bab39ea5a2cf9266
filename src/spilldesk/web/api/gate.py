"""The publication gate and the egress check, for uploaded files.

The user is known before the upload is read and the files are on disk under unique names
(`web.uploads`); the scanning and the egress check run in the thread pool (CPU work).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from spilldesk import clock
from spilldesk.safeguards.egress import egress_check
from spilldesk.scan import ScanError, scan_file
from spilldesk.scan.formats import to_json
from spilldesk.store.db import Store
from spilldesk.web.api.errors import bad_request
from spilldesk.web.api.models import Out
from spilldesk.web.auth import Principal
from spilldesk.web.permissions import Permission
from spilldesk.web.uploads import Upload, multipart, received_files, upload_user

router = APIRouter(tags=["gate"])
Gatekeeper = Annotated[Principal, Depends(upload_user(Permission.RUN_GATE))]
Screener = Annotated[Principal, Depends(upload_user(Permission.EGRESS_CHECK))]


class ScanReport(Out):
    """The gate's report (`spilldesk scan --format json`): each file's verdict and findings."""

    files: list[dict[str, Any]]


class EgressReport(Out):
    """The egress check: the verdict, why, and whom the communication would expose (masked)."""

    files: list[str]
    recipient: str | None
    on: str
    verdict: str
    reasons: list[Any]
    persons: list[dict[str, Any]]
    reveals: list[dict[str, Any]]
    unresolved_records: Any
    unreadable_files: Any
    uninspectable_objects: Any


def scan_uploads(uploads: list[Upload]) -> dict[str, Any]:
    """The gate's JSON report (SPEC `scan --format json`) for uploaded files."""
    if not uploads:
        raise bad_request(ValueError("files: give at least one document"))
    try:
        return to_json([scan_file(u.path, u.name) for u in uploads])
    except ScanError as exc:
        raise bad_request(exc) from None


@router.post("/api/gate/scan", summary="Judge documents before publication (scan JSON)",
             openapi_extra=multipart("files", "documents to judge"))
async def scan(request: Request, principal: Gatekeeper) -> ScanReport:
    async with received_files(request, "files") as got:
        return await run_in_threadpool(scan_uploads, got.files)


def check_communication(store: Store, uploads: list[Upload], on: date, *, actor: str,
                        recipient: str | None, tz: Any) -> dict[str, Any]:
    """Run the egress check over uploads already on disk (one transaction)."""
    if not uploads:
        raise bad_request(ValueError("files: give the letter and its attachments"))
    with store.session() as session:
        try:
            report = egress_check(session, [u.path for u in uploads], on, actor=actor,
                                  recipient=recipient, tz=tz)
        except (ScanError, ValueError) as exc:
            raise bad_request(exc) from None
        result = report.to_json()
    result["files"] = [u.name for u in uploads]
    return result


@router.post("/api/egress/check",
             summary="Screen an outgoing communication to a third party before it is sent",
             openapi_extra=multipart("files", "letter + attachments",
                                     recipient="who it is for",
                                     on="ISO date (default today)"))
async def egress(request: Request, principal: Screener) -> EgressReport:
    desk = request.app.state.desk
    tz = desk.settings.timezone
    async with received_files(request, "files") as got:
        try:
            on = date.fromisoformat(got.fields["on"]) if got.fields.get("on") else None
        except ValueError as exc:
            raise bad_request(ValueError(f"on: {exc}")) from None
        return await run_in_threadpool(
            check_communication, desk.store, got.files, on or clock.today(tz),
            actor=principal.actor, recipient=got.fields.get("recipient") or None, tz=tz)
