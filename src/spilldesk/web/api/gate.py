"""The publication gate and the egress check, for uploaded files."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile

from spilldesk import clock
from spilldesk.response.egress import egress_check
from spilldesk.scan import ScanError, scan_bytes
from spilldesk.scan.formats import to_json
from spilldesk.web.api.errors import bad_request
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(tags=["gate"])
Gatekeeper = Annotated[Principal, Depends(require(Permission.RUN_GATE))]
Screener = Annotated[Principal, Depends(require(Permission.EGRESS_CHECK))]
MAX_UPLOAD = 200 * 1024 * 1024


def read_upload(upload: UploadFile) -> bytes:
    """Read in the worker thread (the routes are sync: scanning and linking are CPU work)."""
    data = upload.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise bad_request(ValueError(f"{upload.filename}: larger than {MAX_UPLOAD} bytes"))
    return data


def safe_name(name: str | None) -> str:
    return Path(name or "upload").name or "upload"


def scan_uploads(uploads: list[tuple[str, bytes]]) -> dict[str, Any]:
    """The gate's JSON report (SPEC `scan --format json`) for uploaded files."""
    try:
        return to_json([scan_bytes(data, name) for name, data in uploads])
    except ScanError as exc:
        raise bad_request(exc) from None


@router.post("/api/gate/scan", summary="Judge documents before publication (scan JSON)")
def scan(files: Annotated[list[UploadFile], File(description="documents to judge")],
               principal: Gatekeeper) -> dict[str, Any]:
    uploads = [(safe_name(f.filename), read_upload(f)) for f in files]
    return scan_uploads(uploads)


def check_communication(session: Any, uploads: list[tuple[str, bytes]], on: date, *,
                        actor: str, recipient: str | None, tz: Any) -> dict[str, Any]:
    """Run the egress check over uploads written to a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="spilldesk-egress-") as folder:
        paths = []
        for name, data in uploads:
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(path)
        try:
            report = egress_check(session, paths, on, actor=actor, recipient=recipient, tz=tz)
        except (ScanError, ValueError) as exc:
            raise bad_request(exc) from None
        result = report.to_json()
    result["files"] = [name for name, _ in uploads]
    return result


@router.post("/api/egress/check",
             summary="Screen an outgoing communication to a third party before it is sent")
def egress(files: Annotated[list[UploadFile], File(description="letter + attachments")],
                 desk: DeskDep, session: SessionDep, principal: Screener,
                 recipient: Annotated[str | None, Form()] = None,
                 on: Annotated[date | None, Form()] = None) -> dict[str, Any]:
    uploads = [(safe_name(f.filename), read_upload(f)) for f in files]
    tz = desk.settings.timezone
    return check_communication(session, uploads, on or clock.today(tz),
                               actor=principal.actor, recipient=recipient, tz=tz)
