"""`GET /api/persons` (filtered, paginated) and `POST /api/persons/lookup` (a person's file).

A full A-number never travels in a URL (proxies and browser history keep URLs): a lookup
sends it in the body."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.store.models import Alert
from spilldesk.store.people import find_person, read_people
from spilldesk.web.api.errors import not_found
from spilldesk.web.api.models import In, Out, plain
from spilldesk.web.auth import Principal
from spilldesk.web.deps import DeskDep, PrincipalDep, SessionDep
from spilldesk.web.listings import PeopleFilter, is_affected, people_page
from spilldesk.web.permissions import Permission, alert_systems, allowed
from spilldesk.web.person_file import person_file

router = APIRouter(prefix="/api/persons", tags=["persons"])


def visible_ids(session: Session, principal: Principal) -> frozenset[int] | None:
    """None: every person; else only those named by an alert the role sees (CBP liaison)."""
    if allowed(principal.role, Permission.VIEW_PERSONS):
        return None
    if allowed(principal.role, Permission.VIEW_ALERTED_PERSONS):
        systems = sorted(alert_systems(principal.role))
        query = select(Alert.person_id).where(Alert.system.in_(systems or [""]))
        return frozenset(r[0] for r in session.execute(query))
    raise HTTPException(status.HTTP_403_FORBIDDEN,
                        f"the {principal.role} role may not see persons")


def affected_only(principal: Principal) -> bool:
    """ERO and OPLA work the affected people: the rest of the registry is not theirs to browse."""
    return not allowed(principal.role, Permission.VIEW_REGISTRY)


def may_see(session: Session, principal: Principal, person_id: int,
            only: frozenset[int] | None) -> bool:
    if only is not None and person_id not in only:
        return False
    return not affected_only(principal) or is_affected(session, person_id)


class PersonRow(Out):
    a_number: str
    family_name: str | None
    given_name: str | None
    custody: str | None
    posture: str | None
    facility_code: str | None
    notified: bool
    hold: bool


class PeoplePage(Out):
    total: int
    page: int
    per_page: int
    pages: int
    persons: list[PersonRow]


class PersonFile(Out):
    """Everything the desk knows about one person (an audited read); `audit` for auditors."""

    person: dict[str, Any]
    clearance: dict[str, Any]
    exposures: list[dict[str, Any]]
    review: list[dict[str, Any]]
    notices: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    holds: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    custody_decisions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    leak_hits: list[dict[str, Any]]
    audit: list[dict[str, Any]] | None = None


@router.get("", summary="Affected people, filtered and paginated")
def list_people(
    desk: DeskDep, session: SessionDep, principal: PrincipalDep,
    incident: str | None = None, posture: str | None = None, custody: str | None = None,
    facility: str | None = None,
    notified: Annotated[bool | None, Query(description="notice provided to the person")] = None,
    hold: Annotated[bool | None, Query(description="under an active removal hold")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> PeoplePage:
    only = visible_ids(session, principal)
    tz = desk.settings.timezone
    today = clock.today(tz)
    found = people_page(session, PeopleFilter(incident, posture, custody, facility, notified,
                                              hold, only, affected_only(principal)),
                        page, per_page, today, tz)
    pii = read_people(session, found.people, actor=principal.actor, purpose="people list")
    return {
        "total": found.total, "page": found.page, "per_page": found.per_page,
        "pages": found.pages,
        "persons": [{
            "a_number": pii[p.id].a_number, "family_name": pii[p.id].family_name,
            "given_name": pii[p.id].given_name, "custody": p.custody, "posture": p.posture,
            "facility_code": p.facility_code, "notified": found.notified[p.id],
            "hold": found.held[p.id],
        } for p in found.people],
    }


class PersonLookup(In):
    a_number: str = Field(min_length=1, max_length=40)
    on: date | None = Field(None, description="ISO date for holds and clearance; default today")


@router.post("/lookup", response_model_exclude_unset=True,
             summary="A person's file by A-number: record, exposures, notices, tasks, holds")
def get_person(body: PersonLookup, desk: DeskDep, session: SessionDep,
               principal: PrincipalDep) -> PersonFile:
    only = visible_ids(session, principal)
    on = body.on
    person = find_person(session, body.a_number)
    if person is None or not may_see(session, principal, person.id, only):
        raise not_found("no such person in the registry")
    tz = desk.settings.timezone
    return plain(person_file(session, person, actor=principal.actor,
                             on=on or clock.today(tz), tz=tz,
                             with_audit=allowed(principal.role, Permission.VIEW_AUDIT)))
