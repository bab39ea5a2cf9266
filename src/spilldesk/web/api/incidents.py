"""Incidents: list, open, show, dashboard figures, removal holds and their extensions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field
from sqlalchemy import func, select

from spilldesk import clock
from spilldesk.domain.holds import DEFAULT_HOLD_DAYS, DEFAULT_MAIL_DAYS
from spilldesk.intake.incidents import (
    INCIDENT_ID_PATTERN,
    describe,
    get_incident,
    list_incidents,
    open_incident,
    set_contact_phone,
    spec_from_mapping,
)
from spilldesk.safeguards.holds import extend_holds, list_holds
from spilldesk.store.models import Exposure, Person
from spilldesk.web.api.models import Hold, In, Incident, Out, RiskOfHarmIn, plain
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, SessionDep, require
from spilldesk.web.listings import incident_figures
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/incidents", tags=["incidents"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_INCIDENTS))]
Manager = Annotated[Principal, Depends(require(Permission.MANAGE_INCIDENTS))]
ExposureViewer = Annotated[Principal, Depends(require(Permission.VIEW_EXPOSURES))]
HoldViewer = Annotated[Principal, Depends(require(Permission.VIEW_HOLDS))]
Extender = Annotated[Principal, Depends(require(Permission.EXTEND_HOLDS))]


class IncidentIn(In):
    """An incident's record: the same fields as `spilldesk incident open` (unknown ones: 422)."""

    id: str = Field(min_length=1, max_length=64, pattern=INCIDENT_ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    exposed_from: str = Field(min_length=1, description="ISO timestamp (agency time zone "
                                                         "if no offset)")
    exposed_until: str = Field(min_length=1)
    description: str | None = None
    disclosed_how: str | None = None
    disclosed_to: str | None = None
    discovered_at: str | None = None
    custody_reference_date: date | None = None
    notice_languages: list[str] = Field(default_factory=lambda: ["en"])
    hold_days: int = Field(DEFAULT_HOLD_DAYS, ge=0, le=3650)
    mail_days: int = Field(DEFAULT_MAIL_DAYS, ge=0, le=365)
    originating_component: str | None = None
    reveals_status_of: str | None = Field(
        None, max_length=64, pattern=INCIDENT_ID_PATTERN,
        description="the earlier incident whose leak this one reveals people to be part of")
    disclosed_url: str | None = Field(None, max_length=2000,
                                      description="where the document was posted (clawback)")
    risk_of_harm: RiskOfHarmIn | None = Field(None, description="OMB M-17-12 assessment")


class ExtensionIn(In):
    days: int | None = Field(None, ge=1, le=3650)
    until: date | None = None
    indefinite: bool = False
    reason: str = Field(min_length=1, max_length=2000)


class ContactIn(In):
    phone: str | None = Field(None, max_length=40, description="The line the notices give; "
                                                                 "null or empty removes it")


class IncidentList(Out):
    incidents: list[Incident]


class IncidentOpened(Out):
    created: bool
    incident: Incident


class Dashboard(Out):
    """Affected, notified, holds, records, review, tasks by component, notices per day."""

    incident: str
    on: str
    affected: int
    notified: int
    notified_percent: float
    holds_placed: int
    holds_active: int
    records: dict[str, int]
    review_open: int
    tasks: dict[str, dict[str, int]]
    notices_by_day: list[dict[str, Any]]


class ExposureRow(Out):
    a_number: str
    data_elements: Any
    source: Any
    at: str


class ExposurePage(Out):
    incident: str
    total: int
    page: int
    per_page: int
    exposures: list[ExposureRow]


class HoldList(Out):
    incident: str
    on: str
    holds: list[Hold]


class Extension(Out):
    id: int
    kind: str
    days: int | None
    until: str | None
    reason: str


class ExtensionMade(Out):
    incident: str
    extension: Extension


class ContactSet(Out):
    incident: str
    contact_phone: str | None


def _incident(session: Any, incident_id: str) -> Any:
    return get_incident(session, incident_id)  # IncidentNotFound: 404


@router.get("", summary="Every incident")
def list_all(session: SessionDep, principal: Viewer) -> IncidentList:
    return {"incidents": [describe(i) for i in list_incidents(session)]}


@router.post("", status_code=201, summary="Open an incident (idempotent for the same record)")
def open_one(body: IncidentIn, desk: DeskDep, session: SessionDep,
             principal: Manager) -> IncidentOpened:
    data = body.model_dump(exclude_none=True)
    spec = spec_from_mapping(data, desk.settings.timezone)
    incident, created = open_incident(session, spec, actor=principal.actor)
    return {"created": created, "incident": describe(incident)}


@router.get("/{incident_id}", summary="An incident's record")
def show(incident_id: str, session: SessionDep, principal: Viewer) -> Incident:
    return describe(_incident(session, incident_id))


@router.get("/{incident_id}/dashboard", summary="Affected, notified, holds, tasks, notices")
def dashboard(incident_id: str, desk: DeskDep, session: SessionDep, principal: Viewer,
              on: date | None = None) -> Dashboard:
    _incident(session, incident_id)
    tz = desk.settings.timezone
    return plain(incident_figures(session, incident_id, on or clock.today(tz), tz))


@router.get("/{incident_id}/exposures", summary="Who the incident exposed (A-numbers masked)")
def exposures(incident_id: str, session: SessionDep, principal: ExposureViewer,
              page: Annotated[int, Query(ge=1, le=100_000)] = 1,
              per_page: Annotated[int, Query(ge=1, le=1000)] = 100) -> ExposurePage:
    _incident(session, incident_id)
    where = Exposure.incident_id == incident_id
    total = session.execute(select(func.count()).select_from(Exposure).where(where)
                            ).scalar_one()
    rows = session.execute(
        select(Exposure, Person.a_number_tail).join(Person, Person.id == Exposure.person_id)
        .where(where).order_by(Exposure.id).offset((page - 1) * per_page).limit(per_page))
    return {"incident": incident_id, "total": total, "page": page, "per_page": per_page,
            "exposures": [{"a_number": f"A*****{tail}", "data_elements": e.data_elements,
                           "source": e.source, "at": e.created_at.isoformat()}
                          for e, tail in rows]}


@router.get("/{incident_id}/holds", summary="Every removal hold of the incident")
def holds(incident_id: str, desk: DeskDep, session: SessionDep, principal: HoldViewer,
          on: date | None = None) -> HoldList:
    _incident(session, incident_id)
    tz = desk.settings.timezone
    day = on or clock.today(tz)
    held = list_holds(session, incident_id, day, actor=principal.actor, tz=tz)
    return {"incident": incident_id, "on": day.isoformat(), "holds": [h.to_json() for h in held]}


@router.post("/{incident_id}/holds/extensions", status_code=201,
             summary="Extend every removal hold of the incident")
def extend(incident_id: str, body: ExtensionIn, session: SessionDep,
           principal: Extender) -> ExtensionMade:
    _incident(session, incident_id)
    ext = extend_holds(session, incident_id, days=body.days, until=body.until,
                       indefinite=body.indefinite, reason=body.reason, actor=principal.actor)
    return {"incident": incident_id, "extension": {
        "id": ext.id, "kind": ext.kind, "days": ext.days,
        "until": ext.until.isoformat() if ext.until else None, "reason": ext.reason}}


@router.put("/{incident_id}/contact", summary="Set the telephone line the notices give")
def set_contact(incident_id: str, body: ContactIn, session: SessionDep,
                principal: Manager) -> ContactSet:
    _incident(session, incident_id)
    incident = set_contact_phone(session, incident_id, body.phone, actor=principal.actor)
    return {"incident": incident_id, "contact_phone": incident.contact_phone}
