"""A person's file as the desk shows it: record, exposures, notices, tasks, holds, timeline.

Read-only gathering for the API and the person page. The person's sealed data is opened
through `store.people.read_person` (an audited read); the clearance comes from the
clearance service; nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.domain.anumber import mask_a_number
from spilldesk.monitor.hits import person_hits
from spilldesk.notify.notices import corrected
from spilldesk.safeguards.clearance import clearance
from spilldesk.store.access_history import events_concerning
from spilldesk.store.models import (
    Alert,
    CaseEvent,
    CustodyDecision,
    Exposure,
    Notice,
    Person,
    RemovalHold,
    ReviewItem,
    Task,
    TaskIncident,
)
from spilldesk.store.people import read_person


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def person_record(person: Person, pii: Any) -> dict[str, Any]:
    return {
        **asdict(pii),
        "id": person.id,  # the opaque id pages link by (never the A-number in a URL)
        "masked_a_number": mask_a_number(pii.a_number),
        "sex": person.sex, "country_of_citizenship": person.country_of_citizenship,
        "language": person.language, "custody": person.custody,
        "book_in_date": _iso(person.book_in_date), "book_out_date": _iso(person.book_out_date),
        "facility_code": person.facility_code,
        "facility": person.facility.name if person.facility else None,
        "posture": person.posture, "appeal_by": person.appeal_by,
        "final_order": person.final_order, "order_type": person.order_type,
        "motion_barred": person.motion_barred, "return_decided": person.return_decided,
        "represented": person.representative_id is not None,
    }


def has_cbp_alert(session: Session, person_id: int) -> bool:
    query = select(Alert.id).where(Alert.person_id == person_id, Alert.system == "CBP")
    return session.execute(query.limit(1)).first() is not None


def person_file(session: Session, person: Person, *, actor: str, on: date,
                tz: Any, with_audit: bool = False) -> dict[str, Any]:
    """Everything the desk knows about one person (an audited read)."""
    pii = read_person(session, person, actor=actor, purpose="person file")
    answer = clearance(session, pii.a_number, on, actor=actor, tz=tz)
    pid = person.id
    result = {
        "person": person_record(person, pii),
        "clearance": answer.to_json(),
        "exposures": _exposures(session, pid),
        "review": _review(session, pid),
        "notices": _notices(session, pid),
        "tasks": _tasks(session, pid),
        "holds": _holds(session, pid),
        "alerts": _alerts(session, pid),
        "custody_decisions": _custody(session, pid),
        "events": _events(session, pid),
        "leak_hits": person_hits(session, pid),
    }
    if with_audit:
        result["audit"] = _audit(session, pid)
    return result


def _exposures(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(Exposure).where(Exposure.person_id == pid)
                           .order_by(Exposure.created_at)).scalars()
    return [{"incident": e.incident_id, "data_elements": e.data_elements, "source": e.source,
             "at": _iso(e.created_at)} for e in rows]


def _review(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(ReviewItem).where(ReviewItem.person_id == pid)).scalars()
    return [{"id": r.id, "incident": r.incident_id, "status": r.status,
             "probability": r.probability, "reason": r.reason, "at": _iso(r.created_at)}
            for r in rows]


def _notices(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(Notice).where(Notice.person_id == pid)
                           .order_by(Notice.incident_id, Notice.recipient)).scalars()
    return [{
        "id": n.id, "notice_number": n.notice_number, "incident": n.incident_id,
        "recipient": n.recipient, "language": n.language, "channel": n.channel,
        "status": n.status, "follow_up": n.follow_up, "needs_translation": n.needs_translation,
        "generated_at": _iso(n.generated_at),
        "attempts": [{"id": a.id, "status": a.status, "at": _iso(a.at), "method": a.method,
                      "served_by": a.served_by, "location": a.location,
                      "corrects": a.corrects_id, "corrected": a.id in corrected(n.attempts)}
                     for a in n.attempts],
    } for n in rows]


def _tasks(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = list(session.execute(select(Task).where(Task.person_id == pid)
                                .order_by(Task.due, Task.id)).scalars())
    links: dict[int, list[str]] = {}
    if rows:
        query = select(TaskIncident).where(TaskIncident.task_id.in_([t.id for t in rows]))
        for link in session.execute(query).scalars():
            links.setdefault(link.task_id, []).append(link.incident_id)
    return [{"id": t.id, "action": t.action, "component": t.component, "status": t.status,
             "due": _iso(t.due), "owner": t.owner, "outcome": t.outcome,
             "incidents": sorted(links.get(t.id, [])), "done_at": _iso(t.done_at)}
            for t in rows]


def _holds(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(RemovalHold).where(RemovalHold.person_id == pid)).scalars()
    return [{"incident": h.incident_id, "placed_at": _iso(h.created_at),
             "released_at": _iso(h.released_at)} for h in rows]


def _alerts(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(Alert).where(Alert.person_id == pid)).scalars()
    return [{"id": a.id, "incident": a.incident_id, "system": a.system, "kind": a.kind,
             "status": a.status, "acknowledged_at": _iso(a.acknowledged_at)} for a in rows]


def _custody(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(CustodyDecision).where(CustodyDecision.person_id == pid)
                           .order_by(CustodyDecision.decided_at)).scalars()
    return [{"decision": c.decision, "rationale": c.rationale, "bond_amount": c.bond_amount,
             "decided_by": c.decided_by, "decided_at": _iso(c.decided_at)} for c in rows]


def _events(session: Session, pid: int) -> list[dict[str, Any]]:
    rows = session.execute(select(CaseEvent).where(CaseEvent.person_id == pid)
                           .order_by(CaseEvent.at)).scalars()
    return [{"kind": e.kind, "at": _iso(e.at), "note": e.note, "by": e.created_by}
            for e in rows]


def _audit(session: Session, pid: int) -> list[dict[str, Any]]:
    return [{"seq": e.seq, "at": _iso(e.at), "actor": e.actor, "action": e.action}
            for e in events_concerning(session, pid, limit=200)]


def timeline(file: dict[str, Any]) -> list[dict[str, Any]]:
    """The file's dated happenings, newest first, for the person page."""
    items: list[dict[str, Any]] = []
    for e in file["exposures"]:
        items.append({"at": e["at"], "kind": "exposure",
                      "text": f"Exposed by {e['incident']}: {', '.join(e['data_elements'])}"})
    for n in file["notices"]:
        for a in n["attempts"]:
            items.append({"at": a["at"], "kind": "delivery",
                          "text": f"Notice {n['notice_number']} ({n['incident']}, to "
                                  f"{n['recipient']}): {a['status']}"
                                  + (f" by {a['method']}" if a["method"] else "")})
    for h in file["holds"]:
        items.append({"at": h["placed_at"], "kind": "hold",
                      "text": f"Removal hold placed ({h['incident']})"})
    for c in file["custody_decisions"]:
        items.append({"at": c["decided_at"], "kind": "custody",
                      "text": f"Custody decision: {c['decision'].replace('_', ' ')}"})
    for ev in file["events"]:
        items.append({"at": ev["at"], "kind": "event", "text": ev["kind"].replace("_", " ")})
    for hit in file.get("leak_hits", []):
        items.append({"at": hit["first_seen"], "kind": "leak",
                      "text": f"Found reposted ({hit['incident']}): {hit['reference']} at "
                              f"{hit['source']}, matched on {', '.join(hit['matched_on'])}"})
    for t in file["tasks"]:
        if t["done_at"]:
            items.append({"at": t["done_at"], "kind": "task",
                          "text": f"{t['component']} task {t['action']}: {t['status']}"})
    return sorted(items, key=lambda i: i["at"] or "", reverse=True)
