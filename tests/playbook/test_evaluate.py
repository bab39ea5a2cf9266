"""The evaluator: merged by scope, dependencies resolved, deterministic, never skips a notice."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.final_order import final_order_status
from spilldesk.domain.posture import (
    ActionKind,
    AppealBy,
    Custody,
    OrderType,
    Posture,
    Scope,
)
from spilldesk.playbook import (
    IncidentFacts,
    PersonFacts,
    load_playbook,
    parse_playbook,
    plan_people,
    plan_person,
)

PLAYBOOK = parse_playbook(
    """
name: t
version: 1
rules:
  - id: everyone
    actions:
      - {action: notify_noncitizen, component: PRIVACY, due_days: 5}
      - {action: issue_nta, component: ERO, due_days: 10}
  - id: late-nta
    when: {incident: "LATE-*"}
    actions:
      - {action: issue_nta, component: ERO, due_days: 2}
      - {action: file_disclosure_notice_ij, component: OPLA, due_days: 3, depends_on: issue_nta,
         scope: incident}
  - id: detained-only
    when: {custody: [detained]}
    unless: {represented: true}
    actions:
      - {action: custody_redetermination, component: ERO, due_days: 1}
""",
    origin="t.yaml",
)

A = IncidentFacts("EARLY-1", date(2024, 1, 1))
B = IncidentFacts("LATE-2", date(2024, 1, 20))


def test_person_scoped_work_is_once_and_lists_every_incident() -> None:
    plan = plan_person(PLAYBOOK, PersonFacts("A000000001"), [B, A])
    ntas = [p for p in plan if p.action.value == "issue_nta"]
    assert len(ntas) == 1
    assert ntas[0].incidents == ("EARLY-1", "LATE-2")
    assert ntas[0].scope is Scope.PERSON
    # the earliest due date any incident gives: Jan 1 + 10 beats Jan 20 + 2
    assert ntas[0].due == date(2024, 1, 11)
    assert ntas[0].rules == ("everyone", "late-nta")


def test_notices_are_once_per_incident() -> None:
    plan = plan_person(PLAYBOOK, PersonFacts("A000000001"), [A, B])
    notices = [(p.incidents, p.due) for p in plan if p.kind is ActionKind.NOTICE]
    assert sorted(notices) == [(("EARLY-1",), date(2024, 1, 6)), (("LATE-2",), date(2024, 1, 25))]


def test_due_counts_from_the_dependency() -> None:
    plan = plan_person(PLAYBOOK, PersonFacts("A000000001"), [B])
    notice_ij = next(p for p in plan if p.action.value == "file_disclosure_notice_ij")
    # issue_nta is due Jan 22 (Jan 20 + 2); the IJ notice 3 days after it
    assert (notice_ij.incidents, notice_ij.due) == (("LATE-2",), date(2024, 1, 25))


def test_dependent_work_is_never_due_before_its_incident_started() -> None:
    plan = plan_person(PLAYBOOK, PersonFacts("A000000001"), [A, B])
    notice_ij = next(p for p in plan if p.action.value == "file_disclosure_notice_ij")
    # the merged issue_nta is due Jan 11, before LATE-2 began on Jan 20: count from Jan 20
    assert notice_ij.due == date(2024, 1, 23)


def test_conditions_and_unless() -> None:
    detained = plan_person(PLAYBOOK, PersonFacts("A1", custody=Custody.DETAINED), [A])
    represented = plan_person(
        PLAYBOOK, PersonFacts("A1", custody=Custody.DETAINED, represented=True), [A]
    )
    unknown = plan_person(PLAYBOOK, PersonFacts("A1"), [A])
    assert "custody_redetermination" in {p.action.value for p in detained}
    assert "custody_redetermination" not in {p.action.value for p in represented}
    assert "custody_redetermination" not in {p.action.value for p in unknown}


def test_same_input_same_plan_whatever_the_incident_order() -> None:
    person = PersonFacts("A1", custody=Custody.DETAINED)
    assert plan_person(PLAYBOOK, person, [A, B]) == plan_person(PLAYBOOK, person, [B, A])


persons = st.builds(
    PersonFacts,
    a_number=st.just("A000000001"),
    posture=st.none() | st.sampled_from(Posture),
    custody=st.none() | st.sampled_from(Custody),
    represented=st.booleans(),
    final_order=st.none() | st.booleans(),
    order_type=st.none() | st.sampled_from(OrderType),
    appeal_by=st.none() | st.sampled_from(AppealBy),
    motion_barred=st.none() | st.booleans(),
    return_decided=st.none() | st.booleans(),
)
incident_sets = st.lists(
    st.builds(
        IncidentFacts,
        id=st.sampled_from(["ICE-2022-11-28", "DHS-2022-12-07", "X-1"]),
        starts_on=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda i: i.id,
)


@given(persons, incident_sets)
def test_ice_2022_never_skips_the_protections(person: PersonFacts, incidents) -> None:  # type: ignore[no-untyped-def]
    plan = plan_person(load_playbook("ice-2022"), person, incidents)
    ids = {i.id for i in incidents}
    ids_list = sorted(ids)
    for code, systems in (("notify_noncitizen", 1), ("place_system_alert", 2)):
        per_incident = [
            p for p in plan if p.action.value == code and p.purpose in ("", "pii_disclosure")
        ]
        assert sorted(p.incidents[0] for p in per_incident) == sorted(ids_list * systems)
    # The hold is placed exactly where the one final-order rule says the person is held
    # (its own table test: tests/domain/test_final_order.py).
    order = final_order_status(person.posture, person.final_order, person.order_type,
                               person.custody)
    held = {p.incidents[0] for p in plan if p.kind is ActionKind.HOLD}
    assert held == (ids if order.status.held else set())
    corrections = [p for p in plan if p.action.value == "correct_registry_record"]
    assert len(corrections) == (order.problem is not None)
    keys = [p.key for p in plan]
    assert len(keys) == len(set(keys))
    starts = {i.id: i.starts_on for i in incidents}
    for action in plan:
        if action.due is not None:
            assert action.due >= min(starts[i] for i in action.incidents)
            assert action.due <= max(starts.values()) + timedelta(days=365)
        else:
            assert action.kind is ActionKind.COMMITMENT and action.trigger is not None


@given(st.lists(st.tuples(persons, incident_sets), min_size=1, max_size=8))
def test_plan_people_is_plan_person_for_each(situations) -> None:  # type: ignore[no-untyped-def]
    playbook = load_playbook("ice-2022")
    expected = [plan_person(playbook, person, incidents) for person, incidents in situations]
    assert list(plan_people(playbook, situations)) == expected
