"""The report's "monitoring hits" section: the one place the report asks about leak monitoring.

Leak monitoring (`spilldesk monitor`) keeps its own tables. Until this desk has them, the
report says so plainly — monitoring is not set up, so there are no hits to report and none
to rule out — rather than print a zero that would read as "watched, nothing found".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

NOT_SET_UP = "not_set_up"
NOT_READ = "tables_present_not_read"


def monitoring_hits(session: Session, incident_id: str) -> dict[str, Any]:
    """Monitoring hits of an incident, or an honest empty state (`status`, `note`)."""
    tables = sorted(t for t in inspect(session.connection()).get_table_names()
                    if t.startswith("monitor"))
    if not tables:
        return {"incident": incident_id, "status": NOT_SET_UP, "hits": None,
                "persons": None, "series": None,
                "note": "Monitoring not set up: no sources have been watched for the leaked "
                        "records, so no hits can be reported and none ruled out."}
    return {"incident": incident_id, "status": NOT_READ, "hits": None, "persons": None,
            "series": None, "tables": tables,
            "note": "Monitoring tables exist on this desk but this report does not read them "
                    "yet; see `spilldesk monitor hits` for the hits."}
