"""The re-plan diff: every desired action and existing row lands in exactly one bucket."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.posture import ActionCode, ActionKind, Component, Scope
from spilldesk.playbook.case_facts import PlannedAction
from spilldesk.playbook.diff import Desired, Existing, diff_plan, identity

KIND_OF = {
    ActionCode.ISSUE_NTA: ActionKind.TASK,
    ActionCode.DO_NOT_OPPOSE_REMAND: ActionKind.COMMITMENT,
    ActionCode.PLACE_REMOVAL_HOLD: ActionKind.HOLD,
    ActionCode.PLACE_SYSTEM_ALERT: ActionKind.ALERT,
    ActionCode.NOTIFY_NONCITIZEN: ActionKind.NOTICE,
}
STATUSES = {
    ActionKind.TASK: ["open", "done", "waived", "withdrawn"],
    ActionKind.COMMITMENT: ["standing", "triggered", "withdrawn"],
    ActionKind.HOLD: ["placed", "released"],
    ActionKind.ALERT: ["pending", "delivered"],
    ActionKind.NOTICE: ["pending", "delivered"],
}


def planned(action: ActionCode) -> PlannedAction:
    kind = KIND_OF[action]
    scope = Scope.PERSON if kind in (ActionKind.TASK, ActionKind.COMMITMENT) else Scope.INCIDENT
    return PlannedAction(action, kind, Component.ERO, scope, ("X",), date(2024, 1, 1), 0)


slots = st.tuples(st.integers(1, 4), st.sampled_from(sorted(KIND_OF)))


@given(st.sets(slots), st.dictionaries(slots, st.integers(0, 3)))
def test_every_item_in_exactly_one_bucket(wanted, had) -> None:  # type: ignore[no-untyped-def]
    desired = [Desired(identity(p, planned(a), "X"), p, planned(a)) for p, a in wanted]
    existing = {}
    for (person, action), pick in had.items():
        item = planned(action)
        status = STATUSES[item.kind][pick % len(STATUSES[item.kind])]
        key = identity(person, item, "X")
        existing[key] = Existing(key, person, item.kind, action.value, "ERO", status, ("X",), 1)
    diff = diff_plan(desired, existing)
    placed = [d.identity for d in diff.added] + [d.identity for d, _ in diff.reopened]
    placed += [d.identity for d, _ in diff.unchanged]
    assert sorted(placed) == sorted(d.identity for d in desired)
    stale = set(existing) - {d.identity for d in desired}
    for row in diff.withdrawn:
        assert row.identity in stale and row.status in ("open", "standing")
    for row in diff.kept:
        assert row.identity in stale and row.kind in (
            ActionKind.HOLD, ActionKind.ALERT, ActionKind.NOTICE)
    # protections and notices are never withdrawn; finished work is never touched
    assert all(row.kind in (ActionKind.TASK, ActionKind.COMMITMENT) for row in diff.withdrawn)
    assert not {r.identity for r in diff.withdrawn} & {r.identity for r in diff.kept}


def test_a_released_hold_is_not_placed_again_by_a_replan() -> None:
    hold = planned(ActionCode.PLACE_REMOVAL_HOLD)
    key = identity(7, hold, "X")
    row = Existing(key, 7, ActionKind.HOLD, "place_removal_hold", "ERO", "released", ("X",), 1)
    diff = diff_plan([Desired(key, 7, hold)], {key: row})
    assert [r.status for _, r in diff.unchanged] == ["released"]
    assert not diff.added and not diff.reopened


def test_a_withdrawn_task_asked_for_again_is_reopened() -> None:
    task = planned(ActionCode.ISSUE_NTA)
    key = identity(7, task, "X")
    row = Existing(key, 7, ActionKind.TASK, "issue_nta", "ERO", "withdrawn", ("X",), 1)
    diff = diff_plan([Desired(key, 7, task)], {key: row})
    assert [r.row_id for _, r in diff.reopened] == [1]
