"""Planning: turn every exposed person's posture into tasks, commitments, holds, alerts, notices.

`plan_incident` is idempotent (a re-run finds everything in place and changes nothing), shows
what a changed playbook or posture would add or withdraw (`changes`), writes nothing with
`dry_run`, and writes in bulk: about 6,300 persons plan in a few seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from spilldesk import clock
from spilldesk.domain.posture import (
    ActionKind,
    Scope,
    TaskStatus,
    UnknownCode,
    parse_appeal_by,
    parse_custody,
    parse_order_type,
    parse_posture,
)
from spilldesk.errors import ServiceError
from spilldesk.intake.incidents import get_incident
from spilldesk.notify.notices import ensure_notices_for
from spilldesk.playbook import IncidentFacts, PersonFacts, Playbook, plan_people
from spilldesk.playbook.case_facts import incident_of_key
from spilldesk.playbook.diff import (
    Desired,
    Existing,
    PlanDiff,
    alert_kind,
    diff_plan,
    identity,
)
from spilldesk.playbook.plan_json import changes_json, counts, masked, persons_json
from spilldesk.store.audit import record_event
from spilldesk.store.db import exclusive
from spilldesk.store.models import (
    Alert,
    Commitment,
    Exposure,
    Incident,
    Notice,
    Person,
    RemovalHold,
    Task,
    TaskIncident,
)
from spilldesk.store.people import a_numbers_for


class PlanningError(ServiceError):
    """A person's registry facts cannot be planned; the message names the field, not the data."""


