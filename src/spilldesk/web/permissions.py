"""Who may see and do what on the desk: the one table of roles and permissions.

Routes ask `allowed(role, permission)` (through `deps.require`); task queues and alert lists
are further scoped to the components a role works for. The auditor reads everything, changes
nothing; a machine token may only ask for clearance.
"""

from __future__ import annotations

from enum import StrEnum

from spilldesk.access.users import Role


class Permission(StrEnum):
    VIEW_INCIDENTS = "incidents:view"
    MANAGE_INCIDENTS = "incidents:manage"  # open, ingest, link, plan, extend holds
    VIEW_PERSONS = "persons:view"  # every affected person
    VIEW_REGISTRY = "persons:view_registry"  # also registry persons no incident touched
    VIEW_ALERTED_PERSONS = "persons:view_alerted"  # only persons named by an alert one sees
    VIEW_EXPOSURES = "exposures:view"
    VIEW_REVIEW = "review:view"
    DECIDE_REVIEW = "review:decide"
    VIEW_TASKS = "tasks:view"
    WORK_TASKS = "tasks:work"
    RECORD_EVENTS = "events:record"
    VIEW_NOTICES = "notices:view"
    GENERATE_NOTICES = "notices:generate"
    RECORD_DELIVERY = "notices:record_delivery"
    CHECK_CLEARANCE = "clearance:check"
    VIEW_HOLDS = "holds:view"
    EXTEND_HOLDS = "holds:extend"
    RECORD_CUSTODY = "custody:record"
    VIEW_ALERTS = "alerts:view"
    ACKNOWLEDGE_ALERTS = "alerts:acknowledge"
    VIEW_REPORTS = "reports:view"  # the incident report, the investigation record
    EDIT_INVESTIGATION = "investigation:edit"  # reviews, corrective actions, mitigations
    SEND_OVERSIGHT = "oversight:send"  # notices to EOIR, USCIS, the DHS Chief Privacy Officer
    VIEW_CLAWBACK = "clawback:view"
    MANAGE_CLAWBACK = "clawback:manage"  # find recipients, write letters, record answers
    RUN_GATE = "gate:run"
    EGRESS_CHECK = "egress:check"
    VIEW_AUDIT = "audit:view"
    MANAGE_USERS = "users:manage"


P = Permission

# Everything someone can look at without changing anything (the auditor's view, minus users).
_READ = frozenset({
    P.VIEW_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_REVIEW, P.VIEW_TASKS,
    P.VIEW_NOTICES, P.CHECK_CLEARANCE, P.VIEW_HOLDS, P.VIEW_ALERTS, P.VIEW_REPORTS,
    P.VIEW_CLAWBACK, P.VIEW_REGISTRY,
})

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PRIVACY_OFFICER: _READ | {
        P.MANAGE_INCIDENTS, P.DECIDE_REVIEW, P.WORK_TASKS, P.GENERATE_NOTICES,
        P.RECORD_DELIVERY, P.EXTEND_HOLDS, P.RUN_GATE, P.EGRESS_CHECK, P.MANAGE_CLAWBACK,
        P.EDIT_INVESTIGATION, P.SEND_OVERSIGHT,
    },
    # OPLA sends the clawback letters (the seed) and so works the clawback too.
    Role.OPLA_ATTORNEY: frozenset({
        P.VIEW_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_TASKS, P.VIEW_NOTICES,
        P.WORK_TASKS, P.RECORD_EVENTS, P.VIEW_CLAWBACK, P.MANAGE_CLAWBACK,
    }),
    Role.ERO_OFFICER: frozenset({
        P.VIEW_INCIDENTS, P.VIEW_PERSONS, P.VIEW_EXPOSURES, P.VIEW_TASKS, P.VIEW_NOTICES,
        P.CHECK_CLEARANCE, P.VIEW_HOLDS, P.WORK_TASKS, P.RECORD_DELIVERY, P.RECORD_CUSTODY,
        P.EGRESS_CHECK,
    }),
    Role.CBP_LIAISON: frozenset({
        P.VIEW_ALERTS, P.VIEW_ALERTED_PERSONS, P.ACKNOWLEDGE_ALERTS,
    }),
    Role.AUDITOR: _READ | {P.VIEW_AUDIT},
    Role.ADMIN: frozenset({P.MANAGE_USERS}),
    Role.MACHINE: frozenset({P.CHECK_CLEARANCE}),
}

_ALL_COMPONENTS = frozenset({"OPLA", "ERO", "CBP", "PRIVACY"})

# Whose task queues a role sees (and, if it may work tasks, works).
TASK_COMPONENTS: dict[Role, frozenset[str]] = {
    Role.PRIVACY_OFFICER: _ALL_COMPONENTS,
    Role.OPLA_ATTORNEY: frozenset({"OPLA"}),
    Role.ERO_OFFICER: frozenset({"ERO"}),
    Role.CBP_LIAISON: frozenset(),
    Role.AUDITOR: _ALL_COMPONENTS,
    Role.ADMIN: frozenset(),
    Role.MACHINE: frozenset(),
}

# Which record systems' alerts a role sees.
ALERT_SYSTEMS: dict[Role, frozenset[str]] = {
    Role.PRIVACY_OFFICER: frozenset({"ERO", "OPLA", "CBP"}),
    Role.OPLA_ATTORNEY: frozenset(),
    Role.ERO_OFFICER: frozenset(),
    Role.CBP_LIAISON: frozenset({"CBP"}),
    Role.AUDITOR: frozenset({"ERO", "OPLA", "CBP"}),
    Role.ADMIN: frozenset(),
    Role.MACHINE: frozenset(),
}


def allowed(role: Role | str, permission: Permission) -> bool:
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def task_components(role: Role | str) -> frozenset[str]:
    try:
        return TASK_COMPONENTS[Role(role)]
    except ValueError:
        return frozenset()


def alert_systems(role: Role | str) -> frozenset[str]:
    try:
        return ALERT_SYSTEMS[Role(role)]
    except ValueError:
        return frozenset()


def may_see_any_person(role: Role | str) -> bool:
    return allowed(role, P.VIEW_PERSONS) or allowed(role, P.VIEW_ALERTED_PERSONS)


def read_only(role: Role | str) -> bool:
    """True for a role that changes nothing at all (the auditor)."""
    changes = {P.MANAGE_INCIDENTS, P.DECIDE_REVIEW, P.WORK_TASKS, P.RECORD_EVENTS,
               P.GENERATE_NOTICES, P.RECORD_DELIVERY, P.EXTEND_HOLDS, P.RECORD_CUSTODY,
               P.ACKNOWLEDGE_ALERTS, P.MANAGE_USERS, P.MANAGE_CLAWBACK,
               P.EDIT_INVESTIGATION, P.SEND_OVERSIGHT}
    try:
        return not (PERMISSIONS[Role(role)] & changes)
    except ValueError:
        return True
