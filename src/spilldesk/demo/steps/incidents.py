"""Stage: open both 2022 incidents with their real exposure windows; ingest what each disclosed."""

from __future__ import annotations

from typing import Any

from spilldesk.demo.runner import DemoContext
from spilldesk.response.incidents import open_incident, spec_from_mapping
from spilldesk.response.ingest import ingest_document

TITLE = "Open the incidents and ingest the disclosed documents"


def run(ctx: DemoContext) -> dict[str, Any]:
    from spilldesk.scenario import SCENARIO_INCIDENTS

    result: dict[str, Any] = {}
    with ctx.desk.session() as session:
        for record in SCENARIO_INCIDENTS:
            spec = spec_from_mapping(dict(record), ctx.settings.timezone)
            incident, _ = open_incident(session, spec, actor=ctx.actor)
            document = ctx.scenario_dir / str(record["disclosed_document"])
            report = ingest_document(session, incident.id, document, actor=ctx.actor)
            result[incident.id] = {
                "title": incident.title,
                "exposed": f"{incident.exposed_from.isoformat()} → "
                           f"{incident.exposed_until.isoformat()}",
                "risk_of_harm": (incident.risk or {}).get("level"),
                "document": report.file,
                "disclosed_records": report.records,
                "data_elements": report.data_elements,
            }
    return result
