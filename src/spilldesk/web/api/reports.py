"""Oversight: the incident report (JSON, HTML, PDF), live metrics, the investigation record
and the notices to EOIR, USCIS and the DHS Chief Privacy Officer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import Field

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
from spilldesk.web.api.models import In, Out, plain
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


class EntryIn(In):
    kind: Kind
    component: str = Field(min_length=1, max_length=40, description="OPR, OCIO, DHS, ...")
    title: str = Field(min_length=1, max_length=300)
    findings: str | None = Field(None, max_length=8000)
    owner: str | None = Field(None, max_length=100)
    opened_on: date | None = None
    due: date | None = None
    evidence: str | None = Field(None, max_length=8000)
    status: Status | None = None


class EntryChange(In):
    component: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=300)
    findings: str | None = Field(None, max_length=8000)
    owner: str | None = Field(None, max_length=100)
    due: date | None = None
    evidence: str | None = Field(None, max_length=8000)
    status: Status | None = None


class NoticeIn(In):
    to: Literal["eoir", "uscis", "cpo"]


class Report(Out):
    """The incident report: every figure (as `spilldesk report ID --format json`)."""

    incident: dict[str, Any]
    as_of: str
    generated_at: str
    documents: Any
    pii_elements: Any
    records: Any
    affected: Any
    risk_of_harm: dict[str, Any]
    notified: dict[str, Any]
    actions: dict[str, Any]
    review_open: int
    clawback: dict[str, Any]
    monitoring: dict[str, Any]
    investigation: dict[str, Any]
    open_items_by_component: Any
    lessons_learned: list[str]
    series: Any


class Metrics(Out):
    """Live metrics now, and day by day (`series`)."""

    incident: str
    as_of: str
    notified_percent: float
    notified: int
    affected: int
    holds_active: int
    tasks_overdue_by_component: dict[str, int]
    review_open: int
    clawback_answered_percent: float | None
    monitoring: dict[str, Any]
    series: Any


class Entry(Out):
    """An entry of the investigation record."""

    id: int
    kind: str
    component: str
    title: str
    findings: str | None
    owner: str | None
    opened_on: str | None
    due: str | None
    evidence: str | None
    status: str
    closed_on: str | None
    updated_by: str | None
    updated_at: str


class InvestigationRecord(Out):
    incident: str
    on: str
    items: list[Entry]
    reviews: list[Entry]
    corrective_actions: list[Entry]
    mitigations: list[Entry]
    lessons: list[Entry]
    owners: dict[str, Any]
    corrective_actions_overdue: Any


class OversightSent(Out):
    reference: str
    to: str
    at: str
    by: str
    people: int
    document: str
    document_sha256: str | None
    annex: str | None
    annex_sha256: str | None


class OversightWritten(Out):
    reference: str
    addressee: str
    document: str
    annex: str | None
    people: int


def _figures(session: Any, incident_id: str, desk: Any, on: date | None) -> dict[str, Any]:
    return plain(report_figures(session, incident_id, tz=desk.settings.timezone, on=on))


@router.get("/report", summary="The incident report: every figure (JSON)")
def report(incident_id: str, desk: DeskDep, session: SessionDep, principal: Viewer,
           on: date | None = None) -> Report:
    return _figures(session, incident_id, desk, on)


@router.get("/report.{fmt}", summary="The incident report as a printable page or a PDF",
            response_class=Response,
            responses={200: {"description": "The report as a PDF or a printable page",
                             "content": {"application/pdf": {"schema": {
                                             "type": "string", "format": "binary"}},
                                         "text/html": {"schema": {"type": "string"}}}}})
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
            principal: IncidentViewer) -> Metrics:
    return live_metrics(_figures(session, incident_id, desk, None))


@router.get("/investigation", summary="The investigation record")
def investigation(incident_id: str, desk: DeskDep, session: SessionDep,
                  principal: Viewer) -> InvestigationRecord:
    return plain(investigation_record(session, incident_id,
                                      clock.today(desk.settings.timezone)))


@router.post("/investigation", status_code=201, summary="Record a review, corrective "
                                                        "action, mitigation or lesson")
def add_entry(incident_id: str, body: EntryIn, desk: DeskDep, session: SessionDep,
              principal: Editor) -> Entry:
    fields = body.model_dump(exclude_none=True)
    kind = fields.pop("kind")
    item = add_item(session, incident_id, kind=kind, actor=principal.actor,
                    today=clock.today(desk.settings.timezone), **fields)
    return as_dict(item)


@router.patch("/investigation/{entry_id}", summary="Change an entry of the record")
def change_entry(incident_id: str, entry_id: int, body: EntryChange, desk: DeskDep,
                 session: SessionDep, principal: Editor) -> Entry:
    item = update_item(session, incident_id, entry_id, actor=principal.actor,
                       today=clock.today(desk.settings.timezone),
                       **body.model_dump(exclude_unset=True))
    return as_dict(item)


@router.get("/oversight", summary="Notices sent to oversight (EOIR, USCIS, CPO)")
def oversight_sent(incident_id: str, session: SessionDep,
                   principal: Viewer) -> list[OversightSent]:
    return plain(sendings(session, incident_id))


@router.post("/oversight", status_code=201, summary="Write and record a notice to oversight")
def oversight_send(incident_id: str, body: NoticeIn, desk: DeskDep, session: SessionDep,
                   principal: Sender) -> OversightWritten:
    figures = _figures(session, incident_id, desk, None)
    sent = send_notice(session, figures, body.to, desk.settings.output_dir("reports"),
                       actor=principal.actor)
    return sent.as_dict()
