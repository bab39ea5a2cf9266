"""Read-only views over many persons: the people list with its filters, an incident's figures.

"Notified" and "hold active" are not decided here: they come from the one rule in
`spilldesk.domain.holds` (`provided_at`, `clearance_for`) over the clearance service's facts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from spilldesk.domain.holds import ReasonCode, clearance_for, provided_at
from spilldesk.safeguards.clearance import facts_for_people
from spilldesk.store.models import (
    DisclosedRecord,
    Exposure,
    Person,
    RemovalHold,
    ReviewItem,
    Task,
    TaskIncident,
)
from spilldesk.store.people import people_with_facts

HOLD_CODES = {ReasonCode.REMOVAL_HOLD, ReasonCode.HOLD_EXTENDED_INDEFINITELY}


@dataclass(frozen=True)
class PeopleFilter:
    incident: str | None = None
    posture: str | None = None
    custody: str | None = None
    facility: str | None = None
    notified: bool | None = None
    hold: bool | None = None
    only_ids: frozenset[int] | None = None  # a role that may see only some persons
    affected_only: bool = False  # a role that may see only persons an incident exposed


@dataclass
class PeoplePage:
    people: list[Person]
    total: int
    page: int
    per_page: int
    notified: dict[int, bool] = field(default_factory=dict)
    held: dict[int, bool] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def notice_states(session: Session, person_ids: list[int], incident: str | None, on: date,
                  tz: ZoneInfo) -> tuple[dict[int, bool], dict[int, bool]]:
    """Per person: notified (of the incident, or of every incident) and under an active hold."""
    facts = facts_for_people(session, person_ids)
    notified: dict[int, bool] = {}
    held: dict[int, bool] = {}
    for pid, fact in facts.items():
        mine = [i for i in fact.incidents if incident is None or i.incident_id == incident]
        exposed = [i for i in mine if i.exposed or i.in_review]
        notified[pid] = bool(exposed) and all(
            provided_at(i.attempts, i.policy, tz=tz) is not None for i in exposed)
        verdict = clearance_for(fact, on, tz)
        held[pid] = any(r.code in HOLD_CODES and (incident is None or r.incident_id == incident)
                        for r in verdict.reasons)
    return notified, held


def _people_query(f: PeopleFilter) -> Any:
    query = select(Person.id)
    if f.incident:
        query = query.join(Exposure, Exposure.person_id == Person.id).where(
            Exposure.incident_id == f.incident)
    if f.custody:
        query = query.where(Person.custody == f.custody)
    if f.only_ids is not None:
        query = query.where(Person.id.in_(sorted(f.only_ids) or [-1]))
    if f.affected_only:
        query = query.where(_exposed(Person.id))
    return query.order_by(Person.id)


def _exposed(person_id: Any) -> Any:
    exposure = aliased(Exposure)  # not correlated with an incident filter's own join
    return exists(select(exposure.id).where(exposure.person_id == person_id))


def is_affected(session: Session, person_id: int) -> bool:
    """True when some incident exposed this person (an ERO or OPLA user may see them)."""
    return bool(session.execute(select(_exposed(person_id))).scalar())


def people_page(session: Session, f: PeopleFilter, page: int, per_page: int, on: date,
                tz: ZoneInfo) -> PeoplePage:
    ids = [row[0] for row in session.execute(_people_query(f))]
    if f.posture or f.facility:  # sealed: filtered after opening, never in SQL
        ids = people_with_facts(session, ids, posture=f.posture, facility_code=f.facility)
    notified: dict[int, bool] = {}
    held: dict[int, bool] = {}
    if f.notified is not None or f.hold is not None:
        notified, held = notice_states(session, ids, f.incident, on, tz)
        ids = [i for i in ids if (f.notified is None or notified[i] == f.notified)
               and (f.hold is None or held[i] == f.hold)]
    start = (page - 1) * per_page
    shown = ids[start:start + per_page]
    if shown and not notified:
        notified, held = notice_states(session, shown, f.incident, on, tz)
    people = list(session.execute(select(Person).where(Person.id.in_(shown or [-1]))
                                  .order_by(Person.id)).scalars())
    return PeoplePage(people, len(ids), page, per_page,
                      {i: notified.get(i, False) for i in shown},
                      {i: held.get(i, False) for i in shown})


def incident_figures(session: Session, incident_id: str, on: date,
                     tz: ZoneInfo) -> dict[str, Any]:
    """An incident's dashboard: affected, notified, holds, tasks, review, notices over time."""
    ids = [r[0] for r in session.execute(
        select(Exposure.person_id).where(Exposure.incident_id == incident_id))]
    facts = facts_for_people(session, ids)
    provided: list[datetime] = []
    holds_active = 0
    for fact in facts.values():
        for inc in fact.incidents:
            if inc.incident_id == incident_id:
                moment = provided_at(inc.attempts, inc.policy, tz=tz)
                if moment is not None and moment.astimezone(tz).date() <= on:
                    provided.append(moment)
        verdict = clearance_for(fact, on, tz)
        holds_active += any(r.code in HOLD_CODES and r.incident_id == incident_id
                            for r in verdict.reasons)
    placed = session.execute(select(func.count()).select_from(RemovalHold).where(
        RemovalHold.incident_id == incident_id, RemovalHold.released_at.is_(None))).scalar_one()
    return {
        "incident": incident_id, "on": on.isoformat(), "affected": len(ids),
        "notified": len(provided),
        "notified_percent": round(100 * len(provided) / len(ids), 1) if ids else 0.0,
        "holds_placed": placed, "holds_active": holds_active,
        "records": _record_counts(session, incident_id),
        "review_open": session.execute(select(func.count()).select_from(ReviewItem).where(
            ReviewItem.incident_id == incident_id, ReviewItem.status == "open")).scalar_one(),
        "tasks": _task_counts(session, incident_id, on),
        "notices_by_day": _cumulative(provided, tz),
    }


def _record_counts(session: Session, incident_id: str) -> dict[str, int]:
    rows = session.execute(select(DisclosedRecord.link_status, func.count())
                           .where(DisclosedRecord.incident_id == incident_id)
                           .group_by(DisclosedRecord.link_status))
    return {status: count for status, count in rows}


def _task_counts(session: Session, incident_id: str, on: date) -> dict[str, dict[str, int]]:
    query = (select(Task.component, Task.status, Task.due)
             .join(TaskIncident, TaskIncident.task_id == Task.id)
             .where(TaskIncident.incident_id == incident_id))
    counts: dict[str, Counter[str]] = {}
    for component, status, due in session.execute(query):
        bucket = counts.setdefault(component, Counter())
        bucket[status] += 1
        if status == "open" and due is not None and due < on:
            bucket["overdue"] += 1
    return {c: {"open": b["open"], "overdue": b["overdue"], "done": b["done"],
                "total": sum(v for k, v in b.items() if k != "overdue")}
            for c, b in sorted(counts.items())}


def _cumulative(moments: list[datetime], tz: ZoneInfo) -> list[dict[str, Any]]:
    per_day = Counter(m.astimezone(tz).date() for m in moments)
    total, series = 0, []
    for day in sorted(per_day):
        total += per_day[day]
        series.append({"date": day.isoformat(), "provided": per_day[day], "cumulative": total})
    return series
