"""Planning against a real desk (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk.casework.planning import PlanningError, plan_incident
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.playbook import load_playbook, parse_playbook
from spilldesk.store.db import Store
from spilldesk.store.models import (
    Alert,
    AuditEvent,
    Commitment,
    Exposure,
    Notice,
    RemovalHold,
    Task,
    TaskIncident,
)
from spilldesk.store.people import find_person

pytestmark = pytest.mark.db
ET = ZoneInfo("America/New_York")
NOV28, DEC7 = "ICE-2022-11-28", "DHS-2022-12-07"
ICE = load_playbook("ice-2022")

# (A-number, posture, custody, extra columns)
PEOPLE: list[tuple[str, str, str, dict[str, str]]] = [
    ("A200000001", "withholding_only", "detained", {}),
    ("A200000002", "final_order_unexecuted", "detained",
     {"final_order": "true", "order_type": "section_240"}),
    ("A200000003", "bia_appeal", "released", {"appeal_by": "dhs", "representative_id": "R1"}),
    ("A200000004", "final_order_executed", "removed",
     {"final_order": "true", "order_type": "expedited_removal"}),
]


def build_desk(session: Session, tmp_path: Path, people=PEOPLE, exposed=None) -> None:  # type: ignore[no-untyped-def]
    """Registry, two incidents, and exposures (Nov 28: everyone; Dec 7: the first two)."""
    reps = tmp_path / "reps.csv"
    _write(reps, [{"representative_id": "R1", "name": "Counsel", "email": "c@example.org"}])
    import_file(session, reps, kind="representatives", actor="test", tz=ET)
    rows = [
        {"a_number": a, "family_name": f"Family{i}", "given_name": "Given",
         "date_of_birth": "1990-01-01", "posture": posture, "custody": custody, **extra}
        for i, (a, posture, custody, extra) in enumerate(people)
    ]
    path = tmp_path / "persons.csv"
    _write(path, rows)
    import_file(session, path, kind="persons", actor="test", tz=ET)
    for incident_id, day in ((NOV28, 28), (DEC7, 7)):
        month = 11 if day == 28 else 12
        start = datetime(2022, month, day, 9, 45, tzinfo=ET)
        open_incident(session, IncidentSpec(incident_id, incident_id, start, start), actor="test")
    exposed = exposed or {NOV28: [p[0] for p in people], DEC7: [p[0] for p in people[:2]]}
    for incident_id, a_numbers in exposed.items():
        for a_number in a_numbers:
            person = find_person(session, a_number)
            assert person is not None
            session.add(Exposure(incident_id=incident_id, person_id=person.id, source="manual",
                                 created_by="test"))
    session.flush()


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    header = sorted({key for row in rows for key in row})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _count(session: Session, model: Any) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _actions(result, tail: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    person = next(p for p in result.to_json()["persons"] if p["a_number"].endswith(tail))
    actions = person["actions"]
    return sorted((a["action"], a["component"], ",".join(a["incidents"])) for a in actions)


def test_plan_creates_every_kind_of_row_and_masks_a_numbers(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        result = plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
    document = result.to_json()
    assert {p["a_number"] for p in document["persons"]} == {
        "A*****0001", "A*****0002", "A*****0003", "A*****0004"}
    assert "A200000001" not in str(document)
    with store.session() as session:
        holds = session.execute(select(RemovalHold.incident_id, RemovalHold.person_id)).all()
        held = {find_person(session, a).id for a in ("A200000001", "A200000002")}  # type: ignore[union-attr]
        # the withholding-only person's reinstated order and the unexecuted final order
        assert sorted(holds) == sorted((NOV28, person_id) for person_id in held)
        systems = session.execute(select(Alert.system, Alert.kind)).all()
        assert sorted(set(systems)) == [
            ("CBP", "section_240_at_next_encounter"), ("ERO", "pii_disclosure"),
            ("ERO", "section_240_at_next_encounter"), ("OPLA", "pii_disclosure")]
        assert _count(session, Notice) == 5  # four noncitizens + one representative
        triggers = sorted(session.execute(select(Commitment.action, Commitment.trigger)).all())
        assert ("do_not_oppose_remand", "motion_to_remand_filed") in triggers
        tasks = session.execute(select(Task)).scalars().all()
        assert {t.playbook for t in tasks} == {"ice-2022"}
        assert all(t.status == "open" for t in tasks)
        cancel = next(t for t in tasks if t.action == "cancel_reinstatement_order")
        dismiss = next(t for t in tasks if t.action == "move_to_dismiss_withholding_only")
        assert cancel.depends_on_id == dismiss.id and dismiss.due < cancel.due
    assert document["changes"]["added"] > 0 and document["changes"]["withdrawn"] == 0


def test_re_running_changes_nothing(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        first = plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
    with store.session() as session:
        rows_before = [_count(session, m) for m in (Task, Commitment, RemovalHold, Alert, Notice)]
        again = plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
        rows_after = [_count(session, m) for m in (Task, Commitment, RemovalHold, Alert, Notice)]
    assert rows_before == rows_after
    assert again.changes["added"] == 0 and again.changes["withdrawn"] == 0
    assert again.changes["unchanged"] == first.changes["added"]
    assert again.to_json()["persons"] == first.to_json()["persons"]


def test_dry_run_writes_nothing_not_even_audit(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        audit_before = _count(session, AuditEvent)
        result = plan_incident(session, NOV28, playbook=ICE, dry_run=True, actor="test", tz=ET)
        assert [_count(session, m) for m in (Task, Commitment, RemovalHold, Alert, Notice)] == [
            0, 0, 0, 0, 0]
        assert _count(session, AuditEvent) == audit_before
    statuses = {a["status"] for p in result.persons for a in p["actions"]}
    assert statuses == {"planned"}


def test_legal_tasks_once_per_person_listing_both_incidents(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
        dec7 = plan_incident(session, DEC7, playbook=ICE, dry_run=False, actor="test", tz=ET)
        person = find_person(session, "A200000001")
        assert person is not None
        tasks = session.execute(select(Task).where(Task.person_id == person.id)).scalars().all()
        actions = sorted(t.action for t in tasks)
        assert actions.count("issue_nta") == 1 and actions.count("custody_redetermination") == 1
        nta = next(t for t in tasks if t.action == "issue_nta")
        linked = session.execute(
            select(TaskIncident.incident_id).where(TaskIncident.task_id == nta.id)).scalars()
        assert sorted(linked) == [DEC7, NOV28]
        notices = session.execute(select(Notice.incident_id).where(
            Notice.person_id == person.id, Notice.recipient == "noncitizen")).scalars().all()
        assert sorted(notices) == [DEC7, NOV28]
    # Dec 7's plan finds the shared legal work already there and adds its own notices/alerts
    added = {(item["action"], item["kind"]) for item in dec7.changes["items"]["added"]}
    assert ("issue_nta", "task") not in added and ("notify_noncitizen", "notice") in added
    assert ("custody_redetermination", "task") in {
        (a[0], "task") for a in _actions(dec7, "0002")}


def test_changed_posture_withdraws_open_work_and_keeps_protections(
    store: Store, tmp_path: Path
) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
        person = find_person(session, "A200000001")
        assert person is not None
        done = session.execute(select(Task).where(
            Task.person_id == person.id, Task.action == "custody_redetermination")).scalar_one()
        done.status = "done"
        # withholding-only dismissed: now in removal proceedings
        person.posture = "removal_proceedings"
        preview = plan_incident(session, NOV28, playbook=ICE, dry_run=True, actor="test", tz=ET)
        withdrawn = sorted(i["action"] for i in preview.changes["items"]["withdrawn"])
        assert withdrawn == ["cancel_reinstatement_order", "issue_nta",
                             "move_to_dismiss_withholding_only"]
        added = sorted(i["action"] for i in preview.changes["items"]["added"])
        assert added == ["do_not_oppose_remand", "file_disclosure_notice_ij"]
        assert session.execute(select(func.count()).select_from(Task).where(
            Task.status == "withdrawn")).scalar_one() == 0
        applied = plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
        assert applied.changes["withdrawn"] == 3
        statuses = dict(session.execute(select(Task.action, Task.status).where(
            Task.person_id == person.id)).all())
        assert statuses["issue_nta"] == "withdrawn"
        assert statuses["custody_redetermination"] == "done"  # finished work stays
        assert statuses["file_disclosure_notice_ij"] == "open"


def test_a_changed_playbook_keeps_holds_and_alerts(store: Store, tmp_path: Path) -> None:
    slim = parse_playbook(
        "name: slim\nversion: 2\nrules:\n  - id: notices\n    actions:\n"
        "      - {action: notify_noncitizen, component: PRIVACY}\n", origin="slim.yaml")
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
        result = plan_incident(session, NOV28, playbook=slim, dry_run=False, actor="test", tz=ET)
        kept_kinds = {item["kind"] for item in result.changes["items"]["kept"]}
        assert kept_kinds == {"hold", "alert", "notice"}  # the representative's notice too
        assert _count(session, RemovalHold) == 2 and _count(session, Alert) > 0
        open_tasks = session.execute(select(func.count()).select_from(Task).where(
            Task.status == "open")).scalar_one()
        assert open_tasks == 0


def test_plan_is_audited_once_without_person_data(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="tester", tz=ET)
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "plan.apply")).scalar_one()
    assert event.object_id == NOV28 and event.actor == "tester"
    assert event.detail is not None and event.detail["playbook"] == "ice-2022"
    assert "A2000" not in str(event.detail)


def test_a_person_linked_later_is_added_by_the_next_plan(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path, exposed={NOV28: ["A200000001"], DEC7: []})
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
        late = find_person(session, "A200000003")
        assert late is not None
        session.add(Exposure(incident_id=NOV28, person_id=late.id, source="review",
                             created_by="reviewer"))
        session.flush()
        result = plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="test", tz=ET)
    added = {item["a_number"] for item in result.changes["items"]["added"]}
    assert added == {"A*****0003"} and result.changes["withdrawn"] == 0


def test_bad_registry_facts_name_the_field_not_the_person(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        person = find_person(session, "A200000002")
        assert person is not None
        person.posture = "asylum_pending"
        with pytest.raises(PlanningError) as err:
            plan_incident(session, NOV28, playbook=ICE, dry_run=True, actor="test", tz=ET)
    assert str(err.value).startswith("person A*****0002: unknown posture 'asylum_pending'")
