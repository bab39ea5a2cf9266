"""Bad playbooks are refused with a message naming the playbook, the rule and the key."""

from pathlib import Path

import pytest

from spilldesk.playbook import PlaybookError, load_playbook, parse_playbook, shipped_playbooks

GOOD_RULE = """
  - id: withholding-only
    when: {posture: withholding_only}
    actions:
      - {action: move_to_dismiss_withholding_only, component: OPLA, due_days: 14}
"""


def _playbook(rules: str, header: str = "name: test\nversion: 3\n") -> str:
    return header + "rules:\n" + rules


def _error(text: str) -> str:
    with pytest.raises(PlaybookError) as err:
        parse_playbook(text, origin="test.yaml")
    return str(err.value)


def test_good_playbook_loads_with_version_as_text() -> None:
    playbook = parse_playbook(_playbook(GOOD_RULE), origin="test.yaml")
    assert (playbook.name, playbook.version, [r.id for r in playbook.rules]) == (
        "test",
        "3",
        ["withholding-only"],
    )


def test_unknown_action_names_rule_and_action() -> None:
    message = _error(
        _playbook(GOOD_RULE.replace("move_to_dismiss_withholding_only", "move_to_dimiss"))
    )
    assert message.startswith(
        "playbook test, rule 'withholding-only': unknown action 'move_to_dimiss'"
    )
    assert "actions[0].action" in message


def test_unknown_condition_key_is_named() -> None:
    message = _error(_playbook(GOOD_RULE.replace("{posture:", "{postur:")))
    assert message.startswith("playbook test, rule 'withholding-only': when.postur:")


def test_unknown_posture_in_a_list_is_named() -> None:
    rule = GOOD_RULE.replace("{posture: withholding_only}", "{posture: [bia_appeal, asylum]}")
    assert "unknown posture 'asylum'" in _error(_playbook(rule))


def test_unknown_component() -> None:
    assert "unknown component 'USCIS'" in _error(_playbook(GOOD_RULE.replace("OPLA", "USCIS")))


def test_negative_due_days() -> None:
    message = _error(_playbook(GOOD_RULE.replace("due_days: 14", "due_days: -1")))
    assert "rule 'withholding-only': actions[0].due_days:" in message


def test_rule_without_id_is_named_by_position() -> None:
    rule = "  - when: {}\n    actions: [{action: issue_nta, component: ERO}]\n"
    assert _error(_playbook(GOOD_RULE + rule)).startswith("playbook test, rule #2: id:")


def test_dependency_outside_the_rule() -> None:
    rule = (
        GOOD_RULE + "      - {action: issue_nta, component: ERO, depends_on: facilitate_return}\n"
    )
    assert "depends on 'facilitate_return', which this rule does not ask for" in _error(
        _playbook(rule)
    )


def test_dependency_cycle_across_rules() -> None:
    rules = """
  - id: a
    actions:
      - {action: issue_nta, component: ERO}
      - {action: cancel_reinstatement_order, component: ERO, depends_on: issue_nta}
  - id: b
    actions:
      - {action: cancel_reinstatement_order, component: ERO}
      - {action: issue_nta, component: ERO, depends_on: cancel_reinstatement_order}
"""
    message = _error(_playbook(rules))
    assert message.startswith("playbook test: dependency cycle:")


def test_duplicate_rule_ids() -> None:
    assert "rule 'withholding-only': duplicate rule id" in _error(_playbook(GOOD_RULE * 2))


@pytest.mark.parametrize(
    ("effect", "complaint"),
    [
        ("{action: notify_noncitizen, component: ERO, scope: person}", "once per incident"),
        ("{action: issue_nta, component: ERO, kind: commitment}", "needs a 'trigger'"),
        (
            "{action: place_removal_hold, component: ERO, trigger: request_received}",
            "'place_removal_hold' is a hold, not a commitment",
        ),
        ("{action: issue_nta, component: ERO, kind: alert}", "cannot be kind 'alert'"),
        ("{action: issue_nta, component: ERO, trigger: lunch}", "unknown event 'lunch'"),
        ("{action: issue_nta, component: ERO, purpose: x}", "only alerts have a 'purpose'"),
    ],
)
def test_effects_that_make_no_sense(effect: str, complaint: str) -> None:
    rule = f"  - id: odd\n    actions:\n      - {effect}\n"
    message = _error(_playbook(rule))
    assert message.startswith("playbook test, rule 'odd':")
    assert complaint in message


def test_not_yaml_and_not_a_mapping() -> None:
    assert _error("name: [unclosed\n").startswith("playbook test.yaml: not valid YAML (line")
    assert "expected a mapping" in _error("- just a list\n")


def test_missing_rules() -> None:
    assert _error("name: test\nversion: 1\n").startswith("playbook test: rules:")


def test_load_by_name_or_file(tmp_path: Path) -> None:
    assert "ice-2022" in shipped_playbooks()
    assert load_playbook("ice-2022").name == "ice-2022"
    path = tmp_path / "mine.yaml"
    path.write_text(_playbook(GOOD_RULE), encoding="utf-8")
    assert load_playbook(path).name == "test"
    with pytest.raises(PlaybookError, match="no such file or shipped playbook"):
        load_playbook(tmp_path / "absent.yaml")
