"""Step: open an incident with its real exposure window and ingest what it disclosed."""

from __future__ import annotations

from typing import Any

from spilldesk.demo.runner import DemoContext
from spilldesk.intake.incidents import open_incident, spec_from_mapping
from spilldesk.intake.ingest import ingest_document


def open_and_ingest(ctx: DemoContext, record: dict[str, Any]) -> dict[str, Any]:
    with ctx.desk.session() as session:
        spec = spec_from_mapping(dict(record), ctx.settings.timezone)
        incident, _ = open_incident(session, spec, actor=ctx.actor)
        document = ctx.scenario_dir / str(record["disclosed_document"])
        report = ingest_document(session, incident.id, document, actor=ctx.actor)
        return {
            "title": incident.title,
            "exposed": f"{incident.exposed_from.isoformat()} → "
                       f"{incident.exposed_until.isoformat()}",
            "risk_of_harm": (incident.risk or {}).get("level"),
            "document": report.file,
            "disclosed_records": report.records,
            "data_elements": report.data_elements,
        }
