"""An officer finishes a task while a re-plan that no longer asks for it runs, from two
processes: the finished work stays finished (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from spilldesk.casework.planning import plan_incident
from spilldesk.casework.tasks import finish_task
from spilldesk.store.db import Store
from spilldesk.store.models import Task
from spilldesk.store.people import find_person
from tests.casework.test_planning import ET, ICE, NOV28, build_desk
from tests.concurrency import outcome, start_second_officer, wait_until_blocked

pytestmark = pytest.mark.db

# The planner: another process, re-planning the incident after the person's posture changed.
REPLAN = """
from zoneinfo import ZoneInfo
from spilldesk.casework.planning import plan_incident
from spilldesk.playbook.loader import load_playbook

playbook = load_playbook("ice-2022")
with store.session() as session:
    result = plan_incident(session, args[0], playbook=playbook, dry_run=False,
                           actor="planner", tz=ZoneInfo("America/New_York"))
print("planned", flush=True)
"""


def test_work_finished_during_a_replan_is_not_withdrawn(store: Store, tmp_path: Path,
                                                       settings) -> None:
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="planner", tz=ET)
        person = find_person(session, "A200000001")
        assert person is not None
        # withholding-only dismissed: now in removal proceedings (the plan drops issue_nta)
        person.posture = "removal_proceedings"
        task_id = session.execute(select(Task.id).where(
            Task.person_id == person.id, Task.action == "issue_nta")).scalar_one()
    with store.session() as session:
        # The officer waives the NTA task and has not committed yet...
        finish_task(session, task_id, status="waived", outcome="NTA not needed: served by CBP",
                    actor="officer")
        # ...while the planner re-plans the incident.
        second = start_second_officer(settings, REPLAN, NOV28)
        wait_until_blocked(session, second)
    out = outcome(second)
    assert out.strip() == "planned"
    with store.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        assert (task.status, task.done_by) == ("waived", "officer")
        withdrawn = session.execute(select(Task.action).where(
            Task.person_id == task.person_id, Task.status == "withdrawn")).scalars().all()
        assert sorted(withdrawn) == ["cancel_reinstatement_order",
                                     "move_to_dismiss_withholding_only"]
