"""Alerts for the ERO/OPLA record systems and CBP: list (scoped by role), acknowledge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from spilldesk.notify.alerts import acknowledge_alert, alert_summary, list_alerts
from spilldesk.store.models import Alert, Person
from spilldesk.web.api.errors import RowId, not_found
from spilldesk.web.api.models import Alert as AlertOut
from spilldesk.web.api.models import Out
from spilldesk.web.auth import Principal
from spilldesk.web.deps import SessionDep, require
from spilldesk.web.permissions import Permission, alert_systems

router = APIRouter(prefix="/api/alerts", tags=["alerts"])
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_ALERTS))]
Acknowledger = Annotated[Principal, Depends(require(Permission.ACKNOWLEDGE_ALERTS))]


class AlertList(Out):
    alerts: list[AlertOut]


@router.get("", summary="Alerts of the systems the role sees")
def alerts(session: SessionDep, principal: Viewer, system: str | None = None) -> AlertList:
    systems = alert_systems(principal.role)
    if system and system.upper() not in systems:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the {principal.role} role does not see {system} alerts")
    found = list_alerts(session, system)
    return {"alerts": [a for a in found if a["system"] in systems]}


@router.post("/{alert_id}/acknowledge", summary="The receiving system placed the alert")
def acknowledge(alert_id: RowId, session: SessionDep,
                principal: Acknowledger) -> AlertOut:
    alert = session.get(Alert, alert_id)
    if alert is None or alert.system not in alert_systems(principal.role):
        raise not_found(f"no alert {alert_id} for the {principal.role} role")
    done = acknowledge_alert(session, alert_id, actor=principal.actor)
    person = session.get(Person, done.person_id)
    return alert_summary(done, person.a_number_tail if person else "????")
