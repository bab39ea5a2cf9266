"""Oversight: the incident report (JSON, HTML, PDF), live metrics, the investigation record
and the notices to EOIR, USCIS and the DHS Chief Privacy Officer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from spilldesk import clock
from spilldesk.reports.figures import live_metrics, report_figures
from spilldesk.reports.investigation import (
    add_item,
    as_dict,
    investigation_record,
    update_item,
)
from spilldesk.reports.oversight import send_notice, sendings
from spilldesk.reports.write import report_bytes
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/incidents/{incident_id}", tags=["reports"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_REPORTS))]
IncidentViewer = Annotated[Principal, Depends(require(Permission.VIEW_INCIDENTS))]
Editor = Annotated[Principal, Depends(require(Permission.EDIT_INVESTIGATION))]
Sender = Annotated[Principal, Depends(require(Permission.SEND_OVERSIGHT))]
Kind = Literal["review", "corrective_action", "mitigation", "lesson"]
Status = Literal["open", "in_progress", "done"]


class EntryIn(BaseModel):
    kind: Kind
    component: str = Field(min_length=1, max_length=40, description="OPR, OCIO, DHS, ...")
    title: str = Field(min_length=1, max_length=300)
    findings: str | None = Field(None, max_length=8000)
    owner: str | None = Field(None, max_length=100)
    opened_on: date | None = None
    due: date | None = None
    evidence: str | None = Field(None, max_length=8000)
    status: Status | None = None


class EntryChange(BaseModel):
    component: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=300)
    findings: str | None = Field(None, max_length=8000)
    owner: str | None = Field(None, max_length=100)
    due: date | None = None
    evidence: str | None = Field(None, max_length=8000)
    status: Status | None = None


class NoticeIn(BaseModel):
    to: Literal["eoir", "uscis", "cpo"]


def _figures(session: Any, incident_id: str, desk: Any, on: date | None) -> dict[str, Any]:
    return report_figures(session, incident_id, tz=desk.settings.timezone, on=on)


@router.get("/report", summary="The incident report: every figure (JSON)")
def report(incident_id: str, desk: DeskDep, session: SessionDep, principal: Viewer,
           on: date | None = None) -> dict[str, Any]:
    return _figures(session, incident_id, desk, on)


@router.get("/report.{fmt}", summary="The incident report as a printable page or a PDF",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "text/html": {}}}})
def report_file(incident_id: str, fmt: Literal["html", "pdf"], desk: DeskDep,
                session: SessionDep, principal: Viewer, on: date | None = None) -> Response:
    data = report_bytes(_figures(session, incident_id, desk, on), fmt)
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    name = f"{incident_id}-report.{fmt}"
    return Response(data, media_type=media,
                    headers={"content-disposition": f'inline; filename="{name}"'})


@router.get("/metrics", summary="Live metrics: notified %, holds, overdue tasks by "
                                "component, review queue, clawback, monitoring — over time")
def metrics(incident_id: str, desk: DeskDep, session: SessionDep,
            principal: IncidentViewer) -> dict[str, Any]:
    return live_metrics(_figures(session, incident_id, desk, None))


@router.get("/investigation", summary="The investigation record")
def investigation(incident_id: str, desk: DeskDep, session: SessionDep,
                  principal: Viewer) -> dict[str, Any]:
    return investigation_record(session, incident_id, clock.today(desk.settings.timezone))


@router.post("/investigation", status_code=201, summary="Record a review, corrective "
                                                        "action, mitigation or lesson")
def add_entry(incident_id: str, body: EntryIn, desk: DeskDep, session: SessionDep,
              principal: Editor) -> dict[str, Any]:
    fields = body.model_dump(exclude_none=True)
    kind = fields.pop("kind")
    item = add_item(session, incident_id, kind=kind, actor=principal.actor,
                    today=clock.today(desk.settings.timezone), **fields)
    return as_dict(item)


@router.patch("/investigation/{entry_id}", summary="Change an entry of the record")
def change_entry(incident_id: str, entry_id: int, body: EntryChange, desk: DeskDep,
                 session: SessionDep, principal: Editor) -> dict[str, Any]:
    item = update_item(session, incident_id, entry_id, actor=principal.actor,
                       today=clock.today(desk.settings.timezone),
                       **body.model_dump(exclude_unset=True))
    return as_dict(item)


@router.get("/oversight", summary="Notices sent to oversight (EOIR, USCIS, CPO)")
def oversight_sent(incident_id: str, session: SessionDep,
                   principal: Viewer) -> list[dict[str, Any]]:
    return sendings(session, incident_id)


@router.post("/oversight", status_code=201, summary="Write and record a notice to oversight")
def oversight_send(incident_id: str, body: NoticeIn, desk: DeskDep, session: SessionDep,
                   principal: Sender) -> dict[str, Any]:
    figures = _figures(session, incident_id, desk, None)
    sent = send_notice(session, figures, body.to, desk.settings.output_dir("reports"),
                       actor=principal.actor)
    return sent.as_dict()
