"""Recording case events turns the person's standing commitments into tasks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from spilldesk.casework.events import EventError, record_case_event
from spilldesk.casework.planning import plan_incident
from spilldesk.store.db import Store
from spilldesk.store.models import CaseEvent, Commitment, Person, Task
from tests.casework.test_planning import DEC7, ICE, NOV28, build_desk

pytestmark = pytest.mark.db
ET = ZoneInfo("America/New_York")


@pytest.fixture
def planned(store: Store, tmp_path: Path) -> Store:
    with store.session() as session:
        build_desk(session, tmp_path)
        plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="planner", tz=ET)
        plan_incident(session, DEC7, playbook=ICE, dry_run=False, actor="planner", tz=ET)
    return store


def test_motion_to_remand_becomes_a_task_due_per_playbook(planned: Store) -> None:
    at = datetime(2023, 1, 10, 16, 0, tzinfo=ET)
    with planned.session() as session:
        result = record_case_event(session, "A200000003", "motion to remand filed", at=at,
                                   note="filed citing the disclosure", actor="opla", tz=ET)
        assert [t.action for t in result.tasks] == ["do_not_oppose_remand"]
        task = result.tasks[0]
        assert (task.component, task.status, task.due) == ("OPLA", "open", date(2023, 1, 20))
        assert task.incidents == (NOV28,)
        commitment = session.execute(select(Commitment).where(
            Commitment.action == "do_not_oppose_remand")).scalar_one()
        assert (commitment.status, commitment.task_id) == ("triggered", task.id)
        assert session.execute(select(CaseEvent.kind)).scalars().all() == [
            "motion_to_remand_filed"]
        again = record_case_event(session, "A200000003", "motion_to_remand_filed", at=at,
                                  actor="opla", tz=ET)
        assert again.tasks == []  # a commitment turns into work once


def test_events_that_match_no_commitment_are_still_recorded(planned: Store) -> None:
    with planned.session() as session:
        result = record_case_event(session, "A200000001", "person_returned", actor="t",
                                   tz=ET)
        assert result.tasks == [] and result.a_number == "A*****0001"
        assert session.execute(select(CaseEvent)).scalar_one().kind == "person_returned"


def test_return_decided_then_replanned_is_not_planned_twice(planned: Store) -> None:
    with planned.session() as session:
        result = record_case_event(session, "A200000004", "return_decided", actor="ero",
                                   tz=ET)
        assert [t.action for t in result.tasks] == ["facilitate_return"]
        person = session.execute(select(Person).where(Person.a_number_tail == "0004")).scalar_one()
        person.return_decided = True  # the system of record catches up
        replan = plan_incident(session, NOV28, playbook=ICE, dry_run=False, actor="planner", tz=ET)
        assert replan.changes["added"] == 0
        tasks = session.execute(select(Task.action).where(
            Task.person_id == person.id, Task.action == "facilitate_return")).scalars().all()
        assert tasks == ["facilitate_return"]


def test_bad_events(planned: Store) -> None:
    with planned.session() as session:
        with pytest.raises(EventError, match="--kind: unknown event 'lunch'"):
            record_case_event(session, "A200000001", "lunch", actor="t", tz=ET)
        with pytest.raises(EventError, match="--at"):
            record_case_event(session, "A200000001", "person_returned",
                              at=datetime(2023, 1, 1), actor="t", tz=ET)
        with pytest.raises(EventError, match=r"no person A\*\*\*\*\*0000"):
            record_case_event(session, "A999990000", "person_returned", actor="t", tz=ET)
