"""The shipped ice-2022 playbook against expectations written from ICE's account (the seed).

The table below is read off the seed's sections, not off the YAML: if the YAML drifts from the
seed, these fail.
"""

from datetime import date

import pytest

from spilldesk.domain.posture import ActionKind, AppealBy, Custody, OrderType, Posture
from spilldesk.playbook import IncidentFacts, PersonFacts, load_playbook, plan_person

NOV28 = IncidentFacts("ICE-2022-11-28", date(2022, 11, 28))
DEC7 = IncidentFacts("DHS-2022-12-07", date(2022, 12, 7))

# Everyone exposed gets these, whatever their posture ("alerts ... on all noncitizens whose PII
# was inadvertently made public"; "separate notifications for each incident").
EVERYONE = {"place_system_alert", "notify_noncitizen"}

P = Posture
D, R, X = Custody.DETAINED, Custody.RELEASED, Custody.REMOVED
ER, REIN, S240 = OrderType.EXPEDITED_REMOVAL, OrderType.REINSTATEMENT, OrderType.SECTION_240

# (posture, custody, represented, extra facts) -> (work beyond EVERYONE, standing commitments)
SEED_TABLE = [
    # "placed in removal proceedings and issued a Notice to Appear ... OPLA will submit written
    # notice ... to the immigration judge"; "ERO will conduct custody redeterminations"
    (
        (P.CREDIBLE_FEAR_POSITIVE, D, True, {}),
        {
            "issue_nta",
            "file_disclosure_notice_ij",
            "custody_redetermination",
            "notify_representative",
        },
        set(),
    ),
    ((P.CREDIBLE_FEAR_POSITIVE, R, False, {}), {"issue_nta", "file_disclosure_notice_ij"}, set()),
    # "negative credible or reasonable fear ... will be issued NTAs"; custody redeterminations.
    # Their expedited removal or reinstated order is final and not executed: "subject to a
    # final order ... delayed their removal" (SPEC: the posture implies the order), so held.
    (
        (P.CREDIBLE_FEAR_NEGATIVE, D, False, {}),
        {"issue_nta", "custody_redetermination", "place_removal_hold"},
        set(),
    ),
    (
        (P.REASONABLE_FEAR_NEGATIVE, D, False, {}),
        {"issue_nta", "custody_redetermination", "place_removal_hold"},
        set(),
    ),
    ((P.REASONABLE_FEAR_NEGATIVE, R, False, {}), {"issue_nta", "place_removal_hold"}, set()),
    # "OPLA will move to dismiss ... to allow ERO to cancel the reinstatement order and issue
    # an NTA" (until it is cancelled the reinstated order stands: held)
    (
        (P.WITHHOLDING_ONLY, D, False, {}),
        {
            "place_removal_hold",
            "move_to_dismiss_withholding_only",
            "cancel_reinstatement_order",
            "issue_nta",
            "custody_redetermination",
        },
        set(),
    ),
    # "In immigration court, OPLA will submit written notice ... to the immigration judge";
    # "OPLA will not oppose motions to remand"
    (
        (P.REMOVAL_PROCEEDINGS, D, False, {}),
        {"file_disclosure_notice_ij"},
        {"do_not_oppose_remand"},
    ),
    # "pending appeal before the BIA, OPLA will submit written notice ... to the BIA"
    (
        (P.BIA_APPEAL, D, True, {"appeal_by": AppealBy.RESPONDENT}),
        {"file_disclosure_notice_bia", "notify_representative"},
        {"do_not_oppose_remand"},
    ),
    # "pending DHS appeal, OPLA will consider whether continued pursuit ... is warranted"
    (
        (P.BIA_APPEAL, R, False, {"appeal_by": AppealBy.DHS}),
        {"file_disclosure_notice_bia", "review_dhs_appeal"},
        {"do_not_oppose_remand"},
    ),
    # "subject to a final order ... delayed their removal"; "will not oppose motion to reopen"
    (
        (P.FINAL_ORDER_UNEXECUTED, D, False, {"final_order": True, "motion_barred": False}),
        {"place_removal_hold"},
        {"do_not_oppose_motion_to_reopen"},
    ),
    # "numerically or time barred ... OPLA will agree to filing a joint motion to reopen"
    (
        (P.FINAL_ORDER_UNEXECUTED, R, False, {"final_order": True, "motion_barred": True}),
        {"place_removal_hold"},
        {"joint_motion_to_reopen"},
    ),
    # EXECUTED, represented: contact the representative; ER/reinstatement -> 240 upon return
    (
        (P.FINAL_ORDER_EXECUTED, X, True, {"final_order": True, "order_type": ER}),
        {"contact_representative_re_return", "notify_representative"},
        {"place_in_240_on_return", "facilitate_return"},
    ),
    (
        (P.FINAL_ORDER_EXECUTED, X, True, {"final_order": True, "order_type": REIN}),
        {"contact_representative_re_return", "notify_representative"},
        {"place_in_240_on_return", "facilitate_return"},
    ),
    # "previously removed under an INA 240 removal order, ICE will reopen ... on request"
    (
        (P.FINAL_ORDER_EXECUTED, X, True, {"final_order": True, "order_type": S240}),
        {"contact_representative_re_return", "notify_representative"},
        {"reopen_proceedings_on_request", "facilitate_return"},
    ),
    # "a decision has been made to return the noncitizen ... ICE will facilitate the return"
    (
        (
            P.FINAL_ORDER_EXECUTED,
            X,
            True,
            {"final_order": True, "order_type": S240, "return_decided": True},
        ),
        {"contact_representative_re_return", "notify_representative", "facilitate_return"},
        {"reopen_proceedings_on_request"},
    ),
    # pro se: "ICE will place an alert in its systems, and will coordinate with CBP"
    (
        (P.FINAL_ORDER_EXECUTED, X, False, {"final_order": True, "order_type": ER}),
        {"place_cbp_alert"},
        {"place_in_240_on_return", "facilitate_return"},
    ),
]


