"""What case workers record from a person's page: deliveries, custody decisions, events,
and finishing tasks. Each form is one call to a service, then back to the page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from spilldesk import clock
from spilldesk.casework.custody import decide_custody
from spilldesk.casework.events import record_case_event
from spilldesk.casework.tasks import finish_task, get_task
from spilldesk.notify.notices import Delivery, record_delivery
from spilldesk.store.models import Person
from spilldesk.store.people import read_person
from spilldesk.web.api.errors import RowId
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, FormDep, PageForbidden, SessionDep, require_page
from spilldesk.web.permissions import Permission, task_components

router = APIRouter(include_in_schema=False)
Deliverer = Annotated[Principal, Depends(require_page(Permission.RECORD_DELIVERY))]
Custodian = Annotated[Principal, Depends(require_page(Permission.RECORD_CUSTODY))]
EventRecorder = Annotated[Principal, Depends(require_page(Permission.RECORD_EVENTS))]
TaskWorker = Annotated[Principal, Depends(require_page(Permission.WORK_TASKS))]


class FormProblem(Exception):
    """A form the service refused: back to the page with the message (nothing changed)."""

    def __init__(self, back: str, message: str) -> None:
        self.back, self.message = back, message


def form_page(request: Request, path: str) -> str:
    """Name the page this form goes back to: a service's refusal (a ServiceError) returns
    there with its message, shown once (the one handler in `web.app` reads it)."""
    request.state.form_back = path
    return path


def back_to(request: Request, path: str, message: str, *, error: bool = False) -> Response:
    """Back to the page, with the message shown once there (kept in the session)."""
    request.session["flash"] = ["error" if error else "done", message]
    return RedirectResponse(path, status_code=303)


def _when(text: str, desk: Any, back: str) -> datetime:
    """A datetime-local field in the agency's time zone; empty means now."""
    if not text.strip():
        return clock.now().astimezone(desk.settings.timezone)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FormProblem(back, "at: not a date and time (YYYY-MM-DDTHH:MM)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=desk.settings.timezone)


def _person(session: Any, person_id: int, principal: Principal) -> tuple[str, str]:
    """The person page's path (by opaque id) and the A-number the services take."""
    person = session.get(Person, person_id)
    if person is None:
        raise PageForbidden("No such person in the registry.")
    pii = read_person(session, person, actor=principal.actor, purpose="case action")
    return f"/people/id/{person_id}", pii.a_number


def _text(form: dict[str, Any], name: str) -> str:
    return str(form.get(name) or "").strip()


@router.post("/people/id/{person_id}/deliveries")
def deliver(request: Request, person_id: RowId, form: FormDep, desk: DeskDep,
            session: SessionDep, principal: Deliverer) -> Response:
    page, a_number = _person(session, person_id, principal)
    form_page(request, page)
    incident, _, recipient = _text(form, "notice").partition("|")
    delivery = Delivery(status=_text(form, "status"), at=_when(_text(form, "at"), desk, page),
                        method=_text(form, "method") or None,
                        served_by=_text(form, "served_by") or None,
                        location=_text(form, "location") or None,
                        note=_text(form, "note") or None)
    attempt = record_delivery(session, incident, a_number, recipient, delivery,
                              actor=principal.actor)
    return back_to(request, page, f"Recorded: notice {attempt.status} ({incident}, {recipient}).")


@router.post("/people/id/{person_id}/custody")
def custody(request: Request, person_id: RowId, form: FormDep, session: SessionDep,
            principal: Custodian) -> Response:
    page, a_number = _person(session, person_id, principal)
    form_page(request, page)
    bond = _text(form, "bond_amount").replace(",", "").replace("$", "")
    if bond and not (bond.isascii() and bond.isdigit()):
        raise FormProblem(page, "bond amount: a whole number of dollars")
    result = decide_custody(session, a_number, decision=_text(form, "decision"),
                            rationale=_text(form, "rationale"), actor=principal.actor,
                            bond_amount=int(bond) if bond else None)
    decided = result.decision.replace("_", " ")
    return back_to(request, page, f"Custody decision recorded: {decided}.")


@router.post("/people/id/{person_id}/events")
def event(request: Request, person_id: RowId, form: FormDep, desk: DeskDep,
          session: SessionDep, principal: EventRecorder) -> Response:
    page, a_number = _person(session, person_id, principal)
    form_page(request, page)
    result = record_case_event(session, a_number, _text(form, "kind"),
                               note=_text(form, "note") or None, actor=principal.actor,
                               tz=desk.settings.timezone)
    return back_to(request, page, f"Event recorded; {len(result.tasks)} task(s) created.")


@router.post("/tasks/{task_id}/finish")
def finish(request: Request, task_id: RowId, form: FormDep, session: SessionDep,
           principal: TaskWorker) -> Response:
    back = _text(form, "back")
    back = form_page(request, back if back.startswith("/") and not back.startswith("//")
                     else "/tasks")
    task = get_task(session, task_id)
    if task.component not in task_components(principal.role):
        raise PageForbidden(f"{task.component} tasks are not yours to finish.")
    done = finish_task(session, task_id, status=_text(form, "status"),
                       outcome=_text(form, "outcome"), actor=principal.actor)
    return back_to(request, back, f"Task {done.id} ({done.action.replace('_', ' ')}) "
                                  f"{done.status} for {done.a_number}.")


def form_problem_handler(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, FormProblem):  # registered for FormProblem only
        raise exc
    return back_to(request, exc.back, exc.message, error=True)
