"""The report's "monitoring hits" section: the one place the report asks about leak monitoring.

Until a monitoring run has watched sources for an incident, the report says so plainly —
monitoring is not set up, so there are no hits to report and none to rule out — rather than
print a zero that would read as "watched, nothing found". Once it has, the figures come from
the monitor's own tables (`spilldesk monitor run`, docs/monitoring.md): the hits first seen
by the report's day, the people they found, their takedown tasks, and a day-by-day series.
Source addresses are named (they are where the records were reposted, not person data).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk.domain.posture import TaskStatus
from spilldesk.store.models import Task
from spilldesk.store.monitor_models import MonitorHit, MonitorHitPerson, MonitorRun

NOT_SET_UP = "not_set_up"
WATCHED = "watched"
SOURCES_SHOWN = 50


def monitoring_hits(session: Session, incident_id: str, day: date, tz: ZoneInfo) -> dict[str, Any]:
    """Monitoring of an incident as of the end of `day`, or the honest empty state."""
    end = datetime.combine(day + timedelta(days=1), time(), tz)
    runs = session.scalars(select(MonitorRun).where(
        MonitorRun.incident_id == incident_id, MonitorRun.created_at < end)
        .order_by(MonitorRun.id)).all()
    if not runs:
        return {"incident": incident_id, "status": NOT_SET_UP, "hits": None,
                "persons": None, "series": None,
                "note": "Monitoring not set up: no sources have been watched for the leaked "
                        "records, so no hits can be reported and none ruled out."}
    hits = session.scalars(select(MonitorHit).where(
        MonitorHit.incident_id == incident_id, MonitorHit.first_seen < end)
        .order_by(MonitorHit.first_seen, MonitorHit.id)).all()
    ids = [hit.id for hit in hits]
    persons = session.scalar(select(func.count(func.distinct(MonitorHitPerson.person_id)))
                             .where(MonitorHitPerson.hit_id.in_(ids))) if ids else 0
    tasks = [hit.task_id for hit in hits if hit.task_id is not None]
    open_tasks = session.scalar(select(func.count()).select_from(Task).where(
        Task.id.in_(tasks), Task.status == TaskStatus.OPEN.value)) if tasks else 0
    matched: Counter[str] = Counter()
    for hit in hits:
        matched.update({kind: int(n) for kind, n in hit.matched_on.items()})
    last = runs[-1]
    documents = sum(run.documents_checked for run in runs)
    return {
        "incident": incident_id, "status": WATCHED, "runs": len(runs),
        "documents_checked": documents,
        "last_run": last.created_at.astimezone(tz).isoformat(timespec="minutes"),
        "hits": len(hits), "persons": int(persons or 0), "takedown_tasks": len(tasks),
        "takedowns_open": int(open_tasks or 0), "matched_on": dict(sorted(matched.items())),
        "sources": [{"source": hit.source, "first_seen": hit.first_seen.astimezone(tz)
                     .date().isoformat(), "persons": hit.person_count}
                    for hit in hits[:SOURCES_SHOWN]],
        "series": _series(hits, tz),
        "note": f"{len(runs)} monitoring run(s) read {documents:,} documents; {len(hits)} "
                f"reposting(s) of the records found, naming {int(persons or 0):,} people; "
                f"{len(tasks)} takedown task(s), {int(open_tasks or 0)} still open.",
    }


def _series(hits: list[MonitorHit], tz: ZoneInfo) -> list[dict[str, Any]]:
    """Hits found by each day they were first seen, and the running total."""
    by_day = Counter(hit.first_seen.astimezone(tz).date().isoformat() for hit in hits)
    total, series = 0, []
    for day in sorted(by_day):
        total += by_day[day]
        series.append({"date": day, "new": by_day[day], "hits": total})
    return series
