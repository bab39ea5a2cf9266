"""The monitoring page: an incident's leak hits (where its records reappeared, whom they
expose, what matched) and its recent runs with every problem they met."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from spilldesk.intake.incidents import list_incidents
from spilldesk.monitor.hits import hit_views, hits_of
from spilldesk.monitor.run import latest_runs
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require_page
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
# A hit names exposed persons (masked): whoever may see exposures may see hits.
Viewer = Annotated[Principal, Depends(require_page(Permission.VIEW_EXPOSURES))]


@router.get("/monitoring")
def monitoring_page(request: Request, session: SessionDep, principal: Viewer,
                    incident: str = "") -> Response:
    incidents = [i.id for i in list_incidents(session)]
    chosen = incident if incident in incidents else (incidents[0] if incidents else "")
    hits = runs = []
    if chosen:
        hits = hit_views(session, hits_of(session, chosen), actor=principal.actor,
                         purpose="monitoring page")
        runs = latest_runs(session, chosen)
    persons = sum(h["person_count"] for h in hits)
    return render(request, "monitoring.html", {
        "title": "Monitoring", "incidents": incidents, "chosen": chosen, "hits": hits,
        "runs": runs, "persons": persons})
