"""Every figure of an incident's report, gathered from the database in one place.

The renderers (JSON, HTML, PDF) and the oversight notices read this document and compute
nothing of their own. "Provided" and "hold active" come from the one rule in
`spilldesk.domain.holds` over the clearance service's facts; counts are grouped in SQL. No
person's data is read here: the figures are counts, dates and codes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.clawback.answers import clawback_status
from spilldesk.domain.holds import ReasonCode, clearance_for, provided_at
from spilldesk.errors import NotFound, ServiceError
from spilldesk.reports.investigation import investigation_record
from spilldesk.reports.monitoring import monitoring_hits
from spilldesk.safeguards.clearance import facts_for_people
from spilldesk.store.clawback_models import ClawbackAnswer, ClawbackLetter, ClawbackRecipient
from spilldesk.store.models import (
    Alert,
    Commitment,
    CustodyDecision,
    DeliveryAttempt,
    DisclosedDocument,
    DisclosedRecord,
    Exposure,
    Facility,
    HoldExtension,
    Incident,
    Notice,
    Person,
    RemovalHold,
    ReviewItem,
    Task,
    TaskIncident,
)

HOLD_CODES = {ReasonCode.REMOVAL_HOLD, ReasonCode.HOLD_EXTENDED_INDEFINITELY}
UNKNOWN = "unknown"
ANSWERED = ("acknowledged", "destroyed", "refused")


class ReportError(ServiceError):
    """The report cannot be made; the message says why."""


class ReportNotFound(ReportError, NotFound):
    """No incident of that id."""

    status = NotFound.status


def report_figures(session: Session, incident_id: str, *, tz: ZoneInfo,
                   on: date | None = None) -> dict[str, Any]:
    """The whole report as one JSON-able document (figures as of the end of `on`)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise ReportNotFound(f"no incident {incident_id!r} (see `spilldesk incident list`)")
    day = on or clock.today(tz)
    person_ids = [r[0] for r in session.execute(
        select(Exposure.person_id).where(Exposure.incident_id == incident_id)
        .order_by(Exposure.person_id))]
    state = _person_states(session, incident_id, person_ids, day, tz)
    tasks = _tasks(session, incident_id, day)
    clawback = _clawback(session, incident_id, day, tz)
    investigation = investigation_record(session, incident_id, day)
    monitoring = monitoring_hits(session, incident_id, day, tz)
    affected = len(person_ids)
    return {
        "incident": _incident(incident, tz),
        "as_of": day.isoformat(),
        "generated_at": clock.now().astimezone(tz).isoformat(timespec="seconds"),
        "documents": _documents(session, incident_id),
        "pii_elements": _pii_elements(session, incident_id),
        "records": _grouped(session, DisclosedRecord.link_status,
                            DisclosedRecord.incident_id == incident_id),
        "affected": _affected(session, incident_id, person_ids),
        "risk_of_harm": incident.risk or {},
        "notified": {"affected": affected, "provided": state["provided"],
                     "percent": _percent(state["provided"], affected)},
        "actions": {
            "holds": {"placed": _count(session, RemovalHold, RemovalHold.incident_id ==
                                       incident_id),
                      "released": _count(session, RemovalHold,
                                         RemovalHold.incident_id == incident_id,
                                         RemovalHold.released_at.is_not(None)),
                      "active": state["holds_active"],
                      "extensions": _extensions(session, incident_id, tz)},
            "alerts": _alerts(session, incident_id),
            "notices": _notices(session, incident_id),
            "deliveries": _grouped(session, DeliveryAttempt.status,
                                   Notice.incident_id == incident_id,
                                   join=(Notice, Notice.id == DeliveryAttempt.notice_id)),
            "custody_decisions": _grouped(
                session, CustodyDecision.decision, Exposure.incident_id == incident_id,
                join=(Exposure, Exposure.person_id == CustodyDecision.person_id)),
            "tasks": tasks,
            "commitments": _commitments(session, incident_id),
        },
        "review_open": _count(session, ReviewItem, ReviewItem.incident_id == incident_id,
                              ReviewItem.status == "open"),
        "clawback": clawback,
        "monitoring": monitoring,
        "investigation": investigation,
        "open_items_by_component": _open_items(tasks, investigation),
        "lessons_learned": [item["title"] + (f" — {item['findings']}" if item["findings"]
                                             else "") for item in investigation["lessons"]],
        "series": _series(session, incident, day, tz, state),
    }


