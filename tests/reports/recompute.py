"""The report's figures recomputed straight from the tables with SQL, independently of
`spilldesk.reports.figures` (used on the test desks and on the demo's database)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection


def _pairs(conn: Connection, sql: str, **params: Any) -> dict[str, int]:
    return {("unknown" if k is None else str(k)): int(n)
            for k, n in conn.execute(text(sql), params)}


def _one(conn: Connection, sql: str, **params: Any) -> int:
    return int(conn.execute(text(sql), params).scalar_one())


def recompute(conn: Connection, incident: str, day: date) -> dict[str, Any]:
    by_person = ("SELECT p.{col}, count(*) FROM exposures e JOIN persons p ON p.id = e.person_id"
                 " WHERE e.incident_id = :i GROUP BY p.{col}")
    notices = "SELECT {col}, count(*) FROM notices WHERE incident_id = :i GROUP BY {col}"
    tasks = ("SELECT t.component, t.status, t.due, t.action FROM tasks t JOIN task_incidents ti"
             " ON ti.task_id = t.id WHERE ti.incident_id = :i")
    by_component: dict[str, dict[str, int]] = {}
    by_action: dict[str, dict[str, int]] = {}
    for component, status, due, action in conn.execute(text(tasks), {"i": incident}):
        c = by_component.setdefault(component, {"open": 0, "overdue": 0, "done": 0, "total": 0})
        c["total"] += 1
        if status in ("open", "done"):
            c[status] += 1
        due_day = date.fromisoformat(str(due)[:10]) if due is not None else None
        if status == "open" and due_day is not None and due_day < day:
            c["overdue"] += 1
        a = by_action.setdefault(action, {})
        a[status] = a.get(status, 0) + 1
    alerts: dict[str, dict[str, int]] = {}
    for system, status, n in conn.execute(text(
            "SELECT system, status, count(*) FROM alerts WHERE incident_id = :i "
            "GROUP BY system, status"), {"i": incident}):
        alerts.setdefault(system, {})[status] = int(n)
    facilities = _pairs(conn, by_person.format(col="facility_code"), i=incident)
    return {
        "affected": _one(conn, "SELECT count(*) FROM exposures WHERE incident_id = :i",
                         i=incident),
        "by_custody": _pairs(conn, by_person.format(col="custody"), i=incident),
        "by_nationality": _pairs(conn, by_person.format(col="country_of_citizenship"),
                                 i=incident),
        "by_posture": _pairs(conn, by_person.format(col="posture"), i=incident),
        "by_language": _pairs(conn, by_person.format(col="language"), i=incident),
        "by_facility": facilities,
        "records": _pairs(conn, "SELECT link_status, count(*) FROM disclosed_records "
                                "WHERE incident_id = :i GROUP BY link_status", i=incident),
        "notices_total": _one(conn, "SELECT count(*) FROM notices WHERE incident_id = :i",
                              i=incident),
        "notices_by_language": _pairs(conn, notices.format(col="language"), i=incident),
        "notices_by_channel": _pairs(conn, notices.format(col="channel"), i=incident),
        "notices_by_recipient": _pairs(conn, notices.format(col="recipient"), i=incident),
        "notices_by_status": _pairs(conn, notices.format(col="status"), i=incident),
        "deliveries": _pairs(conn, "SELECT d.status, count(*) FROM delivery_attempts d JOIN "
                                   "notices n ON n.id = d.notice_id WHERE n.incident_id = :i "
                                   "GROUP BY d.status", i=incident),
        "holds_placed": _one(conn, "SELECT count(*) FROM removal_holds WHERE incident_id = :i",
                             i=incident),
        "holds_released": _one(conn, "SELECT count(*) FROM removal_holds WHERE incident_id = "
                                     ":i AND released_at IS NOT NULL", i=incident),
        "review_open": _one(conn, "SELECT count(*) FROM review_items WHERE incident_id = :i "
                                  "AND status = 'open'", i=incident),
        "tasks_by_component": dict(sorted(by_component.items())),
        "tasks_by_action": by_action,
        "alerts": alerts,
        "custody_decisions": _pairs(conn, "SELECT c.decision, count(*) FROM custody_decisions"
                                          " c JOIN exposures e ON e.person_id = c.person_id "
                                          "WHERE e.incident_id = :i GROUP BY c.decision",
                                    i=incident),
        "clawback_recipients": _one(conn, "SELECT count(*) FROM clawback_recipients WHERE "
                                          "incident_id = :i", i=incident),
        "clawback_written": _one(conn, "SELECT count(DISTINCT r.id) FROM clawback_recipients r"
                                       " JOIN clawback_letters l ON l.recipient_id = r.id "
                                       "WHERE r.incident_id = :i", i=incident),
        "investigation": _pairs(conn, "SELECT kind, count(*) FROM investigation_items WHERE "
                                      "incident_id = :i GROUP BY kind", i=incident),
    }


def assert_figures_match(f: dict[str, Any], sql: dict[str, Any]) -> None:
    a, act = f["affected"], f["actions"]
    assert a["total"] == sql["affected"] == f["notified"]["affected"]
    for key in ("by_custody", "by_nationality", "by_posture", "by_language"):
        assert a[key] == sql[key], key
        assert sum(a[key].values()) == sql["affected"], key
    assert {x["code"]: x["people"] for x in a["by_facility"]} == sql["by_facility"]
    assert f["records"] == sql["records"]
    n = act["notices"]
    assert n["total"] == sql["notices_total"]
    assert n["by_language"] == sql["notices_by_language"]
    assert n["by_channel"] == sql["notices_by_channel"]
    assert n["by_recipient"] == sql["notices_by_recipient"]
    assert n["by_status"] == sql["notices_by_status"]
    assert sum(sum(v.values()) for v in n["by_language_and_channel"].values()) == n["total"]
    assert act["deliveries"] == sql["deliveries"]
    assert act["holds"]["placed"] == sql["holds_placed"]
    assert act["holds"]["released"] == sql["holds_released"]
    assert f["review_open"] == sql["review_open"]
    assert act["tasks"]["by_component"] == sql["tasks_by_component"]
    assert act["tasks"]["by_action"] == sql["tasks_by_action"]
    assert act["alerts"] == sql["alerts"]
    assert act["custody_decisions"] == sql["custody_decisions"]
    assert f["clawback"]["recipients"] == sql["clawback_recipients"]
    assert f["clawback"]["counts"]["sent"] == sql["clawback_written"]
    kinds = {k: len(v) for k, v in (("review", f["investigation"]["reviews"]),
                                    ("corrective_action", f["investigation"]["corrective_actions"]),
                                    ("mitigation", f["investigation"]["mitigations"]),
                                    ("lesson", f["investigation"]["lessons"])) if v}
    assert kinds == sql["investigation"]
    # the series end where the figures stand
    s = f["series"]
    assert s["date"][-1] == f["as_of"]
    assert s["notified"][-1] == f["notified"]["provided"]
    assert s["holds_active"][-1] == act["holds"]["active"]
    assert s["review_open"][-1] == f["review_open"]
    overdue = sum(c["overdue"] for c in sql["tasks_by_component"].values())
    assert s["tasks_overdue"][-1] == overdue
    assert all(x <= y for x, y in zip(s["notified"], s["notified"][1:], strict=False))
