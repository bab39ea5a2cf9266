"""Stage: the response to both disclosures, replayed on the 2022 timeline.

Nov 28: open the incident and ingest the workbook, link it, plan it, print the notices and
record the first week of deliveries. Dec 7, nine days later and in transactions of its own:
the same for the list sent to Cuba, and the overlap of the two. Each step runs at its moment
of `spilldesk.demo.timeline` on the desk's clock.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from spilldesk import clock
from spilldesk.demo.runner import DemoContext
from spilldesk.demo.steps import linking, notices, open_incidents, planning
from spilldesk.demo.timeline import RETURNS_RECORDED, STEPS

TITLE = "Respond on the 2022 timeline: Nov 28, then Dec 7 (ingest, link, plan, notify)"
SECTIONS = True  # reports incidents, overlap, plan, notify and timeline as sections of their own


def run(ctx: DemoContext) -> dict[str, Any]:
    from spilldesk.scenario import SCENARIO_INCIDENTS

    truth = linking.truth(ctx.scenario_dir)
    truth_by_file = {t.get("file"): t for t in (truth.get("workbook"), truth.get("cuba_list")) if t}
    rng = random.Random(ctx.seed)  # nosec B311 # the demo replays one seeded story
    done: dict[str, dict[str, Any]] = {}
    timeline: list[dict[str, str]] = []
    returned: notices.Returned = []
    overlap: dict[str, Any] = {}

    def step(moment: Any, what: str) -> Any:
        timeline.append({"at": moment.isoformat(), "step": what})
        return clock.replaying(moment)

    for record in SCENARIO_INCIDENTS:
        incident_id, steps = str(record["id"]), STEPS[str(record["id"])]
        with step(steps.opened, f"{incident_id}: opened, disclosed document ingested"):
            done[incident_id] = open_incidents.open_and_ingest(ctx, dict(record))
        with step(steps.linked, f"{incident_id}: linked to the registry"):
            done[incident_id]["linkage"] = linking.link(
                ctx, incident_id, truth_by_file.get(record.get("disclosed_document"), {}))
            if len(done) == 2:
                overlap = linking.overlap_of(ctx, *done, truth)
        with step(steps.planned, f"{incident_id}: response planned (ice-2022)"):
            done[incident_id]["plan"] = planning.plan(ctx, incident_id)
        with step(steps.generated, f"{incident_id}: notice packets generated"):
            done[incident_id]["notices"] = notices.generate(ctx, incident_id)
        timeline.append({"at": steps.deliveries_recorded.isoformat(),
                         "step": f"{incident_id}: first deliveries recorded"})
        served, back = notices.deliver(ctx, incident_id, steps, rng)
        done[incident_id]["notices"]["deliveries"] = served
        returned += back
    with step(RETURNS_RECORDED, "undeliverable mail recorded as returned"):
        returns = notices.record_returns(ctx, [r for r in returned if r[1] <= clock.now()])
        for incident_id in done:
            done[incident_id]["notices"]["provided_to_noncitizen"] = notices.provided(
                ctx, incident_id)
    first = next(iter(done))
    return {
        "incidents": done,
        "overlap": overlap,
        "plan": {"playbook": done[first]["plan"]["playbook"], **planning.totals(ctx)},
        "notify": {
            "notices_by_language": _total(done, "by_language"),
            "notices_by_channel": _total(done, "by_channel"),
            "mail_returned": returns,
            "packets_dir": str(ctx.settings.workdir / "packets"),
        },
        "timeline": sorted(timeline, key=lambda entry: entry["at"]),
    }


def _total(done: dict[str, dict[str, Any]], key: str) -> dict[str, int]:
    total: Counter[str] = Counter()
    for incident in done.values():
        total.update(incident["notices"][key])
    return dict(sorted(total.items()))
