"""Leak monitoring: an incident's hits and recent runs (runs are started from the CLI)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from spilldesk.monitor.hits import hit_views, hits_of
from spilldesk.monitor.run import latest_runs
from spilldesk.web.api.models import Out, plain
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require
from spilldesk.web.permissions import Permission

router = APIRouter(prefix="/api/incidents/{incident_id}/monitoring", tags=["monitoring"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_EXPOSURES))]


class MonitoringHits(Out):
    """The incident's recent monitoring runs and its hits (A-numbers masked)."""

    incident: str
    runs: list[dict[str, Any]]
    hits: list[dict[str, Any]]


@router.get("/hits", summary="Documents that carry the incident's leaked records (masked)")
def hits(incident_id: str, session: SessionDep, principal: Viewer) -> MonitoringHits:
    found = hits_of(session, incident_id)
    return plain({"incident": incident_id, "runs": latest_runs(session, incident_id),
                  "hits": hit_views(session, found, actor=principal.actor, purpose="api")})
