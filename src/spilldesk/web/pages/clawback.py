"""The clawback page: every recipient of an incident's posted document, their letters and
answers, what the logs showed; writing the letters now due and recording answers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from spilldesk.clawback.answers import clawback_status, latest_search, record_answer
from spilldesk.clawback.letters import recipients_of, write_letters
from spilldesk.clawback.search import views
from spilldesk.intake.incidents import list_incidents
from spilldesk.web.api.errors import not_found
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, FormDep, SessionDep, require_page
from spilldesk.web.pages.actions import _when, back_to, form_page
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require_page(Permission.VIEW_CLAWBACK))]
Manager = Annotated[Principal, Depends(require_page(Permission.MANAGE_CLAWBACK))]


@router.get("/clawback")
def clawback_page(request: Request, desk: DeskDep, session: SessionDep, principal: Viewer,
                  incident: str = "") -> Response:
    incidents = [i.id for i in list_incidents(session)]
    chosen = incident if incident in incidents else (incidents[0] if incidents else "")
    status = search = None
    contacts = {}
    if chosen:
        status = clawback_status(session, chosen, tz=desk.settings.timezone)
        search = latest_search(session, chosen)
        rows = recipients_of(session, chosen)
        contacts = {v.reference: v.contact for v in views(session, rows, actor=principal.actor,
                                                          purpose="clawback page")}
    return render(request, "clawback.html", {
        "title": "Clawback", "incidents": incidents, "chosen": chosen, "s": status,
        "search": search, "contacts": contacts})


@router.post("/clawback/letters")
def letters(request: Request, form: FormDep, desk: DeskDep, session: SessionDep,
            principal: Manager) -> Response:
    incident = str(form.get("incident") or "")
    back = form_page(request, f"/clawback?incident={incident}")
    report = write_letters(session, incident, desk.settings.output_dir("clawback") / incident,
                           actor=principal.actor, tz=desk.settings.timezone)
    return back_to(request, back, f"{report.first_letters} letter(s) and {report.follow_ups} "
                                  f"follow-up(s) written; {report.awaiting_owner} recipient(s) "
                                  "await owner identification.")


@router.post("/clawback/answers")
def answers(request: Request, form: FormDep, desk: DeskDep, session: SessionDep,
            principal: Manager) -> Response:
    incident = str(form.get("incident") or "")
    back = form_page(request, f"/clawback?incident={incident}")
    recorded = record_answer(session, incident, str(form.get("recipient") or ""),
                             status=str(form.get("status") or ""),
                             at=_when(str(form.get("at") or ""), desk, back),
                             evidence=str(form.get("evidence") or "") or None,
                             actor=principal.actor, tz=desk.settings.timezone)
    return back_to(request, back, f"{recorded.reference}: {recorded.status} recorded.")


@router.get("/clawback/{incident_id}/letters/{reference}/{sequence}")
def letter_pdf(incident_id: str, reference: str, sequence: int, desk: DeskDep,
               session: SessionDep, principal: Viewer) -> Response:
    """A letter as it was written: the file the desk recorded for it, nothing else."""
    rows = recipients_of(session, incident_id)  # no such incident: the error page, 404
    letter = next((letter for row in rows if row.reference == reference
                   for letter in row.letters if letter.sequence == sequence), None)
    path = Path(letter.document_path) if letter and letter.document_path else None
    if path is None or not path.is_file():
        raise not_found(f"no letter {sequence} for {reference} on file")
    return FileResponse(path, media_type="application/pdf", filename=path.name)
