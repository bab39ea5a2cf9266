"""The report as a reader meets it: sections of paragraphs, facts, tables and charts, worded
once here and laid out by the HTML and PDF renderers alike (OMB M-17-12 / DHS Privacy
Incident Handling Guidance shape: what happened, PII, who, risk, actions, status, lessons).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spilldesk.reports.charts import Chart, report_charts

LABELS = {
    "posted": "Posted / disclosure began", "discovered": "Discovered",
    "removed": "Removed / disclosure ended", "reported": "Reported (incident opened)",
}


DAILY_ROWS = 62


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]
    caption: str | None = None
    numeric: tuple[int, ...] = ()  # columns set right-aligned
    narrow: bool = False  # a short list of counts: set two side by side
    nowrap: tuple[int, ...] = ()  # columns kept on one line (dates)


@dataclass
class Section:
    title: str
    blocks: list[Any] = field(default_factory=list)  # str | Table | Chart | Facts


@dataclass
class Facts:
    pairs: list[tuple[str, str]]


def words(code: Any) -> str:
    """A code as words (`final_order_unexecuted` → `final order unexecuted`)."""
    return str(code).replace("_", " ")


def when(moment: str | None) -> str:
    """An ISO moment as a reader writes it: `2022-11-28 09:45 (UTC-05:00)`."""
    if not moment:
        return "not recorded"
    day, _, rest = moment.partition("T")
    return f"{day} {rest[:5]} (UTC{rest[5:]})" if rest else day


def _counts(title: str, mapping: dict[str, int], total: int | None = None,
            unit: str = "count") -> Table:
    rows: list[list[Any]] = [[words(k), f"{v:,}"] for k, v in sorted(
        mapping.items(), key=lambda kv: (-kv[1], kv[0]))]
    if total is not None:
        rows.append(["total", f"{total:,}"])
    return Table([title, "people" if total is not None else unit], rows, numeric=(1,),
                 narrow=True)


def _daily(f: dict[str, Any]) -> Table:
    """The figures of both charts over time (and the other live metrics), day by day."""
    s = f["series"]
    columns = ["notified", "holds_active", "review_open", "tasks_overdue", "clawback_sent",
               "clawback_answered"]
    names = ["notice provided (cumulative)", "holds active", "review queue", "tasks overdue",
             "clawback written to", "clawback answered"]
    days = range(len(s["date"]))
    step = 1 if len(days) <= DAILY_ROWS else 7  # a long incident: week by week, to the end
    shown = sorted({*days[::-step], days[-1]}) if days else []
    rows = [[s["date"][n], *[f"{s[c][n]:,}" for c in columns]] for n in shown]
    return Table(["date", *names], rows, numeric=tuple(range(1, len(columns) + 1)), nowrap=(0,),
                 caption=f"Figures of the charts over time, {'day' if step == 1 else 'week'} "
                         f"by {'day' if step == 1 else 'week'} (people affected: "
                         f"{f['notified']['affected']:,})")


def _chart_table(chart: Chart) -> Table:
    numeric = tuple(i for i, _ in enumerate(chart.header)
                    if chart.rows and all(isinstance(r[i], int) for r in chart.rows))
    rows = [[f"{v:,}" if isinstance(v, int) else v for v in r] for r in chart.rows]
    return Table(chart.header, rows, caption=f"Figures of the chart: {chart.title.lower()}",
                 numeric=numeric)


def build_document(f: dict[str, Any]) -> list[Section]:
    charts = {c.key: c for c in report_charts(f)}
    return [_summary(f), _what_happened(f), _pii(f), _affected(f, charts["facilities"]),
            _risk(f), _actions(f, charts), _clawback(f, charts["clawback"]), _monitoring(f),
            _open_items(f), _investigation(f), _lessons(f)]


def with_tables(chart: Chart) -> list[Any]:
    """A chart followed by its figures as a table (or a sentence when there is nothing)."""
    if chart.empty:
        return [f"{chart.title}: {chart.empty}"]
    return [chart, _chart_table(chart)]


def _chart_only(chart: Chart) -> list[Any]:
    """A chart over time: its figures are in the day-by-day table that follows."""
    return [f"{chart.title}: {chart.empty}"] if chart.empty else [chart]


def _summary(f: dict[str, Any]) -> Section:
    i, n, h = f["incident"], f["notified"], f["actions"]["holds"]
    overdue = sum(t["overdue"] for t in f["actions"]["tasks"]["by_component"].values())
    return Section("Summary", [Facts([
        ("People affected", f"{n['affected']:,}"),
        ("Notice provided", f"{n['provided']:,} ({n['percent']}%)"),
        ("Removal holds active", f"{h['active']:,} ({h['placed']:,} placed)"),
        ("Candidates in review", f"{f['review_open']:,}"),
        ("Tasks overdue", f"{overdue:,}"),
        ("Clawback answered", f"{f['clawback']['answered_percent']}% of "
                              f"{f['clawback']['counts']['sent']} written to"),
        ("Risk of harm", str((f["risk_of_harm"] or {}).get("level", "not assessed"))),
        ("Status", i["status"]),
    ])])


def _what_happened(f: dict[str, Any]) -> Section:
    i = f["incident"]
    blocks: list[Any] = [Table(["moment", "when (agency time)"],
                               [[LABELS[k], when(i[k])] for k in LABELS])]
    blocks.append(Facts([
        ("What was disclosed", i["description"] or i["title"]),
        ("How it was disclosed / discovered", words(i["disclosed_how"] or "not recorded")),
        ("Disclosed to", i["disclosed_to"] or "not recorded"),
        ("Originating component", i["originating_component"] or "not recorded"),
        ("Custody reference date", i["custody_reference_date"] or "not recorded"),
        ("Reveals the status of", i["reveals_status_of"] or "—"),
    ]))
    if f["documents"]:
        blocks.append(Table(["document disclosed", "records", "SHA-256"],
                            [[d["file_name"], f"{d['records']:,}", d["sha256"][:16] + "…"]
                             for d in f["documents"]], numeric=(1,)))
    blocks.append(_counts("disclosed records by linkage result", f["records"]))
    return Section("What happened and when", blocks)


def _pii(f: dict[str, Any]) -> Section:
    if not f["pii_elements"]:
        return Section("PII elements disclosed", ["No exposure recorded yet."])
    table = _counts("data element", f["pii_elements"], unit="people")
    table.caption = "Each data element disclosed, with the number of people it was disclosed for"
    return Section("PII elements disclosed", [table])


def _affected(f: dict[str, Any], facilities: Chart) -> Section:
    a = f["affected"]
    return Section(f"People affected: {a['total']:,}", [
        _counts("custody (registry, today)", a["by_custody"], a["total"]),
        _counts("nationality", a["by_nationality"], a["total"]),
        _counts("procedural posture", a["by_posture"], a["total"]),
        _counts("preferred language", a["by_language"], a["total"]),
        *with_tables(facilities),
    ])


def _risk(f: dict[str, Any]) -> Section:
    r = f["risk_of_harm"]
    if not r:
        return Section("Risk of harm (OMB M-17-12)", ["Not assessed: the incident was opened "
                                                      "without a risk-of-harm assessment."])
    return Section("Risk of harm (OMB M-17-12)", [Facts([
        ("Nature and sensitivity of the PII", r.get("nature_and_sensitivity", "")),
        ("Likelihood of access and use", r.get("likelihood_of_access_and_use", "")),
        ("Type of breach", str(r.get("breach_type", "")).replace("_", " ")),
        ("Overall risk of harm", str(r.get("level", "")).upper()),
    ]), *[f"Reason: {reason}" for reason in r.get("reasons", [])]])


def _actions(f: dict[str, Any], charts: dict[str, Chart]) -> Section:
    act = f["actions"]
    notices, holds = act["notices"], act["holds"]
    lc = notices["by_language_and_channel"]
    channels = sorted({c for v in lc.values() for c in v})
    blocks: list[Any] = [
        f"{notices['total']:,} notices planned ({notices['generated']:,} printed), "
        f"{notices['needs_translation']:,} flagged for translation, {notices['follow_up']:,} "
        "flagged for address follow-up.",
        Table(["language", *map(words, channels), "total"],
              [[lang, *[f"{v.get(c, 0):,}" for c in channels], f"{sum(v.values()):,}"]
               for lang, v in lc.items()], caption="Notices by language and channel",
              numeric=tuple(range(1, len(channels) + 2))),
        _counts("notices by recipient", notices["by_recipient"]),
        _counts("delivery attempts by result", act["deliveries"]),
        *_chart_only(charts["notified"]),
        f"Removal holds: {holds['placed']:,} placed, {holds['released']:,} released, "
        f"{holds['active']:,} active on {f['as_of']}; {len(holds['extensions'])} extension(s).",
    ]
    if holds["extensions"]:
        blocks.append(Table(["recorded", "extension", "reason"], [
            [e["at"], {"days": f"+{e['days']} days", "until": f"until {e['until']}"}.get(
                e["kind"], "indefinitely"), e["reason"]] for e in holds["extensions"]]))
    blocks += [*_chart_only(charts["holds"]), _daily(f)]
    alerts = act["alerts"]
    if alerts:
        statuses = sorted({s for v in alerts.values() for s in v})
        blocks.append(Table(["alerts to", *statuses], [[system, *[f"{v.get(s, 0):,}"
                                                                   for s in statuses]]
                                                       for system, v in alerts.items()],
                            numeric=tuple(range(1, len(statuses) + 1))))
    if act["custody_decisions"]:
        blocks.append(_counts("custody decisions", act["custody_decisions"]))
    by_action = act["tasks"]["by_action"]
    statuses = sorted({s for v in by_action.values() for s in v})
    if by_action:
        blocks.append(Table(["task (legal and operational)", *statuses],
                            [[a.replace("_", " "), *[f"{v.get(s, 0):,}" for s in statuses]]
                             for a, v in by_action.items()],
                            numeric=tuple(range(1, len(statuses) + 1))))
    if act["commitments"]:
        blocks.append(Table(["standing commitment", "count"], [
            [a.replace("_", " "), f"{sum(v.values()):,}"] for a, v in act["commitments"].items()
        ], numeric=(1,)))
    blocks += with_tables(charts["tasks"])
    return Section("Actions taken", blocks)


def _clawback(f: dict[str, Any], chart: Chart) -> Section:
    c = f["clawback"]
    if not c["recipients"]:
        return Section("Clawback status", [chart.empty or ""])
    k = c["counts"]
    return Section("Clawback status", [
        f"{k['recipients']} recipients of the posted document: {k['sent']} written to "
        f"({k['letters']} letters), {k['answered']} answered, {k['overdue']} overdue, "
        f"{k['awaiting_owner']} awaiting owner identification.",
        _counts("recipients by state", c["by_state"]), *with_tables(chart)])


def _monitoring(f: dict[str, Any]) -> Section:
    m = f["monitoring"]
    return Section("Monitoring hits", [m["note"]])


def _open_items(f: dict[str, Any]) -> Section:
    items = f["open_items_by_component"]
    if not items:
        return Section("Open items by component", ["Nothing open."])
    keys = ["tasks_open", "tasks_overdue", "corrective_actions_open", "mitigations_open",
            "reviews_open"]
    return Section("Open items by component", [Table(
        ["component", *[k.replace("_", " ") for k in keys]],
        [[c, *[f"{v.get(k, 0):,}" for k in keys]] for c, v in items.items()],
        numeric=tuple(range(1, len(keys) + 1)))])


def _investigation(f: dict[str, Any]) -> Section:
    inv = f["investigation"]
    blocks: list[Any] = []
    if inv["reviews"]:
        blocks.append(Table(["review", "by", "opened", "status", "findings"], [
            [r["title"], r["component"], r["opened_on"] or "", words(r["status"]),
             r["findings"] or "none recorded yet"] for r in inv["reviews"]],
            caption="Reviews"))
    if inv["corrective_actions"]:
        blocks.append(Table(["corrective action", "owner", "due", "status", "evidence"], [
            [a["title"], f"{a['component']}: {a['owner']}", a["due"] or "", words(a["status"]),
             a["evidence"] or "—"] for a in inv["corrective_actions"]],
            caption="Corrective actions"))
    if inv["mitigations"]:
        blocks.append(Table(["mitigation", "owned by", "status", "notes"], [
            [m["title"], m["component"], words(m["status"]), m["findings"] or "—"]
            for m in inv["mitigations"]], caption="Which component owns which mitigation"))
    if not blocks:
        blocks.append("No investigation entries recorded yet.")
    return Section("Investigation record", blocks)


def _lessons(f: dict[str, Any]) -> Section:
    return Section("Lessons learned", list(f["lessons_learned"]) or ["None recorded yet."])
