"""Work queues: tasks per component, the linkage review queue, alerts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from spilldesk import clock
from spilldesk.casework.tasks import list_tasks
from spilldesk.intake.incidents import list_incidents
from spilldesk.matching.review import (
    ReviewError,
    accept_review_item,
    list_review_items,
    reject_review_item,
    show_review_item,
)
from spilldesk.notify.alerts import acknowledge_alert, list_alerts
from spilldesk.store.models import Alert, Task
from spilldesk.web.api.errors import MAX_ROW_ID, RowId
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, FormDep, PageForbidden, SessionDep, require_page
from spilldesk.web.pages.actions import FormProblem, back_to, form_page
from spilldesk.web.permissions import Permission, alert_systems, task_components
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 100


@dataclass(frozen=True)
class Pager:
    """Previous / next links over a list shown PER_PAGE at a time."""

    page: int
    total: int
    path: str
    query: dict[str, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    def link(self, page: int) -> str:
        return self.path + "?" + urlencode({**{k: v for k, v in self.query.items() if v},
                                            "page": page})
TaskViewer = Annotated[Principal, Depends(require_page(Permission.VIEW_TASKS))]
ReviewViewer = Annotated[Principal, Depends(require_page(Permission.VIEW_REVIEW))]
Decider = Annotated[Principal, Depends(require_page(Permission.DECIDE_REVIEW))]
AlertViewer = Annotated[Principal, Depends(require_page(Permission.VIEW_ALERTS))]
Acknowledger = Annotated[Principal, Depends(require_page(Permission.ACKNOWLEDGE_ALERTS))]


@router.get("/tasks")
def tasks(request: Request, desk: DeskDep, session: SessionDep, principal: TaskViewer,
          component: str = "", incident: str = "", status: str = "open",
          overdue: str = "", page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    mine = sorted(task_components(principal.role))
    chosen = component.upper() if component.upper() in mine else (mine[0] if mine else "")
    today = clock.today(desk.settings.timezone)
    found = list_tasks(session, actor=principal.actor, component=chosen or None,
                       incident=incident or None, status=status or None,
                       overdue_on=today if overdue == "yes" else None)
    shown = found[(page - 1) * PER_PAGE: page * PER_PAGE]
    owned = select(Task.id, Task.person_id).where(Task.id.in_([t.id for t in shown] or [-1]))
    owners = {task_id: person_id for task_id, person_id in session.execute(owned)}
    rows = [{**t.to_json(), "person_link": f"/people/id/{owners[t.id]}" if owners[t.id] else
             None} for t in shown]
    query = {"component": chosen, "incident": incident, "status": status, "overdue": overdue}
    return render(request, "tasks.html", {
        "title": f"{chosen} tasks", "tasks": rows, "total": len(found),
        "pager": Pager(page, len(found), "/tasks", query),
        "components": mine, "chosen": chosen,
        "incident": incident, "status": status, "overdue": overdue,
        "incidents": [i.id for i in list_incidents(session)], "show_person": True,
    })


@router.get("/review")
def review(request: Request, session: SessionDep, principal: ReviewViewer,
           incident: str = "",
           item: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None) -> Response:
    items = list_review_items(session, incident_id=incident or None)
    chosen = item or (items[0].id if items else None)
    detail: dict[str, Any] | None = None
    if chosen is not None:
        try:
            detail = show_review_item(session, chosen, actor=principal.actor)
        except ReviewError:
            detail = None
    fields = sorted(set((detail or {}).get("record", {})) | set((detail or {}).get("person", {})))
    return render(request, "review.html", {
        "title": "Review queue", "items": [asdict(i) for i in items], "detail": detail,
        "fields": fields, "incident": incident,
    })


@router.post("/review/{item_id}/{decision}")
def decide(request: Request, item_id: RowId, decision: str, form: FormDep,
           session: SessionDep,
           principal: Decider) -> Response:
    note = str(form.get("note") or "").strip() or None
    decide_with = {"accept": accept_review_item, "reject": reject_review_item}.get(decision)
    if decide_with is None:
        raise PageForbidden("A review item is accepted or rejected.")
    form_page(request, "/review")
    result = decide_with(session, item_id, actor=principal.actor, note=note)
    return back_to(request, "/review", f"Review item {item_id} {result.status}; record is now "
                                       f"{result.record_status}.")


@router.get("/alerts")
def alerts(request: Request, session: SessionDep, principal: AlertViewer,
           page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    systems = alert_systems(principal.role)
    found = [a for a in list_alerts(session) if a["system"] in systems]
    shown = found[(page - 1) * PER_PAGE: page * PER_PAGE]
    query = select(Alert.id, Alert.person_id).where(Alert.id.in_([a["id"] for a in shown] or [-1]))
    named = {alert_id: person_id for alert_id, person_id in session.execute(query)}
    return render(request, "alerts.html", {
        "title": "Alerts", "alerts": [{**a, "person_link": f"/people/id/{named[a['id']]}"}
                                      for a in shown],
        "total": len(found), "pager": Pager(page, len(found), "/alerts", {}),
        "systems": sorted(systems)})


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(request: Request, alert_id: RowId, form: FormDep,
                session: SessionDep,
                principal: Acknowledger) -> Response:
    alert = session.get(Alert, alert_id)
    if alert is None or alert.system not in alert_systems(principal.role):
        raise FormProblem("/alerts", f"No alert {alert_id} for your role.")
    form_page(request, "/alerts")
    acknowledge_alert(session, alert_id, actor=principal.actor)
    return back_to(request, "/alerts", f"Alert {alert_id} acknowledged.")
