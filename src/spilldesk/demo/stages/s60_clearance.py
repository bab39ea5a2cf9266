"""Stage: clear the Dec 14 removal flight's manifest, replay the Dec 7 communication through
the egress check, count the removal holds, and write the alert feeds for ERO, OPLA and CBP.

The manifest mixes exposed and unexposed people, people with and without final orders, review
candidates and one A-number the registry does not know: the desk must block everyone whose
notice has not been provided (or whose hold is running), and the Dec 7 letter with its list
must never leave the building.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from spilldesk import clock
from spilldesk.demo.runner import DemoContext, DemoError
from spilldesk.demo.timeline import FLIGHT_CHECKED
from spilldesk.notify.alerts import SYSTEMS, alert_feed, render_feed
from spilldesk.private_files import write_private
from spilldesk.safeguards.clearance import clearance_manifest, read_manifest
from spilldesk.safeguards.egress import egress_check
from spilldesk.safeguards.holds import list_holds
from spilldesk.store.models import Incident

TITLE = "Clearance: the removal-flight manifest, the Dec 7 egress replay, holds and alerts"

MANIFESTS = "manifests/removal-flight-*.csv"
DEC_7_FILES = ("disclosures/2022-12-07-communication.txt", "disclosures/2022-12-07-cuba-list.xlsx")
RECIPIENT = "Government of Cuba, consular section"
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def run(ctx: DemoContext) -> dict[str, Any]:
    with clock.replaying(FLIGHT_CHECKED):  # the day before the flight
        return _run(ctx)


def _run(ctx: DemoContext) -> dict[str, Any]:
    manifests = sorted(ctx.scenario_dir.glob(MANIFESTS))
    if not manifests:
        raise DemoError(f"{ctx.scenario_dir}: no removal-flight manifest ({MANIFESTS})")
    result: dict[str, Any] = {"manifests": [_check_manifest(ctx, path) for path in manifests]}
    flight = date.fromisoformat(result["manifests"][0]["on"])
    result["egress_dec_7"] = _replay_dec_7(ctx, flight)
    result["holds"] = _holds(ctx, flight)
    result["alert_feeds"] = _alert_feeds(ctx)
    return result


def _holds(ctx: DemoContext, on: date) -> dict[str, Any]:
    """Each incident's removal holds and how many still block removal on the flight date."""
    summary: dict[str, Any] = {}
    with ctx.desk.session() as session:
        incidents = session.execute(select(Incident.id).order_by(Incident.exposed_from))
        for incident_id in incidents.scalars().all():
            held = list_holds(session, incident_id, on, actor=ctx.actor, tz=ctx.settings.timezone)
            active = [h for h in held if h.released_at is None]
            blocking = [h for h in active if not h.cleared]
            summary[incident_id] = {
                "holds": len(active),
                "blocking_on_flight_date": len(blocking),
                "blocked_open_ended": sum(h.blocked_until is None for h in blocking),
            }
    return summary


def _alert_feeds(ctx: DemoContext) -> dict[str, Any]:
    """The feed each record system receives (A-number, incident, alert kind only)."""
    folder = ctx.settings.output_dir("alerts")
    counts: dict[str, Any] = {}
    with ctx.desk.session() as session:
        for system in SYSTEMS:
            messages = alert_feed(session, system, actor=ctx.actor)
            write_private(folder / f"alerts-{system}.jsonl", render_feed(messages, "jsonl"))
            counts[system] = len(messages)
    ctx.say(
        f"alert feeds written to {folder}: "
        + ", ".join(f"{system} {n}" for system, n in counts.items())
    )
    return {"folder": str(folder), "alerts": counts}


def _flight_date(path: Path) -> date:
    found = _DATE_IN_NAME.search(path.name)
    if not found:
        raise DemoError(f"{path.name}: no flight date (YYYY-MM-DD) in the file name")
    return date.fromisoformat(found.group(1))


def _check_manifest(ctx: DemoContext, path: Path) -> dict[str, Any]:
    on = _flight_date(path)
    lines = read_manifest(path)
    with ctx.desk.session() as session:
        answer = clearance_manifest(
            session, [a for _, a in lines], on, actor=ctx.actor, tz=ctx.settings.timezone
        )
    codes: Counter[str] = Counter()
    for row in answer.results:
        codes.update({r.code.value for r in row.reasons})
    summary: dict[str, Any] = {
        "file": path.name,
        "on": on.isoformat(),
        "checked": len(answer.results),
        "blocked": answer.blocked,
        "cleared": len(answer.results) - answer.blocked,
        "blocked_by_reason": dict(sorted(codes.items())),
        "blocked_open_ended": sum(
            1 for r in answer.results if not r.cleared and r.blocked_until is None
        ),
    }
    ctx.say(
        f"{path.name}: {summary['checked']} checked for {on.isoformat()}, "
        f"{summary['blocked']} blocked ({', '.join(f'{k} {v}' for k, v in codes.items())})"
    )
    return summary


def _replay_dec_7(ctx: DemoContext, on: date) -> dict[str, Any]:
    paths = [ctx.scenario_dir / name for name in DEC_7_FILES]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        raise DemoError(f"the scenario lacks the Dec 7 files: {', '.join(missing)}")
    with ctx.desk.session() as session:
        report = egress_check(
            session, paths, on, actor=ctx.actor, recipient=RECIPIENT, tz=ctx.settings.timezone
        )
    found_by = Counter(p.found_by for p in report.persons)
    summary: dict[str, Any] = {
        "verdict": report.verdict,
        "reasons": [r["code"] for r in report.reasons],
        "persons_named": len(report.persons),
        "exposed_named": sum(bool(p.exposed_by) for p in report.persons),
        "not_cleared": sum(not p.clearance.cleared for p in report.persons),
        "unresolved_records": len(report.unresolved),
        "found_by": dict(sorted(found_by.items())),
        "revealing_words": sorted({r.text for r in report.reveals}),
    }
    ctx.say(
        f"Dec 7 egress replay → {report.verdict.upper()}: {summary['persons_named']} persons "
        f"named, {summary['exposed_named']} exposed, reasons {', '.join(summary['reasons'])}"
    )
    return summary
