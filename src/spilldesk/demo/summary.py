"""The demo's summary as a person reads it: what happened, in the users' words, and where.

Reads the stages' JSON figures; a stage that did not run is simply left out.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table


def _counts(mapping: dict[str, Any] | None, limit: int = 6) -> str:
    if not mapping:
        return "—"
    items = sorted(mapping.items(), key=lambda kv: (-int(kv[1]), kv[0]))
    text = ", ".join(f"{key} {value:,}" for key, value in items[:limit])
    return text + (f", … ({len(items) - limit} more)" if len(items) > limit else "")


def _section(title: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None,
                  padding=(0, 2), title_style="bold")
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    return table


def render_summary(summary: dict[str, Any]) -> RenderableType:
    parts: list[RenderableType] = []
    for build in (_registry_and_gate, _timeline, _incidents, _plan, _notices, _clearance,
                  _clawback, _reports, _where):
        table = build(summary)
        if table.row_count:
            parts.append(table)
    return Group(*parts)


def _registry_and_gate(s: dict[str, Any]) -> Table:
    table = _section("Registry and publication gate")
    if registry := s.get("registry"):
        table.add_row("registry", _counts(registry))
    if gate := s.get("gate"):
        verdicts = gate.get("real_workbooks_by_verdict", {})
        table.add_row("ICE's real workbooks", f"{verdicts.get('pass', 0)} of "
                      f"{gate.get('real_workbooks')} pass the gate")
        for name, judged in gate.get("disclosures", {}).items():
            table.add_row(name, str(judged.get("verdict", "")).upper())
    return table


def _incidents(s: dict[str, Any]) -> Table:
    table = _section("Incidents and linkage")
    for incident_id, incident in s.get("incidents", {}).items():
        table.add_row(incident_id, f"{incident.get('title')} (risk of harm: "
                      f"{incident.get('risk_of_harm')})")
        table.add_row("", f"{incident.get('disclosed_records', 0):,} records disclosed in "
                      f"{incident.get('document')}")
        if linked := incident.get("linkage"):
            table.add_row("", f"matched {linked.get('matched', 0):,} · review "
                          f"{linked.get('review', 0):,} · unmatched {linked.get('unmatched', 0):,}"
                          f" — precision {linked.get('precision')}, recall {linked.get('recall')}"
                          f" ({linked.get('recall_with_review', '—')} counting the review queue)"
                          " against the scenario's truth")
    if overlap := s.get("overlap"):
        truth = overlap.get("truth", {})
        waiting = sum((overlap.get("still_in_review") or {}).values())
        table.add_row("overlap", f"in both {overlap.get('in_both')} (truth "
                      f"{truth.get('in_both')}), only Dec 7 {overlap.get('only_second')} (truth "
                      f"{truth.get('only_second')}); {waiting} waiting in the review queue")
    return table


def _plan(s: dict[str, Any]) -> Table:
    table = _section("Response plan")
    if plan := s.get("plan"):
        table.add_row("playbook", str(plan.get("playbook")))
        table.add_row("tasks by component", _counts(plan.get("tasks_by_component")))
        table.add_row("tasks by action", _counts(plan.get("tasks_by_action"), 9))
        table.add_row("standing commitments", _counts(plan.get("commitments_by_action")))
        table.add_row("removal holds", f"{plan.get('holds', 0):,}")
        table.add_row("alerts", _counts(plan.get("alerts_by_system")))
    return table


def _notices(s: dict[str, Any]) -> Table:
    table = _section("Notices")
    if notify := s.get("notify"):
        table.add_row("by language", _counts(notify.get("notices_by_language")))
        table.add_row("by channel", _counts(notify.get("notices_by_channel")))
    for incident_id, incident in s.get("incidents", {}).items():
        if done := incident.get("notices"):
            table.add_row(incident_id, f"{done.get('packets', 0):,} packets, "
                          f"{done.get('provided_to_noncitizen', 0):,} provided so far "
                          f"({_counts(done.get('deliveries'))})")
    return table


def _timeline(s: dict[str, Any]) -> Table:
    table = _section("Replayed on the 2022 timeline (the desk's clock)")
    for entry in s.get("timeline", []):
        table.add_row(entry["at"][:16].replace("T", " "), entry["step"])
    return table


def _clearance(s: dict[str, Any]) -> Table:
    table = _section("Clearance and egress")
    clearance = s.get("clearance", {})
    for manifest in clearance.get("manifests", []):
        table.add_row(manifest.get("file", "manifest"),
                      f"{manifest.get('checked')} checked for {manifest.get('on')}: "
                      f"{manifest.get('blocked')} blocked "
                      f"({_counts(manifest.get('blocked_by_reason'))})")
    if egress := clearance.get("egress_dec_7"):
        table.add_row("Dec 7 letter, replayed", f"{str(egress.get('verdict')).upper()} — "
                      f"{', '.join(egress.get('reasons', []))}")
    return table


def _clawback(s: dict[str, Any]) -> Table:
    table = _section("Clawback (Nov 28 workbook)")
    if claw := s.get("clawback"):
        truth = claw.get("truth", {})
        table.add_row("access log", f"{claw.get('log_lines', 0):,} lines, "
                      f"{claw.get('malformed_lines', 0)} malformed; requests for the workbook: "
                      f"{_counts(claw.get('evidence'), 9)}")
        table.add_row("recipients", f"{claw.get('recipients')} ({claw.get('downloads')} "
                      f"downloads, {claw.get('crawlers')} crawlers, {claw.get('awaiting_owner')}"
                      f" owner to identify) — {truth.get('found')} of {truth.get('downloaders')}"
                      f" true downloaders found, {truth.get('missed')} missed, "
                      f"{truth.get('extra')} extra")
        table.add_row("letters", f"{claw.get('letters')} letters, {claw.get('follow_ups')} "
                      f"follow-ups; answers {_counts(claw.get('answers'))}")
        status = claw.get("status", {})
        table.add_row("status", f"sent {status.get('sent')}, answered {status.get('answered')}"
                      f", overdue {status.get('overdue')}, awaiting owner "
                      f"{status.get('awaiting_owner')}")
    return table


def _reports(s: dict[str, Any]) -> Table:
    table = _section("Oversight reports")
    for incident_id, rep in (s.get("report") or {}).get("incidents", {}).items():
        table.add_row(incident_id, f"notified {rep.get('notified_percent')}%, holds active "
                      f"{rep.get('holds_active')}, clawback answered "
                      f"{rep.get('clawback_answered_percent')}%, monitoring: "
                      f"{rep.get('monitoring')}")
        table.add_row("", f"report: {(rep.get('files') or {}).get('pdf')}")
        table.add_row("", "notices: " + ", ".join(
            f"{n['addressee'].upper()} {n['people']} people" if n.get("annex") else
            n["addressee"].upper() for n in rep.get("notices", [])))
    return table


def _where(s: dict[str, Any]) -> Table:
    table = _section("Where it is")
    table.add_row("database", str(s.get("database")))
    table.add_row("scenario files", str(s.get("scenario_dir")))
    if packets := (s.get("notify") or {}).get("packets_dir"):
        table.add_row("packets", str(packets))
    if letters := (s.get("clawback") or {}).get("letters_dir"):
        table.add_row("clawback letters", str(letters))
    if reports := (s.get("report") or {}).get("folder"):
        table.add_row("reports and notices to oversight", str(reports))
    if alerts := (s.get("clearance") or {}).get("alert_feeds", {}).get("folder"):
        table.add_row("alert feeds", str(alerts))
    if users := s.get("users"):
        table.add_row("sign in", f"{', '.join(users.get('users', {}))} — passwords in "
                      f"{users.get('sign_in_details')}")
    table.add_row("time", f"{s.get('seconds')} s")
    return table
