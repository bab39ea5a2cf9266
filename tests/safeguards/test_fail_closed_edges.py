"""The removal guarantee at its edges (issue #10): implied final orders, facts that change
after planning, backdated deliveries, a later incident planned in another process.

Each test failed on the code before the fix; each runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from spilldesk import clock
from spilldesk.casework.planning import plan_incident
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.notify.notices import Delivery, NoticeError, record_delivery
from spilldesk.playbook import load_playbook
from spilldesk.safeguards.clearance import clearance
from spilldesk.store.db import Store
from spilldesk.store.models import DeliveryAttempt, Exposure, Notice, Person, RemovalHold, Task
from spilldesk.store.people import find_people

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
ICE = load_playbook("ice-2022")
NOV28, DEC7 = "ICE-2022-11-28", "DHS-2022-12-07"
HEADER = "a_number,family_name,given_name,date_of_birth,custody,posture,final_order,order_type"
# Negative fear screenings and withholding-only: a final order the registry's flag leaves blank.
IMPLIED = {
    "A210000001": ("detained", "credible_fear_negative", "", ""),
    "A210000002": ("detained", "reasonable_fear_negative", "", "reinstatement"),
    "A210000003": ("released", "withholding_only", "", ""),
}
IN_PROCEEDINGS = {"A210000004": ("detained", "removal_proceedings", "false", "section_240")}
PRINTED = datetime(2022, 11, 30, 9, tzinfo=ET)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ET)


def write_registry(path: Path, people: dict[str, tuple[str, str, str, str]]) -> Path:
    rows = [HEADER] + [
        f"{a},FAMILIA{n},NOMBRE{n},1980-03-{n + 1:02d},{custody},{posture},{final},{order}"
        for n, (a, (custody, posture, final, order)) in enumerate(sorted(people.items()))
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def build(store: Store, tmp_path: Path, people: dict[str, tuple[str, str, str, str]],
          exposed: dict[str, list[str]]) -> dict[str, int]:
    with store.session() as session:
        import_file(session, write_registry(tmp_path / "persons.csv", people), kind="persons",
                    actor="test", tz=ET)
        for incident_id, start in ((NOV28, at("2022-11-28T09:45")), (DEC7, at("2022-12-07T11:20"))):
            open_incident(session, IncidentSpec(incident_id, incident_id, start, start),
                          actor="test")
    ids = person_ids(store, list(people))
    expose(store, exposed, ids)
    return ids


def person_ids(store: Store, a_numbers: list[str]) -> dict[str, int]:
    with store.session() as session:
        return {a: p.id for a, p in find_people(session, a_numbers).items()}


def expose(store: Store, exposed: dict[str, list[str]], ids: dict[str, int]) -> None:
    with store.session() as session:
        for incident_id, a_numbers in exposed.items():
            for a in a_numbers:
                session.add(Exposure(incident_id=incident_id, person_id=ids[a], source="manual",
                                     created_by="test"))


def plan(store: Store, incident_id: str) -> None:
    with store.session() as session:
        plan_incident(session, incident_id, playbook=ICE, dry_run=False, actor="test",
                      tz=ET)


def print_notices(store: Store) -> None:
    with store.session() as session:
        session.execute(update(Notice).values(generated_at=PRINTED))


def hand_deliver(store: Store, incident_id: str, a_number: str, when: datetime) -> None:
    with store.session() as session:
        record_delivery(session, incident_id, a_number, "noncitizen",
                        Delivery("delivered", when, "hand", "Officer Diaz", "Krome"),
                        actor="test")


def check(store: Store, a_number: str, on: date):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return clearance(session, a_number, on, actor="test", tz=ET)


def test_an_implied_final_order_is_held_after_notice(store: Store, tmp_path: Path) -> None:
    """Edge 3: negative fear and withholding-only people with `final_order` blank were
    cleared the day after notice; they wait the 30-day hold."""
    build(store, tmp_path, {**IMPLIED, **IN_PROCEEDINGS}, {NOV28: [*IMPLIED, *IN_PROCEEDINGS]})
    plan(store, NOV28)
    print_notices(store)
    served = at("2022-12-01T10:00")
    for a_number in [*IMPLIED, *IN_PROCEEDINGS]:
        hand_deliver(store, NOV28, a_number, served)
    for a_number in IMPLIED:
        answer = check(store, a_number, date(2022, 12, 2))
        assert not answer.cleared, a_number
        assert {r.code.value for r in answer.reasons} == {"removal_hold"}
        assert answer.blocked_until == date(2022, 12, 31) + timedelta(days=1)
        assert check(store, a_number, date(2023, 1, 1)).cleared
    # Someone in proceedings (no final order) is cleared once notice was provided.
    assert check(store, "A210000004", date(2022, 12, 2)).cleared
    with store.session() as session:
        held = session.execute(select(RemovalHold.person_id)).scalars().all()
    assert len(held) == len(IMPLIED)


def test_a_blank_or_contradictory_record_is_held_and_sent_for_correction(
    store: Store, tmp_path: Path
) -> None:
    people = {
        "A210000011": ("detained", "", "", ""),  # posture blank
        "A210000012": ("detained", "removal_proceedings", "true", ""),  # flag contradicts
        "A210000013": ("released", "credible_fear_positive", "", "section_240"),
    }
    ids = build(store, tmp_path, people, {NOV28: list(people)})
    plan(store, NOV28)
    print_notices(store)
    for a_number in people:
        hand_deliver(store, NOV28, a_number, at("2022-12-01T10:00"))
        answer = check(store, a_number, date(2022, 12, 10))
        assert [r.code.value for r in answer.reasons] == ["removal_hold"], a_number
    with store.session() as session:
        tasks = session.execute(select(Task.person_id, Task.component).where(
            Task.action == "correct_registry_record")).all()
    assert sorted(tasks) == sorted((pid, "PRIVACY") for pid in ids.values())


def test_a_final_order_recorded_after_planning_holds_at_once(
    store: Store, tmp_path: Path
) -> None:
    """Edge 4: a re-import as final_order_unexecuted after `plan` left the person without a
    hold until someone re-planned. Now the re-import re-plans them, and clearance reads the
    current facts even before any plan does."""
    ids = build(store, tmp_path, IN_PROCEEDINGS, {NOV28: list(IN_PROCEEDINGS)})
    plan(store, NOV28)
    print_notices(store)
    hand_deliver(store, NOV28, "A210000004", at("2022-12-01T10:00"))
    assert check(store, "A210000004", date(2022, 12, 2)).cleared
    changed = {"A210000004": ("detained", "final_order_unexecuted", "true", "section_240")}
    with store.session() as session:
        report = import_file(session, write_registry(tmp_path / "again.csv", changed),
                             kind="persons", actor="test", tz=ET)
    assert report.updated == 1 and report.replanned == {NOV28: 1}
    answer = check(store, "A210000004", date(2022, 12, 2))
    assert not answer.cleared and [r.code.value for r in answer.reasons] == ["removal_hold"]
    with store.session() as session:
        hold = session.execute(select(RemovalHold).where(
            RemovalHold.person_id == ids["A210000004"])).scalar_one()
        assert hold.incident_id == NOV28
        actions = set(session.execute(select(Task.action).where(
            Task.person_id == ids["A210000004"], Task.status == "open")).scalars())
    assert "file_disclosure_notice_ij" not in actions  # no longer in proceedings


def test_clearance_reads_current_facts_whatever_wrote_them(store: Store, tmp_path: Path) -> None:
    """However a posture changes (here: a direct write, no service, no re-plan), the very
    next clearance check holds the person."""
    build(store, tmp_path, IN_PROCEEDINGS, {NOV28: list(IN_PROCEEDINGS)})
    plan(store, NOV28)
    print_notices(store)
    hand_deliver(store, NOV28, "A210000004", at("2022-12-01T10:00"))
    with store.session() as session:
        for person in session.execute(select(Person)).scalars():  # the posture is sealed
            person.posture, person.order_type, person.final_order = (
                "credible_fear_negative", None, None)
    answer = check(store, "A210000004", date(2022, 12, 5))
    assert [r.code.value for r in answer.reasons] == ["removal_hold"]


@pytest.mark.parametrize(("when", "complaint"), [
    ("2022-11-29T10:00", "before notice .* was generated"),  # printed Nov 30
    ("2022-11-28T08:00", "before the disclosure"),  # before the incident, and its discovery
    ("2999-01-01T10:00", "in the future"),
])
def test_a_backdated_or_future_delivery_is_refused(store: Store, tmp_path: Path, when: str,
                                                   complaint: str) -> None:
    """Edge 5: a hand delivery dated before its notice was generated was recorded and
    started the hold clock in the past."""
    build(store, tmp_path, IMPLIED, {NOV28: list(IMPLIED)})
    plan(store, NOV28)
    print_notices(store)
    with pytest.raises(NoticeError, match=complaint):
        hand_deliver(store, NOV28, "A210000001", at(when))
    with store.session() as session:
        assert session.execute(select(DeliveryAttempt)).first() is None
    assert check(store, "A210000001", date(2023, 6, 1)).blocked_until is None


def test_a_notice_not_yet_generated_cannot_be_delivered(store: Store, tmp_path: Path) -> None:
    build(store, tmp_path, IMPLIED, {NOV28: list(IMPLIED)})
    plan(store, NOV28)
    with pytest.raises(NoticeError, match="has not been generated yet"):
        hand_deliver(store, NOV28, "A210000001", at("2022-12-01T10:00"))


def test_a_hand_delivery_names_who_and_where(store: Store, tmp_path: Path) -> None:
    build(store, tmp_path, IMPLIED, {NOV28: list(IMPLIED)})
    plan(store, NOV28)
    print_notices(store)
    with store.session() as session, pytest.raises(NoticeError, match="location"):
        record_delivery(session, NOV28, "A210000001", "noncitizen",
                        Delivery("delivered", at("2022-12-01T10:00"), "hand", "Officer Diaz"),
                        actor="test")


def test_a_correction_is_a_new_record_and_the_clock_follows_it(
    store: Store, tmp_path: Path
) -> None:
    build(store, tmp_path, IN_PROCEEDINGS, {NOV28: list(IN_PROCEEDINGS)})
    plan(store, NOV28)
    print_notices(store)
    hand_deliver(store, NOV28, "A210000004", at("2022-12-01T10:00"))
    assert check(store, "A210000004", date(2022, 12, 2)).cleared
    with store.session() as session:
        first = session.execute(select(DeliveryAttempt)).scalar_one()
        with pytest.raises(NoticeError, match="note"):  # a correction says why
            record_delivery(session, NOV28, "A210000004", "noncitizen",
                            Delivery("void", at("2022-12-05T10:00"), corrects=first.id),
                            actor="test")
    with store.session() as session:
        record_delivery(session, NOV28, "A210000004", "noncitizen",
                        Delivery("void", at("2022-12-05T10:00"), corrects=first.id,
                                 note="served the wrong person's packet"), actor="test")
    # The corrected delivery no longer counts: notice not provided, blocked again.
    answer = check(store, "A210000004", date(2022, 12, 2))
    assert [r.code.value for r in answer.reasons] == ["notice_not_provided"]
    with store.session() as session:
        records = session.execute(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).scalars()
        kept = [(r.status, r.corrects_id) for r in records]
        notice = session.execute(select(Notice)).scalar_one()
        assert notice.status == "generated"
    assert kept == [("delivered", None), ("void", first.id)]  # nothing edited, nothing lost
    with store.session() as session, pytest.raises(NoticeError, match="already corrected"):
        record_delivery(session, NOV28, "A210000004", "noncitizen",
                        Delivery("void", at("2022-12-05T10:00"), corrects=first.id,
                                 note="again"), actor="test")
    hand_deliver(store, NOV28, "A210000004", at("2022-12-06T10:00"))
    assert check(store, "A210000004", date(2022, 12, 7)).cleared


def spilldesk(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in a process of its own."""
    command = [str(Path(sys.executable).with_name("spilldesk")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ), check=False)


