"""The plan as JSON (the SPEC's plan shape): pure, from the desired actions and the diff.

A-numbers appear as the caller shows them: masked (`A*****5678`) unless the planner asked for
whole ones (`--show-a-numbers`, an audited read made by the caller).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from spilldesk.domain.posture import ActionKind
from spilldesk.playbook.diff import Desired, Existing, PlanDiff

FIRST_STATUS = {
    ActionKind.TASK: "open",
    ActionKind.COMMITMENT: "standing",
    ActionKind.HOLD: "placed",
    ActionKind.ALERT: "pending",
    ActionKind.NOTICE: "pending",
}


def masked(tail: str) -> str:
    """The only form of an A-number planning ever shows."""
    return f"A*****{tail}"


def counts(diff: PlanDiff) -> dict[str, int]:
    return {
        "added": len(diff.added) + len(diff.reopened),
        "withdrawn": len(diff.withdrawn),
        "unchanged": len(diff.unchanged),
        "kept": len(diff.kept),
    }


def persons_json(
    people: list[tuple[int, str]],  # (person id, A-number as shown)
    desired: list[Desired],
    existing: dict[str, Existing],
    diff: PlanDiff,
    dry_run: bool,
) -> list[dict[str, Any]]:
    fresh = {item.identity for item in diff.added} | {item.identity for item, _ in diff.reopened}
    by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in desired:
        planned = item.planned
        if item.identity in fresh:
            status = "planned" if dry_run else FIRST_STATUS[planned.kind]
        else:
            status = existing[item.identity].status
        by_person[item.person_id].append(
            {
                "action": planned.action.value,
                "kind": planned.kind.value,
                "component": planned.component.value,
                "due": planned.due.isoformat() if planned.due else None,
                "status": status,
                "incidents": list(planned.incidents),
                **({"trigger": planned.trigger.value} if planned.trigger else {}),
            }
        )
    return [{"a_number": shown, "actions": by_person[pid]} for pid, shown in people]


def changes_json(diff: PlanDiff, shown: dict[int, str]) -> dict[str, Any]:
    def planned_item(item: Desired) -> dict[str, Any]:
        planned = item.planned
        return {
            "a_number": shown[item.person_id],
            "action": planned.action.value,
            "kind": planned.kind.value,
            "component": planned.component.value,
            "incidents": list(planned.incidents),
        }

    def existing_item(row: Existing) -> dict[str, Any]:
        return {
            "a_number": shown.get(row.person_id, masked("????")),
            "action": row.action,
            "kind": row.kind.value,
            "component": row.component,
            "status": row.status,
            "incidents": list(row.incidents),
        }

    added = [planned_item(item) for item in diff.added]
    added += [planned_item(item) for item, _ in diff.reopened]
    return {
        **counts(diff),
        "items": {
            "added": added,
            "withdrawn": [existing_item(row) for row in diff.withdrawn],
            "kept": [existing_item(row) for row in diff.kept],
        },
    }
