"""The role table, checked cell by cell against the issue's table."""

from __future__ import annotations

import pytest

from spilldesk.access.users import Role
from spilldesk.web.permissions import (
    PERMISSIONS,
    Permission,
    alert_systems,
    allowed,
    may_see_any_person,
    read_only,
    task_components,
)

P = Permission
EXPECTED: dict[Role, set[Permission]] = {
    Role.PRIVACY_OFFICER: {
        P.VIEW_INCIDENTS, P.MANAGE_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_REVIEW,
        P.DECIDE_REVIEW, P.VIEW_TASKS, P.WORK_TASKS, P.VIEW_NOTICES, P.GENERATE_NOTICES,
        P.RECORD_DELIVERY, P.CHECK_CLEARANCE, P.VIEW_HOLDS, P.EXTEND_HOLDS, P.VIEW_ALERTS,
        P.VIEW_REPORTS, P.RUN_GATE, P.EGRESS_CHECK, P.VIEW_CLAWBACK, P.MANAGE_CLAWBACK,
        P.EDIT_INVESTIGATION, P.SEND_OVERSIGHT,
        P.VIEW_REGISTRY,
    },
    Role.OPLA_ATTORNEY: {P.VIEW_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_TASKS,
                         P.VIEW_NOTICES, P.WORK_TASKS, P.RECORD_EVENTS, P.VIEW_CLAWBACK,
                         P.MANAGE_CLAWBACK},
    Role.ERO_OFFICER: {P.VIEW_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_TASKS,
                       P.VIEW_NOTICES, P.CHECK_CLEARANCE, P.VIEW_HOLDS, P.WORK_TASKS,
                       P.RECORD_DELIVERY, P.RECORD_CUSTODY, P.EGRESS_CHECK},
    Role.CBP_LIAISON: {P.VIEW_ALERTS, P.VIEW_ALERTED_PERSONS, P.ACKNOWLEDGE_ALERTS},
    Role.AUDITOR: {P.VIEW_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_REVIEW,
                   P.VIEW_TASKS, P.VIEW_NOTICES, P.CHECK_CLEARANCE, P.VIEW_HOLDS, P.VIEW_ALERTS,
                   P.VIEW_REPORTS, P.VIEW_AUDIT, P.VIEW_CLAWBACK, P.VIEW_REGISTRY},
    Role.ADMIN: {P.MANAGE_USERS},
    Role.MACHINE: {P.CHECK_CLEARANCE},
}


def test_every_role_has_an_entry() -> None:
    assert set(PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_each_cell(role: Role, permission: Permission) -> None:
    assert allowed(role, permission) == (permission in EXPECTED[role])
    assert allowed(role.value, permission) == (permission in EXPECTED[role])


@pytest.mark.parametrize("permission", list(Permission))
def test_unknown_role_may_do_nothing(permission: Permission) -> None:
    assert not allowed("superuser", permission)


def test_auditor_and_machine_change_nothing_and_everyone_else_changes_something() -> None:
    assert {r for r in Role if read_only(r)} == {Role.AUDITOR, Role.MACHINE}
    assert read_only("nobody")


def test_task_queues_and_alert_systems_by_role() -> None:
    everyone = {"OPLA", "ERO", "CBP", "PRIVACY"}
    assert task_components(Role.OPLA_ATTORNEY) == {"OPLA"}
    assert task_components(Role.ERO_OFFICER) == {"ERO"}
    assert task_components(Role.PRIVACY_OFFICER) == everyone
    assert task_components(Role.AUDITOR) == everyone
    for role in (Role.CBP_LIAISON, Role.ADMIN, Role.MACHINE):
        assert task_components(role) == frozenset()
    assert alert_systems(Role.CBP_LIAISON) == {"CBP"}
    assert alert_systems(Role.ERO_OFFICER) == frozenset()
    assert alert_systems("nobody") == frozenset()


def test_who_sees_persons() -> None:
    assert {r for r in Role if may_see_any_person(r)} == {
        Role.PRIVACY_OFFICER, Role.OPLA_ATTORNEY, Role.ERO_OFFICER, Role.CBP_LIAISON,
        Role.AUDITOR}