def test_a_later_incident_is_planned_in_another_process(store: Store, tmp_path: Path) -> None:
    """Edge 6: `plan nov28`, then nine days later (another process) `plan dec7` for people
    already planned in nov28 died with IntegrityError on tasks.key and a traceback."""
    ids = build(store, tmp_path, {**IMPLIED, **IN_PROCEEDINGS},
                {NOV28: [*IMPLIED, *IN_PROCEEDINGS]})
    first = spilldesk("plan", NOV28, "--json")
    assert first.returncode == 0, first.stderr
    expose(store, {DEC7: list(IMPLIED)}, ids)  # the Dec 7 list, linked a week later
    second = spilldesk("plan", DEC7, "--json")
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    with store.session() as session:
        tasks = session.execute(select(Task).where(
            Task.person_id == ids["A210000001"], Task.action == "issue_nta")).scalars().all()
        assert len(tasks) == 1  # once per person, listing both incidents
        assert sorted(link.incident_id for link in tasks[0].incidents) == [DEC7, NOV28]
        holds = session.execute(select(RemovalHold.incident_id).where(
            RemovalHold.person_id == ids["A210000001"])).scalars().all()
        assert sorted(holds) == [DEC7, NOV28]
        redeterminations = session.execute(select(Task).where(
            Task.person_id == ids["A210000001"],
            Task.action == "custody_redetermination")).scalars().all()
        assert len(redeterminations) == 1
    again = spilldesk("plan", DEC7, "--json")
    assert again.returncode == 0 and '"added": 0' in again.stdout


def test_the_replayed_clock_is_the_desks_clock() -> None:
    moment = at("2022-12-01T10:00")
    with clock.replaying(moment):
        assert abs((clock.now() - moment).total_seconds()) < 5
        assert clock.today(ET) == date(2022, 12, 1)
    assert clock.now().year >= 2026
