"""Notices and deliveries, clearance checks, the gate and the egress check, the audit log."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from spilldesk import clock
from spilldesk.domain.anumber import InvalidANumber
from spilldesk.intake.incidents import check_incident_id, list_incidents
from spilldesk.notify.generate import generate_packets
from spilldesk.notify.notices import Delivery, notice_status, record_delivery
from spilldesk.safeguards.clearance import (
    ManifestError,
    clearance,
    clearance_manifest,
    read_manifest,
)
from spilldesk.web.api.audit import audit_events
from spilldesk.web.api.gate import check_communication, scan_uploads
from spilldesk.web.auth import Principal, csrf_matches
from spilldesk.web.deps import DeskDep, FormDep, PageForbidden, SessionDep, require_page
from spilldesk.web.pages.actions import FormProblem, _when, back_to, form_page
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render
from spilldesk.web.uploads import Upload, received_files, upload_page_user

router = APIRouter(include_in_schema=False)
NoticeViewer = Annotated[Principal, Depends(require_page(Permission.VIEW_NOTICES))]
Deliverer = Annotated[Principal, Depends(require_page(Permission.RECORD_DELIVERY))]
Generator = Annotated[Principal, Depends(require_page(Permission.GENERATE_NOTICES))]
Checker = Annotated[Principal, Depends(require_page(Permission.CHECK_CLEARANCE))]
ManifestChecker = Annotated[Principal, Depends(upload_page_user(Permission.CHECK_CLEARANCE))]
Gatekeeper = Annotated[Principal, Depends(upload_page_user(Permission.RUN_GATE))]
Screener = Annotated[Principal, Depends(upload_page_user(Permission.EGRESS_CHECK))]
Auditor = Annotated[Principal, Depends(require_page(Permission.VIEW_AUDIT))]


@router.get("/notices")
def notices(request: Request, session: SessionDep, principal: NoticeViewer, desk: DeskDep,
            incident: str = "") -> Response:
    incidents = [i.id for i in list_incidents(session)]
    chosen = incident if incident in incidents else (incidents[0] if incidents else "")
    figures = notice_status(session, chosen, tz=desk.settings.timezone) if chosen else None
    return render(request, "notices.html", {"title": "Notices", "incidents": incidents,
                                            "chosen": chosen, "s": figures})


@router.post("/notices/deliveries")
def deliver(request: Request, form: FormDep, desk: DeskDep, session: SessionDep,
            principal: Deliverer) -> Response:
    incident = str(form.get("incident") or "")
    back = form_page(request, f"/notices?incident={incident}")
    at = _when(str(form.get("at") or ""), desk, back)
    record_delivery(session, incident, str(form.get("a_number") or ""),
                    str(form.get("recipient") or "noncitizen"),
                    Delivery(str(form.get("status") or ""), at,
                             str(form.get("method") or "") or None,
                             str(form.get("served_by") or "").strip() or None,
                             str(form.get("location") or "").strip() or None),
                    actor=principal.actor)
    return back_to(request, back, "Delivery recorded.")


@router.post("/notices/generate")
def generate(request: Request, form: FormDep, desk: DeskDep, session: SessionDep,
             principal: Generator) -> Response:
    incident = str(form.get("incident") or "")
    back = form_page(request, f"/notices?incident={incident}")
    out_dir = desk.settings.output_dir("packets") / check_incident_id(incident)
    report = generate_packets(session, incident, out_dir, actor=principal.actor,
                              tz=desk.settings.timezone, progress=False)
    return back_to(request, back, f"{report.packets} packet(s) rendered in {out_dir} "
                                  f"({report.seconds:.1f} s).")


@router.get("/clearance")
def clearance_page(request: Request, desk: DeskDep, principal: Checker) -> Response:
    day = clock.today(desk.settings.timezone)
    return render(request, "clearance.html", {"title": "Clearance", "answer": None,
                                              "a_number": "", "on": day.isoformat()})


@router.post("/clearance")
def clearance_check(request: Request, form: FormDep, desk: DeskDep, session: SessionDep,
                    principal: Checker) -> Response:
    """The A-number comes in the form body, never the URL (proxies and history keep URLs)."""
    tz = desk.settings.timezone
    a_number = str(form.get("a_number") or "").strip()
    answer = error = None
    try:
        on = str(form.get("on") or "")
        day = date.fromisoformat(on) if on else clock.today(tz)
        answer = clearance(session, a_number, day, actor=principal.actor, tz=tz).to_json()
    except (InvalidANumber, ValueError) as exc:
        day, error = clock.today(tz), str(exc)
    return render(request, "clearance.html", {"title": "Clearance", "answer": answer,
                                              "a_number": a_number, "on": day.isoformat(),
                                              "error": error})


@router.post("/clearance/manifest")
async def manifest_page(request: Request, principal: ManifestChecker) -> Response:
    desk = request.app.state.desk
    tz = desk.settings.timezone
    async with received_files(request, "manifest", max_files=1) as got:
        _check_csrf(request, got.fields.get("csrf_token", ""))
        on = got.fields.get("on", "")
        day = date.fromisoformat(on) if on else clock.today(tz)
        if not got.files:
            raise FormProblem("/clearance", "manifest: choose a CSV or XLSX file")
        answer = await run_in_threadpool(_check_manifest, desk, got.files[0], day, principal)
    return render(request, "clearance.html", {"title": "Clearance", "manifest": answer,
                                              "on": day.isoformat(), "a_number": ""})


def _check_manifest(desk: Any, upload: Upload, day: date, principal: Principal) -> Any:
    try:
        lines = read_manifest(upload.path)
    except ManifestError as exc:
        raise FormProblem("/clearance", str(exc).replace(str(upload.path.parent) + "/", "")
                          ) from None
    with desk.store.session() as session:
        return clearance_manifest(session, [a for _, a in lines], day, actor=principal.actor,
                                  tz=desk.settings.timezone).to_json([n for n, _ in lines])


def _check_csrf(request: Request, token: str) -> None:
    if not csrf_matches(request.session.get("csrf"), token):
        raise PageForbidden("This form has expired; reload the page and try again.")


@router.get("/gate")
def gate_page(request: Request, principal: Annotated[Principal, Depends(
        require_page())]) -> Response:
    return render(request, "gate.html", {"title": "Gate and egress check"})


@router.post("/gate/scan")
async def gate_scan(request: Request, principal: Gatekeeper) -> Response:
    async with received_files(request, "files") as got:
        _check_csrf(request, got.fields.get("csrf_token", ""))
        report = await run_in_threadpool(scan_uploads, got.files)
    return render(request, "gate.html", {"title": "Gate and egress check", "scan": report})


@router.post("/gate/egress")
async def gate_egress(request: Request, principal: Screener) -> Response:
    desk = request.app.state.desk
    tz = desk.settings.timezone
    async with received_files(request, "files") as got:
        _check_csrf(request, got.fields.get("csrf_token", ""))
        result = await run_in_threadpool(
            check_communication, desk.store, got.files, clock.today(tz),
            actor=principal.actor, recipient=got.fields.get("recipient") or None, tz=tz)
    return render(request, "gate.html", {"title": "Gate and egress check", "egress": result})


@router.get("/audit")
def audit_page(request: Request, session: SessionDep, principal: Auditor, actor: str = "",
               action: str = "", before: int | None = None) -> Response:
    events = audit_events(session, actor=actor or None, action=action or None, before=before)
    return render(request, "audit.html", {"title": "Audit log", "events": events,
                                          "actor": actor, "action": action})
