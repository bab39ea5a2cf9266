"""The incidents list (home) and each incident's dashboard."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from spilldesk import clock
from spilldesk.intake.incidents import (
    get_incident,
    list_incidents,
    open_incident,
    spec_from_mapping,
)
from spilldesk.reports.figures import live_metrics, report_figures
from spilldesk.safeguards.holds import extend_holds, extensions_of
from spilldesk.web.auth import Principal
from spilldesk.web.charts import cumulative_chart
from spilldesk.web.deps import (
    DeskDep,
    FormDep,
    PageForbidden,
    PagePrincipalDep,
    SessionDep,
    require_page,
)
from spilldesk.web.listings import incident_figures
from spilldesk.web.pages.actions import FormProblem, back_to, form_page
from spilldesk.web.permissions import Permission, allowed
from spilldesk.web.templating import nav_for, render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require_page(Permission.VIEW_INCIDENTS))]
Manager = Annotated[Principal, Depends(require_page(Permission.MANAGE_INCIDENTS))]
Extender = Annotated[Principal, Depends(require_page(Permission.EXTEND_HOLDS))]


@router.get("/")
def home(request: Request, desk: DeskDep, session: SessionDep,
         principal: PagePrincipalDep) -> Response:
    if not allowed(principal.role, Permission.VIEW_INCIDENTS):
        first = nav_for(principal)
        if not first:
            raise PageForbidden(f"The {principal.role} role has no pages; use the API.")
        return RedirectResponse(first[0][1], status_code=303)
    tz = desk.settings.timezone
    today = clock.today(tz)
    rows = [(i, incident_figures(session, i.id, today, tz)) for i in list_incidents(session)]
    return render(request, "incidents.html", {"title": "Incidents", "rows": rows})


@router.get("/incidents/{incident_id}")
def dashboard(request: Request, incident_id: str, desk: DeskDep, session: SessionDep,
              principal: Viewer, on: date | None = None) -> Response:
    incident = get_incident(session, incident_id)  # none: the error page, 404
    tz = desk.settings.timezone
    day = on or clock.today(tz)
    figures = incident_figures(session, incident_id, day, tz)
    chart = cumulative_chart(figures["notices_by_day"], figures["affected"],
                             title=f"Notices provided over time, {incident_id}")
    metrics = live_metrics(report_figures(session, incident_id, tz=tz, on=day))
    return render(request, "incident.html", {"title": incident.title, "incident": incident,
                                             "f": figures, "chart": chart, "m": metrics,
                                             "extensions": extensions_of(session, incident_id)})


@router.post("/incidents")
def open_one(request: Request, form: FormDep, desk: DeskDep, session: SessionDep,
             principal: Manager) -> Response:
    """Open an incident from the home page's form (the same record as the CLI's options)."""
    fields = ("id", "title", "exposed_from", "exposed_until", "disclosed_how", "disclosed_to",
              "discovered_at", "custody_reference_date", "disclosed_url")
    data: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in fields}
    data = {k: v for k, v in data.items() if v}
    languages = [t.strip() for t in str(form.get("languages") or "").split(",") if t.strip()]
    if languages:
        data["notice_languages"] = languages
    form_page(request, "/")
    spec = spec_from_mapping(data, desk.settings.timezone)
    incident, created = open_incident(session, spec, actor=principal.actor)
    return back_to(request, f"/incidents/{incident.id}",
                   f"Incident {incident.id} {'opened' if created else 'was already open'}.")


@router.post("/incidents/{incident_id}/extensions")
def extend(request: Request, incident_id: str, form: FormDep, session: SessionDep,
           principal: Extender) -> Response:
    """Extend every removal hold of the incident (the seed: "extending the 30-day pause")."""
    page = form_page(request, f"/incidents/{incident_id}")
    kind = str(form.get("kind") or "")
    days_text, until_text = str(form.get("days") or ""), str(form.get("until") or "")
    try:
        days = int(days_text) if kind == "days" and days_text else None
    except ValueError:
        raise FormProblem(page, "days: a whole number of days") from None
    try:
        until = date.fromisoformat(until_text) if kind == "until" and until_text else None
    except ValueError:
        raise FormProblem(page, "until: not a date (YYYY-MM-DD)") from None
    extension = extend_holds(session, incident_id, days=days, until=until,
                             indefinite=kind == "indefinite",
                             reason=str(form.get("reason") or ""), actor=principal.actor)
    return back_to(request, page, f"Holds of {incident_id} extended ({extension.kind}).")
