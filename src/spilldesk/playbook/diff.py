"""What a (re-)plan changes: the desired actions against what the desk already holds.

Pure. Work the plan no longer asks for is withdrawn when it is still open; finished work stays
as history; protections (holds, alerts) and notices are never withdrawn by a re-plan — they
are reported as `kept`, for a person to release deliberately (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spilldesk.domain.posture import ActionCode, ActionKind, Scope
from spilldesk.playbook.case_facts import PlannedAction

RECIPIENT_OF = {
    ActionCode.NOTIFY_NONCITIZEN: "noncitizen",
    ActionCode.NOTIFY_REPRESENTATIVE: "representative",
}
WITHDRAWABLE_STATUSES = frozenset({"open", "standing"})
# A released hold stays released when the plan still calls for it: releasing is a person's
# deliberate decision (with a reason), not something a re-plan undoes. It shows as unchanged.
INACTIVE_STATUSES = frozenset({"withdrawn"})


def alert_kind(planned: PlannedAction) -> str:
    """What an alert row says it is for: its purpose, else its action code."""
    return planned.purpose or planned.action.value


def identity(person_id: int, planned: PlannedAction, incident_id: str) -> str:
    """The one row a planned action is, for the incident being planned.

    Tasks and commitments carry it as their `key`; holds, alerts and notices are found by the
    columns it names (incident × person, system and kind, recipient).
    """
    kind = planned.kind
    if kind in (ActionKind.TASK, ActionKind.COMMITMENT):
        return f"{person_id}|{planned.key}"
    if kind is ActionKind.HOLD:
        return f"{person_id}|hold|{incident_id}"
    if kind is ActionKind.ALERT:
        return f"{person_id}|alert|{incident_id}|{planned.component.value}|{alert_kind(planned)}"
    return f"{person_id}|notice|{incident_id}|{RECIPIENT_OF[planned.action]}"


@dataclass(frozen=True, slots=True)
class Desired:
    identity: str
    person_id: int
    planned: PlannedAction

    @property
    def is_person_scoped(self) -> bool:
        return self.planned.scope is Scope.PERSON


@dataclass(frozen=True, slots=True)
class Existing:
    identity: str
    person_id: int
    kind: ActionKind
    action: str
    component: str
    status: str
    incidents: tuple[str, ...]
    row_id: int

    @property
    def active(self) -> bool:
        return self.status not in INACTIVE_STATUSES

    @property
    def withdrawable(self) -> bool:
        kinds = (ActionKind.TASK, ActionKind.COMMITMENT)
        return self.kind in kinds and self.status in WITHDRAWABLE_STATUSES


@dataclass
class PlanDiff:
    added: list[Desired] = field(default_factory=list)
    reopened: list[tuple[Desired, Existing]] = field(default_factory=list)
    unchanged: list[tuple[Desired, Existing]] = field(default_factory=list)
    withdrawn: list[Existing] = field(default_factory=list)
    kept: list[Existing] = field(default_factory=list)


def diff_plan(desired: Iterable[Desired], existing: Mapping[str, Existing]) -> PlanDiff:
    """Sort every desired action and every existing row into exactly one bucket."""
    diff = PlanDiff()
    wanted: set[str] = set()
    for item in desired:
        wanted.add(item.identity)
        row = existing.get(item.identity)
        if row is None:
            diff.added.append(item)
        elif row.active:
            diff.unchanged.append((item, row))
        else:
            diff.reopened.append((item, row))
    for key in sorted(existing.keys() - wanted):
        row = existing[key]
        if row.withdrawable:
            diff.withdrawn.append(row)
        elif row.active and row.kind not in (ActionKind.TASK, ActionKind.COMMITMENT):
            diff.kept.append(row)
    return diff