@dataclass
class PlanResult:
    incident_id: str
    playbook: str
    version: str
    dry_run: bool
    persons: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "incident": self.incident_id,
            "playbook": {"name": self.playbook, "version": self.version},
            "dry_run": self.dry_run,
            "persons": self.persons,
            "changes": self.changes,
        }

    def actions_by_code(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for person in self.persons:
            for action in person["actions"]:
                counts[action["action"]] += 1
        return dict(sorted(counts.items()))


def plan_incident(
    session: Session,
    incident_id: str,
    *,
    playbook: Playbook,
    dry_run: bool,
    actor: str,
    tz: ZoneInfo,
    person_ids: Collection[int] | None = None,
    reveal_a_numbers: bool = False,
) -> PlanResult:
    """Plan (or preview, with `dry_run`) every person the incident exposed, or only these.

    Incremental across incidents: once-per-person legal work that an earlier incident's plan
    made is found and listed under this incident too, never made twice; work only another
    incident still asks for is left to that incident.
    """
    incident = get_incident(session, incident_id)
    if not dry_run:
        exclusive(session, "planning")  # two planners at once would both add the same work
    people = _exposed_people(session, incident_id, person_ids)
    incidents_of = _incidents_of_people(session, incident_id, tz)
    already = _work_from_commitments(session, incident_id)
    desired: list[Desired] = []
    elsewhere: set[str] = set()  # a person's legal work only other incidents ask for
    situations = ((person_facts(person), incidents_of[person.id]) for person in people)
    for person, plan in zip(people, plan_people(playbook, situations), strict=True):
        for planned in plan:
            key = identity(person.id, planned, incident_id)
            if incident_id not in planned.incidents:
                if planned.scope is Scope.PERSON:
                    elsewhere.add(key)
            elif not (planned.kind is ActionKind.TASK
                      and (person.id, planned.action.value) in already):
                desired.append(Desired(key, person.id, planned))
    scope = None if person_ids is None else {person.id for person in people}
    existing = {
        key: row for key, row in load_existing(session, incident_id, scope).items()
        if key not in elsewhere  # theirs to keep or withdraw, not this plan's
    }
    diff = diff_plan(desired, existing)
    if not dry_run:
        write_plan(session, incident_id, diff, playbook=playbook, actor=actor)
        incident.playbook = playbook.model_dump(mode="json", exclude_none=True)
        record_event(
            session,
            actor=actor,
            action="plan.apply",
            object_type="incident",
            object_id=incident_id,
            detail={"playbook": playbook.name, "version": playbook.version,
                    "persons": len(people), **counts(diff)},
        )
    opened = a_numbers_for(session, [p.id for p in people], reveal=True, actor=actor,
                           purpose=f"plan {incident_id} (--show-a-numbers)"
                           ) if reveal_a_numbers else {}
    shown = {p.id: opened.get(p.id) or masked(p.a_number_tail) for p in people}
    return PlanResult(
        incident_id,
        playbook.name,
        playbook.version,
        dry_run,
        persons=persons_json(list(shown.items()), desired, existing, diff, dry_run),
        changes=changes_json(diff, shown),
    )


def replan_people(
    session: Session, person_ids: Collection[int], *, actor: str, tz: ZoneInfo
) -> dict[str, int]:
    """A person's facts changed: re-plan them at once in every incident that exposed them,
    with the playbook that incident was last planned with. Returns persons re-planned per
    incident (incidents not yet planned are left to their first plan)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Exposure.incident_id, Exposure.person_id, Incident.playbook)
        .join(Incident, Incident.id == Exposure.incident_id)
        .where(Incident.playbook.is_not(None))
    )
    by_incident: dict[str, set[int]] = defaultdict(set)
    playbooks: dict[str, dict[str, Any]] = {}
    for incident_id, person_id, stored in rows:
        if person_id in wanted:
            by_incident[incident_id].add(person_id)
            playbooks[incident_id] = stored
    for incident_id in sorted(by_incident):
        playbook = Playbook.model_validate(playbooks[incident_id])
        plan_incident(session, incident_id, playbook=playbook, dry_run=False, actor=actor,
                      tz=tz, person_ids=by_incident[incident_id])
    return {incident_id: len(people) for incident_id, people in sorted(by_incident.items())}


def person_facts(person: Any) -> PersonFacts:
    """A registry person's planning facts (a Person or a row of its clear columns)."""
    try:
        return PersonFacts(
            a_number=masked(person.a_number_tail),
            posture=parse_posture(person.posture) if person.posture else None,
            custody=parse_custody(person.custody) if person.custody else None,
            represented=person.representative_id is not None,
            final_order=person.final_order,
            order_type=parse_order_type(person.order_type) if person.order_type else None,
            appeal_by=parse_appeal_by(person.appeal_by) if person.appeal_by else None,
            motion_barred=person.motion_barred,
            return_decided=person.return_decided,
        )
    except UnknownCode as exc:
        raise PlanningError(f"person {masked(person.a_number_tail)}: {exc}") from None


def _exposed_people(
    session: Session, incident_id: str, person_ids: Collection[int] | None
) -> list[Any]:
    """Every person the incident exposed (their posture is opened on use; names never are)."""
    query = (
        select(Person)
        .join(Exposure, Exposure.person_id == Person.id)
        .where(Exposure.incident_id == incident_id)
        .order_by(Person.id)
    )
    rows = list(session.execute(query).scalars())
    if person_ids is None:
        return rows
    wanted = set(person_ids)
    return [row for row in rows if row.id in wanted]


def _incidents_of_people(
    session: Session, incident_id: str, tz: ZoneInfo
) -> dict[int, list[IncidentFacts]]:
    """Every incident that exposed each of this incident's people (legal work is per person)."""
    facts = {
        incident.id: IncidentFacts(incident.id, _starts_on(incident, tz))
        for incident in session.execute(select(Incident)).scalars()
    }
    exposed_here = select(Exposure.person_id).where(Exposure.incident_id == incident_id)
    rows = session.execute(
        select(Exposure.person_id, Exposure.incident_id).where(Exposure.person_id.in_(exposed_here))
    )
    incidents_of: dict[int, list[IncidentFacts]] = defaultdict(list)
    for person_id, exposing in rows:
        incidents_of[person_id].append(facts[exposing])
    return incidents_of


def _work_from_commitments(session: Session, incident_id: str) -> set[tuple[int, str]]:
    """(person, action) a triggered commitment already made a task for: not planned twice."""
    exposed_here = select(Exposure.person_id).where(Exposure.incident_id == incident_id)
    query = select(Commitment.person_id, Commitment.action).where(
        Commitment.status == "triggered", Commitment.person_id.in_(exposed_here)
    )
    return {(person_id, action) for person_id, action in session.execute(query)}


def _starts_on(incident: Incident, tz: ZoneInfo) -> date:
    """Due dates count from the day the desk opened the incident (in the agency's zone)."""
    return incident.created_at.astimezone(tz).date()


# --- what the desk already holds for the incident ---------------------------------------------


def load_existing(
    session: Session, incident_id: str, people: set[int] | None = None
) -> dict[str, Existing]:
    """What the desk holds that this incident's plan is about, by identity: the incident's
    own holds, alerts, notices and tasks, and its people's once-per-person work whichever
    incident made it. `people` narrows it to a re-plan of those persons."""
    rows = _existing_tasks(session, incident_id) + _existing_commitments(session, incident_id)
    here = (incident_id,)
    holds = select(RemovalHold.id, RemovalHold.person_id, RemovalHold.released_at)
    for hold in session.execute(holds.where(RemovalHold.incident_id == incident_id)):
        status = "released" if hold.released_at else "placed"
        rows.append(Existing(f"{hold.person_id}|hold|{incident_id}", hold.person_id,
                             ActionKind.HOLD, "place_removal_hold", "ERO", status, here, hold.id))
    alerts = select(Alert.id, Alert.person_id, Alert.system, Alert.kind, Alert.status)
    for alert in session.execute(alerts.where(Alert.incident_id == incident_id)):
        action = "place_cbp_alert" if alert.system == "CBP" else "place_system_alert"
        key = f"{alert.person_id}|alert|{incident_id}|{alert.system}|{alert.kind}"
        rows.append(Existing(key, alert.person_id, ActionKind.ALERT, action, alert.system,
                             alert.status, here, alert.id))
    notices = select(Notice.id, Notice.person_id, Notice.recipient, Notice.status)
    for notice in session.execute(notices.where(Notice.incident_id == incident_id)):
        key = f"{notice.person_id}|notice|{incident_id}|{notice.recipient}"
        rows.append(Existing(key, notice.person_id, ActionKind.NOTICE,
                             f"notify_{notice.recipient}", "", notice.status, here, notice.id))
    return {row.identity: row for row in rows if people is None or row.person_id in people}


def _existing_tasks(session: Session, incident_id: str) -> list[Existing]:
    """Planned tasks of this incident, and the once-per-person tasks of its people."""
    exposed_here = select(Exposure.person_id).where(Exposure.incident_id == incident_id)
    involved = select(TaskIncident.task_id).where(TaskIncident.incident_id == incident_id)
    mine = or_(Task.person_id.in_(exposed_here), Task.id.in_(involved))
    query = select(Task.id, Task.key, Task.person_id, Task.action, Task.component, Task.status)
    tasks = [
        task for task in session.execute(query.where(mine))
        if task.key.startswith(f"{task.person_id}|task:")  # made by planning, not by an event
    ]
    incidents: dict[int, list[str]] = defaultdict(list)
    links = select(TaskIncident.task_id, TaskIncident.incident_id).join(
        Task, Task.id == TaskIncident.task_id).where(mine)
    for task_id, linked in session.execute(links):
        incidents[task_id].append(linked)
    return [
        Existing(task.key, task.person_id, ActionKind.TASK, task.action, task.component,
                 task.status, tuple(sorted(incidents[task.id])), task.id)
        for task in tasks
        if incident_id in incidents[task.id] or incident_of_key(task.key) == ""
    ]


def _existing_commitments(session: Session, incident_id: str) -> list[Existing]:
    exposed_here = select(Exposure.person_id).where(Exposure.incident_id == incident_id)
    query = select(Commitment).where(Commitment.person_id.in_(exposed_here))
    return [
        Existing(c.key, c.person_id, ActionKind.COMMITMENT, c.action, c.component, c.status,
                 tuple(sorted(c.incidents)), c.id)
        for c in session.execute(query).scalars()
        if incident_id in c.incidents or incident_of_key(c.key) == ""
    ]


# --- writing the changes, in bulk -------------------------------------------------------------


def write_plan(
    session: Session, incident_id: str, diff: PlanDiff, *, playbook: Playbook, actor: str
) -> None:
    now = clock.now()
    made_by = {"playbook": playbook.name, "playbook_version": playbook.version}
    by_kind: dict[ActionKind, list[Desired]] = defaultdict(list)
    for item in diff.added:
        by_kind[item.planned.kind].append(item)
    task_ids = _insert_tasks(session, by_kind[ActionKind.TASK], made_by, now)
    _reopen(session, diff.reopened, made_by, now)
    _link_incidents(session, diff, task_ids)
    _link_dependencies(session, diff, task_ids)
    _insert_rows(session, Commitment, [
        {"key": d.identity, "person_id": d.person_id, "action": d.planned.action.value,
         "component": d.planned.component.value, "trigger": _trigger(d),
         "due_days": d.planned.due_days, "incidents": list(d.planned.incidents),
         "status": "standing", "created_at": now, **made_by}
        for d in by_kind[ActionKind.COMMITMENT]
    ])
    _insert_rows(session, RemovalHold, [
        {"incident_id": incident_id, "person_id": d.person_id, "placed_by": actor,
         "created_at": now}
        for d in by_kind[ActionKind.HOLD]
    ])
    _insert_rows(session, Alert, [
        {"incident_id": incident_id, "person_id": d.person_id, "created_at": now,
         "system": d.planned.component.value, "kind": alert_kind(d.planned), "status": "pending"}
        for d in by_kind[ActionKind.ALERT]
    ])
    _withdraw(session, diff.withdrawn, playbook, actor, now)
    notice_people = {d.person_id for d in by_kind[ActionKind.NOTICE]}
    if notice_people:
        ensure_incident_notices(session, incident_id, notice_people, actor=actor)


def _trigger(item: Desired) -> str:
    trigger = item.planned.trigger
    if trigger is None:
        raise PlanningError(f"commitment {item.planned.action.value} has no trigger")
    return trigger.value


def _insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def _insert_tasks(
    session: Session, items: list[Desired], made_by: dict[str, str], now: datetime
) -> dict[str, int]:
    if not items:
        return {}
    rows = [
        {"key": d.identity, "person_id": d.person_id, "action": d.planned.action.value,
         "component": d.planned.component.value, "status": "open", "due": d.planned.due,
         "created_at": now, "updated_at": now, **made_by}
        for d in items
    ]
    ids = session.scalars(insert(Task).returning(Task.id, sort_by_parameter_order=True), rows)
    return dict(zip((d.identity for d in items), ids, strict=True))


def _reopen(
    session: Session, reopened: list[tuple[Desired, Existing]], made_by: dict[str, str],
    now: datetime,
) -> None:
    """Work a changed posture asks for again comes back open (same row, history in the audit)."""
    tasks = [(d, row) for d, row in reopened if row.kind is ActionKind.TASK]
    if tasks:
        session.execute(update(Task), [
            {"id": row.row_id, "status": "open", "due": d.planned.due, "outcome": None,
             "done_by": None, "done_at": None, "updated_at": now, **made_by}
            for d, row in tasks
        ])
    commitments = [(d, row) for d, row in reopened if row.kind is ActionKind.COMMITMENT]
    if commitments:
        session.execute(update(Commitment), [
            {"id": row.row_id, "status": "standing", **made_by} for _, row in commitments
        ])


def _link_incidents(session: Session, diff: PlanDiff, new_ids: dict[str, int]) -> None:
    """Each task lists every incident behind it, including ones planned after it was made."""
    links: list[dict[str, Any]] = []
    for item in diff.added:
        if item.identity in new_ids:
            task_id = new_ids[item.identity]
            links += [{"task_id": task_id, "incident_id": i} for i in item.planned.incidents]
    for item, row in [*diff.unchanged, *diff.reopened]:
        missing = sorted(set(item.planned.incidents) - set(row.incidents))
        if row.kind is ActionKind.TASK:
            links += [{"task_id": row.row_id, "incident_id": i} for i in missing]
        elif row.kind is ActionKind.COMMITMENT and missing:
            merged = sorted({*item.planned.incidents, *row.incidents})
            session.execute(update(Commitment), [{"id": row.row_id, "incidents": merged}])
    _insert_rows(session, TaskIncident, links)


def _link_dependencies(session: Session, diff: PlanDiff, new_ids: dict[str, int]) -> None:
    """`depends_on_id` points at the person's task for the action depended on."""
    ids = dict(new_ids)
    kept = [item for item, row in [*diff.unchanged, *diff.reopened] if row.kind is ActionKind.TASK]
    rows = {item.identity: row.row_id for item, row in [*diff.unchanged, *diff.reopened]}
    ids.update({item.identity: rows[item.identity] for item in kept})
    task_of = {
        (item.person_id, item.planned.action): ids[item.identity]
        for item in [*diff.added, *kept]
        if item.identity in ids
    }
    changed = []
    for item in [*diff.added, *(d for d, _ in diff.reopened)]:
        if item.identity in ids and item.planned.depends_on:
            dependency = task_of.get((item.person_id, item.planned.depends_on[0]))
            if dependency is not None:
                changed.append({"id": ids[item.identity], "depends_on_id": dependency})
    if changed:
        session.execute(update(Task), changed)


# An update by primary key with a condition: no loaded object is synchronised (none is
# used after the plan is written; a row the condition skips keeps its own state).
_BY_ID: dict[str, Any] = {"synchronize_session": None}


def _withdraw(
    session: Session, rows: list[Existing], playbook: Playbook, actor: str, now: datetime
) -> None:
    """Open work the plan no longer asks for is withdrawn, never deleted.

    Only while it is still open (standing): an officer who finished the task, or an event
    that triggered the commitment, since the plan read it was there first (the update waits
    for their transaction and then leaves the row alone; without the condition the plan's
    stale reading would overwrite their work on PostgreSQL)."""
    outcome = f"withdrawn: playbook {playbook.name} v{playbook.version} no longer calls for it"
    tasks = [row for row in rows if row.kind is ActionKind.TASK]
    still_open = Task.status == TaskStatus.OPEN.value
    if tasks:
        session.execute(update(Task).where(still_open).execution_options(**_BY_ID), [
            {"id": row.row_id, "status": "withdrawn", "outcome": outcome, "done_by": actor,
             "done_at": now, "updated_at": now}
            for row in tasks
        ])
    commitments = [row for row in rows if row.kind is ActionKind.COMMITMENT]
    if commitments:
        standing = Commitment.status == "standing"
        session.execute(update(Commitment).where(standing).execution_options(**_BY_ID), [
            {"id": row.row_id, "status": "withdrawn"} for row in commitments
        ])


def ensure_incident_notices(
    session: Session, incident_id: str, person_ids: set[int], *, actor: str
) -> None:
    """One notice per recipient for each of these exposures (the notices service decides how)."""
    # Loaded with everything the notices service reads, so that it never lazy-loads (each
    # lazy load would autoflush the notices added so far: quadratic on 6,000 people).
    # (Filtered here, not with IN: thousands of bound ids are slow to send to PostgreSQL.)
    query = (
        select(Exposure)
        .where(Exposure.incident_id == incident_id)
        .options(selectinload(Exposure.incident),
                 selectinload(Exposure.person).selectinload(Person.representative))
        .order_by(Exposure.person_id)
    )
    exposures = [e for e in session.execute(query).scalars() if e.person_id in person_ids]
    ensure_notices_for(session, exposures, actor=actor)
