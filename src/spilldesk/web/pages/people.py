"""The people list (filters, pagination) and a person's page (record, timeline, actions)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from spilldesk import clock
from spilldesk.domain.posture import Custody, Posture
from spilldesk.intake.incidents import list_incidents
from spilldesk.store.models import Facility, Person
from spilldesk.store.people import find_person, read_people
from spilldesk.web.api.errors import RowId
from spilldesk.web.api.persons import affected_only, may_see, visible_ids
from spilldesk.web.deps import DeskDep, FormDep, PagePrincipalDep, SessionDep
from spilldesk.web.listings import PeopleFilter, people_page
from spilldesk.web.permissions import Permission, allowed
from spilldesk.web.person_file import person_file, timeline
from spilldesk.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


def _flag(text: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(text or "")


def _visible(session: Any, principal: Any) -> frozenset[int] | None:
    try:
        return visible_ids(session, principal)
    except HTTPException as exc:
        from spilldesk.web.deps import PageForbidden

        raise PageForbidden(str(exc.detail)) from None


@router.get("/people")
def people(request: Request, desk: DeskDep, session: SessionDep, principal: PagePrincipalDep,
           incident: str = "", posture: str = "", custody: str = "", facility: str = "",
           notified: str = "", hold: str = "", page: int = 1) -> Response:
    only = _visible(session, principal)
    tz = desk.settings.timezone
    filters = PeopleFilter(incident or None, posture or None, custody or None, facility or None,
                           _flag(notified), _flag(hold), only, affected_only(principal))
    found = people_page(session, filters, max(page, 1), PER_PAGE, clock.today(tz), tz)
    pii = read_people(session, found.people, actor=principal.actor, purpose="people list")
    chosen = {"incident": incident, "posture": posture, "custody": custody,
              "facility": facility, "notified": notified, "hold": hold}
    query = {k: v for k, v in chosen.items() if v}
    return render(request, "people.html", {
        "title": "People", "found": found, "pii": pii, "chosen": chosen,
        "incidents": [i.id for i in list_incidents(session)],
        "postures": [p.value for p in Posture], "custodies": [c.value for c in Custody],
        "facilities": [(f.code, f.name) for f in
                       session.execute(select(Facility).order_by(Facility.name)).scalars()],
        "page_link": lambda n: "/people?" + urlencode({**query, "page": n}),
    })


@router.get("/people/id/{person_id}")
def person_by_id(request: Request, person_id: RowId, desk: DeskDep, session: SessionDep,
                 principal: PagePrincipalDep, on: date | None = None) -> Response:
    """The person page from a masked list (task queues show no full A-number)."""
    return _person_page(request, session.get(Person, person_id), desk, session, principal, on)


@router.post("/people/find")
def find(request: Request, form: FormDep, session: SessionDep,
         principal: PagePrincipalDep) -> Response:
    """The A-number comes in the form body and the person page opens by its opaque id: a full
    A-number never sits in a URL (proxies, logs and browser history keep URLs)."""
    found = find_person(session, str(form.get("a_number") or ""))  # not one: the error page
    if found is None or not may_see(session, principal, found.id, _visible(session, principal)):
        return render(request, "forbidden.html", {"title": "Not found", "message":
                      "No such person in the registry."}, status_code=404)
    return RedirectResponse(f"/people/id/{found.id}", status_code=303)


def _person_page(request: Request, found: Person | None, desk: Any, session: Any,
                 principal: Any, on: date | None) -> Response:
    only = _visible(session, principal)
    if found is None or not may_see(session, principal, found.id, only):
        return render(request, "forbidden.html", {"title": "Not found", "message":
                      "No such person in the registry."}, status_code=404)
    tz = desk.settings.timezone
    file = person_file(session, found, actor=principal.actor, on=on or clock.today(tz),
                       tz=tz, with_audit=allowed(principal.role, Permission.VIEW_AUDIT))
    return render(request, "person.html", {
        "title": f"{file['person']['family_name']}, {file['person']['given_name']}",
        "f": file, "p": file["person"], "timeline": timeline(file),
    })
