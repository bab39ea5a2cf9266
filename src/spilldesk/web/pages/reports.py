"""Oversight on the desk: each incident's report (the printable page and the PDF), its
investigation record (kept by the privacy officer, read by the auditor) and the notices sent
to EOIR, USCIS and the DHS Chief Privacy Officer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from spilldesk import clock
from spilldesk.intake.incidents import list_incidents
from spilldesk.reports.figures import live_metrics, report_figures
from spilldesk.reports.investigation import (
    EDITABLE,
    Kind,
    Status,
    add_item,
    investigation_record,
    update_item,
)
from spilldesk.reports.oversight import Addressee, send_notice, sendings
from spilldesk.reports.write import report_bytes
from spilldesk.web.api.errors import not_found
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, FormDep, SessionDep, require_page
from spilldesk.web.pages.actions import back_to, form_page
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require_page(Permission.VIEW_REPORTS))]
Editor = Annotated[Principal, Depends(require_page(Permission.EDIT_INVESTIGATION))]
Sender = Annotated[Principal, Depends(require_page(Permission.SEND_OVERSIGHT))]


def _figures(session: Any, incident_id: str, desk: Any) -> dict[str, Any]:
    return report_figures(session, incident_id, tz=desk.settings.timezone)


@router.get("/reports")
def reports_page(request: Request, desk: DeskDep, session: SessionDep, principal: Viewer,
                 incident: str = "") -> Response:
    incidents = [i.id for i in list_incidents(session)]
    chosen = incident if incident in incidents else (incidents[0] if incidents else "")
    context: dict[str, Any] = {"title": "Reports", "incidents": incidents, "chosen": chosen,
                               "kinds": [k.value for k in Kind],
                               "statuses": [s.value for s in Status],
                               "addressees": [a.value for a in Addressee], "editable": EDITABLE}
    if chosen:
        context["m"] = live_metrics(_figures(session, chosen, desk))
        context["record"] = investigation_record(session, chosen,
                                                 clock.today(desk.settings.timezone))
        context["sent"] = sendings(session, chosen)
    return render(request, "reports.html", context)


@router.get("/incidents/{incident_id}/report")
def report_page(incident_id: str, desk: DeskDep, session: SessionDep,
                principal: Viewer) -> Response:
    """The self-contained report page, exactly as `spilldesk report ID --format html`."""
    return HTMLResponse(report_bytes(_figures(session, incident_id, desk), "html").decode())


@router.get("/incidents/{incident_id}/report.pdf")
def report_pdf(incident_id: str, desk: DeskDep, session: SessionDep,
               principal: Viewer) -> Response:
    return Response(report_bytes(_figures(session, incident_id, desk), "pdf"),
                    media_type="application/pdf",
                    headers={"content-disposition":
                             f'inline; filename="{incident_id}-report.pdf"'})


@router.post("/incidents/{incident_id}/investigation")
def add_entry(request: Request, incident_id: str, form: FormDep, desk: DeskDep,
              session: SessionDep, principal: Editor) -> Response:
    back = form_page(request, f"/reports?incident={incident_id}")
    fields = {k: str(form.get(k) or "").strip() or None for k in EDITABLE}
    item = add_item(session, incident_id, kind=str(form.get("kind") or ""),
                    actor=principal.actor, today=clock.today(desk.settings.timezone),
                    **{k: v for k, v in fields.items() if v is not None})
    return back_to(request, back, f"Entry {item.id} recorded ({item.kind}).")


@router.post("/incidents/{incident_id}/investigation/{entry_id}")
def change_entry(request: Request, incident_id: str, entry_id: int, form: FormDep,
                 desk: DeskDep, session: SessionDep, principal: Editor) -> Response:
    back = form_page(request, f"/reports?incident={incident_id}")
    changes = {k: str(form.get(k)).strip() for k in ("status", "findings", "evidence")
               if form.get(k) is not None}
    item = update_item(session, incident_id, entry_id, actor=principal.actor,
                       today=clock.today(desk.settings.timezone), **changes)
    return back_to(request, back, f"Entry {item.id} updated ({item.status}).")


@router.post("/incidents/{incident_id}/oversight")
def send(request: Request, incident_id: str, form: FormDep, desk: DeskDep,
         session: SessionDep, principal: Sender) -> Response:
    figures = _figures(session, incident_id, desk)
    back = form_page(request, f"/reports?incident={incident_id}")
    sent = send_notice(session, figures, str(form.get("to") or ""),
                       desk.settings.output_dir("reports"), actor=principal.actor)
    return back_to(request, back, f"Notice {sent.reference} written"
                   + (f" with its annex ({sent.people} people)." if sent.annex else "."))


@router.get("/incidents/{incident_id}/oversight/{reference}.pdf")
def notice_pdf(incident_id: str, reference: str, session: SessionDep,
               principal: Viewer) -> Response:
    """A notice as it was sent: the file recorded for it (the annex, which names people,
    stays on the desk's disk)."""
    found = next((s for s in sendings(session, incident_id) if s["reference"] == reference),
                 None)
    path = Path(found["document"]) if found else None
    if path is None or not path.is_file():
        raise not_found(f"no notice {reference} on file")
    return FileResponse(path, media_type="application/pdf", filename=path.name)
