"""Step: plan one incident with the shipped ice-2022 playbook; count the desk's work by kind."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from spilldesk.casework.planning import plan_incident
from spilldesk.casework.tasks import task_summary
from spilldesk.demo.runner import DemoContext
from spilldesk.playbook import DEFAULT_PLAYBOOK, load_playbook
from spilldesk.store.models import Alert, Commitment, Notice, RemovalHold


def plan(ctx: DemoContext, incident_id: str) -> dict[str, Any]:
    """Plan an incident in a transaction of its own (a later incident finds the earlier's work)."""
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    began = time.perf_counter()
    with ctx.desk.session() as session:
        result = plan_incident(session, incident_id, playbook=playbook, dry_run=False,
                               actor=ctx.actor, tz=ctx.settings.timezone)
    ctx.say(f"planned {incident_id}: {len(result.persons)} persons, "
            f"{result.changes['added']} actions")
    return {"playbook": f"{playbook.name} v{playbook.version}", "persons": len(result.persons),
            "added": result.changes["added"], "seconds": round(time.perf_counter() - began, 2)}


def totals(ctx: DemoContext) -> dict[str, Any]:
    """What the desk holds once every incident is planned."""
    with ctx.desk.session() as session:
        summary = task_summary(session)
        return {
            "tasks_by_action": summary["by_action"],
            "tasks_by_component": summary["by_component"],
            "holds": _count(session, RemovalHold),
            "alerts_by_system": _grouped(session, Alert.system),
            "commitments_by_action": _grouped(session, Commitment.action),
            "notices_by_recipient": _grouped(session, Notice.recipient),
        }


def _count(session: Any, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _grouped(session: Any, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column).order_by(column))
    return {str(key): int(count) for key, count in rows}
