"""Task queues and custody redeterminations (which close the person's task)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from spilldesk.casework.custody import CustodyError, decide_custody, decisions_for
from spilldesk.casework.planning import plan_incident
from spilldesk.casework.tasks import TaskError, finish_task, list_tasks, task_summary
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent, Task
from tests.casework.test_planning import ET, ICE, NOV28, build_desk

pytestmark = pytest.mark.db


@pytest.fixture
def planned(store: Store, tmp_path: Path) -> Store:
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="planner", tz=ET)
    return store


def test_filters(planned: Store) -> None:
    with planned.session() as session:
        everything = list_tasks(session, actor="t")
        opla = list_tasks(session, actor="t", component="opla")
        mine = list_tasks(session, actor="t", a_number="200-000-001")
        by_incident = list_tasks(session, actor="t", incident=NOV28)
        none_done = list_tasks(session, actor="t", status="done")
    assert everything and {t.component for t in opla} == {"OPLA"}
    assert {t.a_number for t in mine} == {"A*****0001"}
    assert {t.action for t in mine} >= {"issue_nta", "custody_redetermination"}
    assert by_incident == everything and none_done == []
    assert all(NOV28 in t.incidents for t in everything)  # Dec 7 too for legal work
    dues = [t.due for t in everything]
    assert dues == sorted(dues)


def test_overdue_is_open_and_past_due(planned: Store) -> None:
    with planned.session() as session:
        tasks = list_tasks(session, actor="t")
        first_due = min(t.due for t in tasks if t.due)
        assert list_tasks(session, actor="t", overdue_on=first_due) == []
        late = list_tasks(session, actor="t", overdue_on=date(2999, 1, 1))
    assert len(late) == len(tasks)


def test_bad_filters_are_one_line_errors(planned: Store) -> None:
    with planned.session() as session:
        with pytest.raises(TaskError, match="unknown component 'USCIS'"):
            list_tasks(session, actor="t", component="USCIS")
        with pytest.raises(TaskError, match="--incident: no incident 'NOPE'"):
            list_tasks(session, actor="t", incident="NOPE")
        with pytest.raises(TaskError, match=r"no person A\*\*\*\*\*9999 in the registry"):
            list_tasks(session, actor="t", a_number="A123459999")


def test_done_and_waive_are_audited_and_final(planned: Store) -> None:
    with planned.session() as session:
        task = list_tasks(session, actor="t", action="file_disclosure_notice_bia")[0]
        view = finish_task(session, task.id, status="done", outcome="filed with the BIA",
                           actor="opla.attorney")
        assert (view.status, view.outcome, view.done_by) == ("done", "filed with the BIA",
                                                            "opla.attorney")
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "task.done")
                                ).scalar_one()
        assert event.object_id == str(task.id) and "BIA" not in str(event.detail)
        with pytest.raises(TaskError, match=f"task {task.id} is done, not open"):
            finish_task(session, task.id, status="waived", outcome="x", actor="t")
        other = list_tasks(session, actor="t", action="review_dhs_appeal")[0]
        waived = finish_task(session, other.id, status="waived", outcome="appeal withdrawn",
                             actor="t")
        assert waived.status == "waived"
        with pytest.raises(TaskError, match="done or waived, not open"):
            finish_task(session, other.id, status="open", outcome="x", actor="t")
        with pytest.raises(TaskError, match="--outcome"):
            finish_task(session, 1, status="done", outcome="  ", actor="t")


def test_dependent_work_waits(planned: Store) -> None:
    with planned.session() as session:
        cancel = list_tasks(session, actor="t", action="cancel_reinstatement_order")[0]
        dismiss = list_tasks(session, actor="t", action="move_to_dismiss_withholding_only")[0]
        assert cancel.depends_on == dismiss.id
        with pytest.raises(TaskError, match="waits for task"):
            finish_task(session, cancel.id, status="done", outcome="cancelled", actor="ero")
        finish_task(session, dismiss.id, status="done", outcome="motion granted", actor="opla")
        assert finish_task(session, cancel.id, status="done", outcome="cancelled",
                           actor="ero").status == "done"


def test_custody_decision_closes_the_task(planned: Store) -> None:
    with planned.session() as session:
        result = decide_custody(session, "A200000001", decision="bond", bond_amount=5000,
                                rationale="ties to the community; no flight risk shown",
                                actor="ero.officer")
        task = session.get(Task, result.task_id)
        assert task is not None and task.status == "done" and task.outcome == "bond ($5,000)"
        assert result.a_number == "A*****0001"
        assert [d.decision for d in decisions_for(session, task.person_id)] == ["bond"]


@pytest.mark.parametrize(
    ("decision", "amount", "rationale", "complaint"),
    [
        ("bond", None, "why", "--bond-amount: a bond decision needs a positive amount"),
        ("parole", 100, "why", "only a bond decision has an amount"),
        ("deport", None, "why", "--decision: unknown custody decision 'deport'"),
        ("parole", None, " ", "--rationale"),
    ],
)
def test_custody_decision_errors(
    planned: Store, decision: str, amount: int | None, rationale: str, complaint: str
) -> None:
    with planned.session() as session, pytest.raises(CustodyError, match=complaint):
        decide_custody(session, "A200000001", decision=decision, bond_amount=amount,
                       rationale=rationale, actor="t")


def test_summary_counts_by_action_and_component(planned: Store) -> None:
    with planned.session() as session:
        summary = task_summary(session, NOV28)
        total = len(list_tasks(session, actor="t"))
    assert sum(summary["by_action"].values()) == total
    assert sum(summary["by_component"].values()) == total
    assert summary["by_action"]["issue_nta"] == 1