def _person(posture: Posture, custody: Custody, represented: bool, extra: dict) -> PersonFacts:
    return PersonFacts("A012345678", posture, custody, represented, **extra)


@pytest.mark.parametrize(("facts", "work", "commitments"), SEED_TABLE)
def test_nov_28_postures_get_what_the_seed_promises(facts, work, commitments) -> None:  # type: ignore[no-untyped-def]
    plan = plan_person(load_playbook("ice-2022"), _person(*facts), [NOV28])
    got_work = {a.action.value for a in plan if a.kind is not ActionKind.COMMITMENT}
    got_commitments = {a.action.value for a in plan if a.kind is ActionKind.COMMITMENT}
    assert got_work == EVERYONE | work
    assert got_commitments == commitments


def test_alerts_go_to_both_ero_and_opla_systems_per_incident() -> None:
    person = _person(P.REMOVAL_PROCEEDINGS, R, False, {})
    plan = plan_person(load_playbook("ice-2022"), person, [NOV28, DEC7])
    alerts = {(a.component.value, a.incidents) for a in plan if a.kind is ActionKind.ALERT}
    assert alerts == {
        (system, (incident.id,)) for system in ("ERO", "OPLA") for incident in (NOV28, DEC7)
    }


def test_pro_se_executed_orders_get_alerts_for_section_240_at_next_encounter() -> None:
    person = _person(P.FINAL_ORDER_EXECUTED, X, False, {"final_order": True, "order_type": ER})
    plan = plan_person(load_playbook("ice-2022"), person, [NOV28])
    alerts = {(a.component.value, a.purpose) for a in plan if a.kind is ActionKind.ALERT}
    purpose = "section_240_at_next_encounter"
    assert alerts == {
        ("ERO", "pii_disclosure"),
        ("OPLA", "pii_disclosure"),
        ("ERO", purpose),
        ("CBP", purpose),
    }


def test_detained_are_served_by_hand_others_by_mail() -> None:
    playbook = load_playbook("ice-2022")
    for custody, owner in ((D, "ERO"), (R, "PRIVACY"), (X, "PRIVACY"), (None, "PRIVACY")):
        person = PersonFacts("A012345678", P.REMOVAL_PROCEEDINGS, custody)
        notices = [a for a in plan_person(playbook, person, [NOV28]) if a.kind is ActionKind.NOTICE]
        assert [(n.action.value, n.component.value) for n in notices] == [
            ("notify_noncitizen", owner)
        ]


