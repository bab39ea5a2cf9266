import pytest

from spilldesk.domain.posture import (
    ActionCode,
    AppealBy,
    Component,
    Custody,
    OrderType,
    Posture,
    UnknownCode,
    parse_action_code,
    parse_appeal_by,
    parse_component,
    parse_custody,
    parse_custody_decision,
    parse_event_kind,
    parse_order_type,
    parse_posture,
)

SPEC_POSTURES = [
    "credible_fear_positive",
    "credible_fear_negative",
    "reasonable_fear_negative",
    "withholding_only",
    "removal_proceedings",
    "bia_appeal",
    "final_order_unexecuted",
    "final_order_executed",
]

SPEC_ACTIONS = [
    "place_removal_hold",
    "place_system_alert",
    "place_cbp_alert",
    "notify_noncitizen",
    "notify_representative",
    "issue_nta",
    "file_disclosure_notice_ij",
    "file_disclosure_notice_bia",
    "custody_redetermination",
    "move_to_dismiss_withholding_only",
    "cancel_reinstatement_order",
    "do_not_oppose_remand",
    "review_dhs_appeal",
    "do_not_oppose_motion_to_reopen",
    "joint_motion_to_reopen",
    "contact_representative_re_return",
    "facilitate_return",
    "reopen_proceedings_on_request",
    "place_in_240_on_return",
]


def test_vocabulary_is_exactly_the_spec() -> None:
    assert [p.value for p in Posture] == SPEC_POSTURES
    # The SPEC's codes, and the desk's own safeguard for a record it cannot judge.
    assert sorted(a.value for a in ActionCode) == sorted([*SPEC_ACTIONS, "correct_registry_record"])
    assert {c.value for c in Component} == {"OPLA", "ERO", "CBP", "PRIVACY"}


@pytest.mark.parametrize("code", SPEC_POSTURES)
def test_every_posture_round_trips(code: str) -> None:
    assert parse_posture(code).value == code


def test_parse_is_forgiving_about_case_spaces_and_hyphens() -> None:
    assert parse_posture(" Credible-Fear Positive ") is Posture.CREDIBLE_FEAR_POSITIVE
    assert parse_appeal_by("DHS") is AppealBy.DHS
    assert parse_custody("Detained") is Custody.DETAINED
    assert parse_order_type("section-240") is OrderType.SECTION_240
    assert parse_component("opla") is Component.OPLA
    assert parse_action_code("ISSUE_NTA") is ActionCode.ISSUE_NTA
    assert parse_event_kind("person returned").value == "person_returned"
    assert parse_custody_decision("bond").value == "bond"


@pytest.mark.parametrize(
    ("parse", "text", "what"),
    [
        (parse_posture, "asylum_pending", "posture"),
        (parse_action_code, "move_to_dimiss", "action"),
        (parse_custody, "paroled", "custody"),
        (parse_component, "USCIS", "component"),
    ],
)
def test_unknown_code_names_field_and_lists_valid(parse, text: str, what: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownCode) as err:
        parse(text)
    message = str(err.value)
    assert message.startswith(f"unknown {what} {text!r}")
    assert "expected one of:" in message


def test_unknown_code_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_posture("")
