"""Stage: oversight — the investigation record, the incident reports and the notices.

The investigation record holds what the seed says: both incidents under review by ICE's OPR
and OCIO, corrective actions with owners, due dates and evidence (the gate's and the egress
check's own results from the earlier stages), and the Dec 7 mitigation owned by DHS. Then, on
Dec 23, 2022, each incident's report (JSON, HTML, PDF) and its notices to EOIR, USCIS and the
DHS Chief Privacy Officer are written into `<workdir>/reports/`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from spilldesk import clock
from spilldesk.demo.runner import DemoContext
from spilldesk.demo.timeline import INVESTIGATION_OPENED, REPORTED
from spilldesk.reports.figures import live_metrics, report_figures
from spilldesk.reports.investigation import add_item
from spilldesk.reports.oversight import Addressee, send_notice
from spilldesk.reports.write import FORMATS, write_report

TITLE = "Oversight: investigation record, incident reports (PDF, HTML, JSON), notices"
NOV, DEC = "ICE-2022-11-28", "DHS-2022-12-07"


def _entries(ctx: DemoContext) -> dict[str, list[dict[str, Any]]]:
    gate = ctx.results.get("gate", {})
    passed = gate.get("real_workbooks_by_verdict", {}).get("pass", 0)
    blocked = gate.get("would_have_blocked_nov_28")
    egress = (ctx.results.get("clearance", {}).get("egress_dec_7") or {}).get("verdict")
    review = "continues to be under review (the agency's public account)"
    return {
        NOV: [
            dict(kind="review", component="OPR", title="Office of Professional Responsibility "
                 "review of the posting", findings=review, status="in_progress"),
            dict(kind="review", component="OCIO", title="Office of the Chief Information "
                 "Officer review of the web publishing process", findings=review,
                 status="in_progress"),
            dict(kind="corrective_action", component="OCIO", owner="web publishing team",
                 title="The publication gate runs before every publish to ice.gov",
                 due=date(2022, 12, 15), status="done" if blocked else "open",
                 evidence=f"gate run: the Nov 28 workbook is "
                          f"{'blocked' if blocked else 'NOT blocked'}; {passed} of ICE's real "
                          "statistics workbooks pass"),
            dict(kind="corrective_action", component="ERO", owner="statistics unit",
                 title="Person-level sheets removed from the statistics workbook templates",
                 due=date(2023, 1, 31)),
            dict(kind="mitigation", component="ICE Privacy", title="Notice to every affected "
                 "person and their representative; removal holds until notice is provided"),
            dict(kind="mitigation", component="OPLA", title="Clawback of the downloaded "
                 "copies from every recipient in the web server's logs"),
            dict(kind="lesson", component="ICE Privacy", title="A workbook is screened whole "
                 "before it is posted", findings="hidden sheets, rows and cells included"),
        ],
        DEC: [
            dict(kind="review", component="OPR", title="Office of Professional Responsibility "
                 "review of the Dec 7 disclosure", findings=review, status="in_progress"),
            dict(kind="mitigation", component="DHS", title="Additional mitigation of the "
                 "disclosure to the government of Cuba", findings="the incident originated "
                 "from DHS, which is handling any additional mitigation"),
            dict(kind="corrective_action", component="ERO", owner="removal management",
                 title="Lists for foreign governments pass the egress check before they go",
                 due=date(2022, 12, 20), status="done" if egress == "block" else "open",
                 evidence=f"the Dec 7 letter replayed through the egress check: "
                          f"{str(egress).upper()}"),
            dict(kind="lesson", component="DHS", title="A communication to a foreign "
                 "government must not reveal who was in an earlier leak"),
        ],
    }


def run(ctx: DemoContext) -> dict[str, Any]:
    tz = ctx.settings.timezone
    entries = _entries(ctx)
    with clock.replaying(INVESTIGATION_OPENED), ctx.desk.session() as session:
        for incident_id, items in entries.items():
            for item in items:
                add_item(session, incident_id, actor=ctx.actor, today=clock.today(tz), **item)
    folder = ctx.settings.workdir / "reports"
    reports: dict[str, Any] = {}
    with clock.replaying(REPORTED):
        for incident_id in (NOV, DEC):
            with ctx.desk.session() as session:
                figures = report_figures(session, incident_id, tz=tz)
                paths = write_report(session, incident_id, folder, FORMATS, tz=tz,
                                     actor=ctx.actor, figures=figures)
                notices = [send_notice(session, figures, to.value, folder,
                                       actor=ctx.actor).as_dict() for to in Addressee]
                metrics = live_metrics(figures)
            reports[incident_id] = {
                "files": {fmt: str(path) for fmt, path in paths.items()},
                "notices": notices, "investigation_entries": len(entries[incident_id]),
                "notified_percent": metrics["notified_percent"],
                "holds_active": metrics["holds_active"],
                "tasks_overdue_by_component": metrics["tasks_overdue_by_component"],
                "clawback_answered_percent": metrics["clawback_answered_percent"],
                "monitoring": metrics["monitoring"]["status"],
            }
    ctx.say(f"reports: {len(reports)} incidents, "
            f"{sum(len(r['notices']) for r in reports.values())} notices to oversight, in "
            f"{folder}")
    return {"folder": str(folder), "as_of": REPORTED.date().isoformat(), "incidents": reports}