def test_dec_7_adds_custody_redetermination_for_every_detained_person() -> None:
    playbook = load_playbook("ice-2022")
    for posture in (P.REMOVAL_PROCEEDINGS, P.BIA_APPEAL, P.FINAL_ORDER_UNEXECUTED):
        detained = plan_person(playbook, PersonFacts("A012345678", posture, D), [DEC7])
        released = plan_person(playbook, PersonFacts("A012345678", posture, R), [DEC7])
        only_nov = plan_person(playbook, PersonFacts("A012345678", posture, D), [NOV28])
        assert "custody_redetermination" in {a.action.value for a in detained}
        assert "custody_redetermination" not in {a.action.value for a in released}
        assert "custody_redetermination" not in {a.action.value for a in only_nov}


def test_dec_7_follows_the_nov_28_procedures_by_posture() -> None:
    playbook = load_playbook("ice-2022")
    for facts, work, commitments in SEED_TABLE:
        plan = plan_person(playbook, _person(*facts), [DEC7])
        redetermination = {"custody_redetermination"}
        got = {a.action.value for a in plan} - redetermination
        assert got == (EVERYONE | work | commitments) - redetermination


def test_implied_final_order_places_the_hold_with_the_flag_blank() -> None:
    playbook = load_playbook("ice-2022")
    for posture in (P.CREDIBLE_FEAR_NEGATIVE, P.REASONABLE_FEAR_NEGATIVE, P.WITHHOLDING_ONLY):
        person = PersonFacts("A012345678", posture, D, final_order=None)
        holds = [a for a in plan_person(playbook, person, [NOV28]) if a.kind is ActionKind.HOLD]
        assert [h.incidents for h in holds] == [(NOV28.id,)], posture


def test_blank_or_contradictory_record_is_held_and_sent_for_correction() -> None:
    playbook = load_playbook("ice-2022")
    for person in (
        PersonFacts("A012345678", None, D),  # posture blank
        PersonFacts("A012345678", P.REMOVAL_PROCEEDINGS, D, final_order=True),
        PersonFacts("A012345678", P.CREDIBLE_FEAR_NEGATIVE, D, order_type=S240),
        PersonFacts("A012345678", P.FINAL_ORDER_EXECUTED, D, final_order=True),
    ):
        plan = plan_person(playbook, person, [NOV28, DEC7])
        codes = [(a.action.value, a.component.value, a.incidents) for a in plan]
        assert ("place_removal_hold", "ERO", (NOV28.id,)) in codes, person
        assert ("place_removal_hold", "ERO", (DEC7.id,)) in codes, person
        assert ("correct_registry_record", "PRIVACY", (DEC7.id, NOV28.id)) in codes, person
    clean = PersonFacts("A012345678", P.REMOVAL_PROCEEDINGS, D, final_order=False)
    assert "correct_registry_record" not in {a.action.value for a in plan_person(
        playbook, clean, [NOV28])}


def test_final_order_flag_places_the_hold_whatever_the_posture() -> None:
    playbook = load_playbook("ice-2022")
    person = PersonFacts("A012345678", P.CREDIBLE_FEAR_NEGATIVE, D, final_order=True)
    holds = [a for a in plan_person(playbook, person, [NOV28, DEC7]) if a.kind is ActionKind.HOLD]
    assert sorted((h.action.value, h.incidents) for h in holds) == [
        ("place_removal_hold", (DEC7.id,)),
        ("place_removal_hold", (NOV28.id,)),
    ]
    executed = PersonFacts("A012345678", P.FINAL_ORDER_EXECUTED, X, final_order=True)
    assert not [a for a in plan_person(playbook, executed, [NOV28]) if a.kind is ActionKind.HOLD]


def test_withholding_only_steps_follow_each_other() -> None:
    person = _person(P.WITHHOLDING_ONLY, D, False, {})
    plan = {a.action.value: a for a in plan_person(load_playbook("ice-2022"), person, [NOV28])}
    dismiss = plan["move_to_dismiss_withholding_only"]
    cancel = plan["cancel_reinstatement_order"]
    nta = plan["issue_nta"]
    assert dismiss.component.value == "OPLA" and cancel.component.value == "ERO"
    assert cancel.depends_on == (dismiss.action,) and nta.depends_on == (cancel.action,)
    assert dismiss.due is not None and cancel.due is not None and nta.due is not None
    assert NOV28.starts_on < dismiss.due < cancel.due < nta.due