def live_metrics(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures the incident page and the API watch, now and day by day."""
    overdue = {c: t["overdue"] for c, t in figures["actions"]["tasks"]["by_component"].items()}
    return {
        "incident": figures["incident"]["id"], "as_of": figures["as_of"],
        "notified_percent": figures["notified"]["percent"],
        "notified": figures["notified"]["provided"], "affected": figures["notified"]["affected"],
        "holds_active": figures["actions"]["holds"]["active"],
        "tasks_overdue_by_component": overdue,
        "review_open": figures["review_open"],
        "clawback_answered_percent": figures["clawback"]["answered_percent"],
        "monitoring": {"status": figures["monitoring"]["status"],
                       "hits": figures["monitoring"]["hits"]},
        "series": figures["series"],
    }


def _incident(incident: Incident, tz: ZoneInfo) -> dict[str, Any]:
    def when(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(tz).isoformat(timespec="minutes")

    return {"id": incident.id, "title": incident.title, "description": incident.description,
            "disclosed_how": incident.disclosed_how, "disclosed_to": incident.disclosed_to,
            "originating_component": incident.originating_component,
            "posted": when(incident.exposed_from), "removed": when(incident.exposed_until),
            "discovered": when(incident.discovered_at), "reported": when(incident.created_at),
            "custody_reference_date": (incident.custody_reference_date.isoformat()
                                       if incident.custody_reference_date else None),
            "notice_languages": incident.notice_languages, "hold_days": incident.hold_days,
            "mail_days": incident.mail_days, "reveals_status_of": incident.reveals_status_of,
            "status": incident.status}


def _count(session: Session, model: Any, *where: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model).where(*where))
               .scalar_one())


def _grouped(session: Session, column: Any, *where: Any,
             join: tuple[Any, Any] | None = None) -> dict[str, int]:
    query = select(column, func.count()).select_from(column.class_)
    if join is not None:
        query = query.join(*join)
    rows = session.execute(query.where(*where).group_by(column))
    return dict(sorted((UNKNOWN if key is None else str(key), int(n)) for key, n in rows))


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _documents(session: Session, incident_id: str) -> list[dict[str, Any]]:
    rows = session.execute(select(DisclosedDocument).where(
        DisclosedDocument.incident_id == incident_id).order_by(DisclosedDocument.id)).scalars()
    return [{"file_name": d.file_name, "sha256": d.sha256, "size": d.size,
             "records": d.record_count, "data_elements": sorted(d.data_elements or [])}
            for d in rows]


def _pii_elements(session: Session, incident_id: str) -> dict[str, int]:
    """Each data element disclosed, with how many affected people it was disclosed for."""
    counts: Counter[str] = Counter()
    for (elements,) in session.execute(select(Exposure.data_elements).where(
            Exposure.incident_id == incident_id)):
        counts.update(set(elements or []))
    return dict(sorted(counts.items()))


def _affected(session: Session, incident_id: str, person_ids: list[int]) -> dict[str, Any]:
    """The affected people by custody, nationality, fear screening, language and facility.

    Nationality, screening and facility are sealed case facts (docs/operations.md): the
    people are loaded and counted after their facts are opened, never grouped in SQL."""
    counts: dict[str, Counter[str]] = {key: Counter() for key in _BY}
    for start in range(0, len(person_ids), 900):
        for person in session.execute(select(Person).where(
                Person.id.in_(person_ids[start : start + 900]))).scalars():
            for key, attribute in _BY.items():
                value = getattr(person, attribute)
                counts[key][UNKNOWN if value is None else str(value)] += 1
    names = dict(session.execute(select(Facility.code, Facility.name)).all())
    by_facility = sorted(({"code": code, "name": names.get(code, "no facility on record"),
                           "people": n} for code, n in counts.pop("by_facility").items()),
                         key=lambda f: (-f["people"], f["code"]))
    return {"total": len(person_ids),
            **{key: dict(sorted(counted.items())) for key, counted in counts.items()},
            "by_facility": by_facility}


_BY = {"by_custody": "custody", "by_nationality": "country_of_citizenship",
       "by_posture": "posture", "by_language": "language", "by_facility": "facility_code"}


def _extensions(session: Session, incident_id: str, tz: ZoneInfo) -> list[dict[str, Any]]:
    rows = session.execute(select(HoldExtension).where(
        HoldExtension.incident_id == incident_id).order_by(HoldExtension.id)).scalars()
    return [{"at": e.created_at.astimezone(tz).isoformat(timespec="minutes"), "kind": e.kind,
             "days": e.days, "until": e.until.isoformat() if e.until else None,
             "reason": e.reason} for e in rows]


def _alerts(session: Session, incident_id: str) -> dict[str, dict[str, int]]:
    rows = session.execute(select(Alert.system, Alert.status, func.count())
                           .where(Alert.incident_id == incident_id)
                           .group_by(Alert.system, Alert.status))
    found: dict[str, dict[str, int]] = {}
    for system, status, n in rows:
        found.setdefault(system, {})[status] = int(n)
    return {k: dict(sorted(v.items())) for k, v in sorted(found.items())}


def _notices(session: Session, incident_id: str) -> dict[str, Any]:
    mine = Notice.incident_id == incident_id
    by_language_channel: dict[str, dict[str, int]] = {}
    for language, channel, n in session.execute(
            select(Notice.language, Notice.channel, func.count()).where(mine)
            .group_by(Notice.language, Notice.channel)):
        by_language_channel.setdefault(language, {})[channel] = int(n)
    return {
        "total": _count(session, Notice, mine),
        "by_recipient": _grouped(session, Notice.recipient, mine),
        "by_language": _grouped(session, Notice.language, mine),
        "by_channel": _grouped(session, Notice.channel, mine),
        "by_status": _grouped(session, Notice.status, mine),
        "by_language_and_channel": {k: dict(sorted(v.items()))
                                    for k, v in sorted(by_language_channel.items())},
        "needs_translation": _count(session, Notice, mine, Notice.needs_translation.is_(True)),
        "follow_up": _count(session, Notice, mine, Notice.follow_up.is_(True)),
        "generated": _count(session, Notice, mine, Notice.generated_at.is_not(None)),
    }


def _task_rows(session: Session, incident_id: str) -> list[Any]:
    return session.execute(
        select(Task.action, Task.component, Task.status, Task.due, Task.created_at,
               Task.done_at)
        .join(TaskIncident, TaskIncident.task_id == Task.id)
        .where(TaskIncident.incident_id == incident_id)).all()


def _tasks(session: Session, incident_id: str, day: date) -> dict[str, Any]:
    by_component: dict[str, Counter[str]] = {}
    by_action: dict[str, Counter[str]] = {}
    for action, component, status, due, _, _ in _task_rows(session, incident_id):
        bucket = by_component.setdefault(component, Counter())
        bucket[status] += 1
        by_action.setdefault(action, Counter())[status] += 1
        if status == "open" and due is not None and due < day:
            bucket["overdue"] += 1
    return {
        "total": sum(sum(c.values()) for c in by_action.values()),
        "by_component": {c: {"open": b["open"], "overdue": b["overdue"], "done": b["done"],
                             "total": sum(v for k, v in b.items() if k != "overdue")}
                         for c, b in sorted(by_component.items())},
        "by_action": {a: dict(sorted(c.items())) for a, c in sorted(by_action.items())},
    }


def _commitments(session: Session, incident_id: str) -> dict[str, dict[str, int]]:
    found: dict[str, Counter[str]] = {}
    for action, status, incidents in session.execute(
            select(Commitment.action, Commitment.status, Commitment.incidents)):
        if incident_id in (incidents or []):
            found.setdefault(action, Counter())[status] += 1
    return {a: dict(sorted(c.items())) for a, c in sorted(found.items())}


def _person_states(session: Session, incident_id: str, person_ids: list[int], day: date,
                   tz: ZoneInfo) -> dict[str, Any]:
    """Per person, from the one rule: when notice was provided, and the span of the hold."""
    facts = facts_for_people(session, person_ids)
    placed = dict(session.execute(select(RemovalHold.person_id, RemovalHold.created_at).where(
        RemovalHold.incident_id == incident_id)).all())
    exposed_at = dict(session.execute(select(Exposure.person_id, Exposure.created_at).where(
        Exposure.incident_id == incident_id)).all())
    provided: list[date] = []
    holds: list[tuple[date, date | None]] = []  # first day held, first day no longer held
    for pid, fact in facts.items():
        mine = next((i for i in fact.incidents if i.incident_id == incident_id), None)
        if mine is None:
            continue
        moment = provided_at(mine.attempts, mine.policy, tz=tz)
        if moment is not None:
            provided.append(moment.astimezone(tz).date())
        start = (placed.get(pid) or exposed_at[pid]).astimezone(tz).date()
        reasons = clearance_for(fact, start, tz).reasons
        for reason in reasons:
            if reason.code in HOLD_CODES and reason.incident_id == incident_id:
                holds.append((start, reason.until))
    return {"provided_days": provided, "provided": sum(1 for d in provided if d <= day),
            "holds": holds, "holds_active": _held_on(holds, day)}


def _held_on(holds: list[tuple[date, date | None]], day: date) -> int:
    return sum(1 for start, until in holds if start <= day and (until is None or until > day))


def _clawback(session: Session, incident_id: str, day: date, tz: ZoneInfo) -> dict[str, Any]:
    status = clawback_status(session, incident_id, tz=tz, on=day)
    counts = status["counts"]
    answers = Counter((r["answer"] or {}).get("status", "no answer recorded")
                      for r in status["recipients"])
    return {"recipients": counts["recipients"], "counts": counts, "by_state": status["by_state"],
            "answers": dict(sorted(answers.items())),
            "answered_percent": _percent(counts["answered"], counts["sent"]),
            "organizations": sorted({r["organization"] or r["client"]
                                     for r in status["recipients"]})}


def _open_items(tasks: dict[str, Any], investigation: dict[str, Any]) -> dict[str, Any]:
    """What is still open, by the component that owns it: tasks and investigation entries."""
    found: dict[str, dict[str, int]] = {}
    for component, t in tasks["by_component"].items():
        found[component] = {"tasks_open": t["open"], "tasks_overdue": t["overdue"]}
    for item in investigation["items"]:
        if item["status"] != "done" and item["kind"] != "lesson":
            bucket = found.setdefault(item["component"], {"tasks_open": 0, "tasks_overdue": 0})
            key = f"{item['kind']}s_open"
            bucket[key] = bucket.get(key, 0) + 1
    return dict(sorted(found.items()))


def _open_per_day(first: date, count: int,
                  spans: list[tuple[date, date | None]]) -> list[int]:
    """How many spans [start, end) cover each of `count` days from `first` (end None: open)."""
    change = [0] * (count + 1)
    for start, end in spans:
        if end is not None and end <= start:
            continue
        a = max((start - first).days, 0)
        b = count if end is None else min((end - first).days, count)
        if a < b:
            change[a] += 1
            change[b] -= 1
    running, counts = 0, []
    for delta in change[:count]:
        running += delta
        counts.append(running)
    return counts


def _series(session: Session, incident: Incident, day: date, tz: ZoneInfo,
            state: dict[str, Any]) -> dict[str, Any]:
    """Day by day from the posting to `day`: the live metrics over time."""
    first = min(incident.exposed_from.astimezone(tz).date(), day)
    count = (day - first).days + 1

    def local(moment: datetime | None) -> date | None:
        return None if moment is None else moment.astimezone(tz).date()

    def since(moment: datetime | None) -> tuple[date, None]:
        return (local(moment) or first, None)

    reviews = [(local(made) or first, local(decided)) for made, decided in session.execute(
        select(ReviewItem.created_at, ReviewItem.decided_at).where(
            ReviewItem.incident_id == incident.id))]
    overdue: dict[str, list[tuple[date, date | None]]] = {}
    for _, component, _, due, made, done in _task_rows(session, incident.id):
        spans = overdue.setdefault(component, [])
        if due is not None:  # overdue from the day after it was due until the day it is done
            spans.append((max(local(made) or first, due + timedelta(days=1)), local(done)))
    letters = session.execute(select(func.min(ClawbackLetter.issued_at))
                              .join(ClawbackRecipient,
                                    ClawbackLetter.recipient_id == ClawbackRecipient.id)
                              .where(ClawbackRecipient.incident_id == incident.id)
                              .group_by(ClawbackRecipient.id)).scalars().all()
    answers = session.execute(select(func.min(ClawbackAnswer.at))
                              .join(ClawbackRecipient,
                                    ClawbackRecipient.id == ClawbackAnswer.recipient_id)
                              .where(ClawbackRecipient.incident_id == incident.id,
                                     ClawbackAnswer.status.in_(ANSWERED))
                              .group_by(ClawbackAnswer.recipient_id)).scalars().all()
    by_component = {c: _open_per_day(first, count, spans)
                    for c, spans in sorted(overdue.items())}
    return {
        "date": [(first + timedelta(days=n)).isoformat() for n in range(count)],
        "notified": _open_per_day(first, count, [(d, None) for d in state["provided_days"]]),
        "holds_active": _open_per_day(first, count, state["holds"]),
        "review_open": _open_per_day(first, count, reviews),
        "tasks_overdue": [sum(v[n] for v in by_component.values()) for n in range(count)],
        "tasks_overdue_by_component": by_component,
        "clawback_sent": _open_per_day(first, count, [since(at) for at in letters]),
        "clawback_answered": _open_per_day(first, count, [since(at) for at in answers]),
    }
