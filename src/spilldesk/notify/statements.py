"""Which statements a notice makes, each chosen by one rule.

A detained person reads one letter, once, often through an interpreter: the letter may say only
what is true for that reader. Every sentence a notice packet can print has a key here, and a
rule over the notice's facts (posture × custody × represented × incident) decides whether it
is printed. The words for each key live in one place per language
(`notify/wording/<language>.yaml`); the templates only lay the chosen keys out in sections.

`tests/notify/letter_table.py` is the table of situations and the statements each must and
must not carry; `tests/notify/test_letter_statements.py` checks it in every language.
"""

from __future__ import annotations

from collections.abc import Callable

from spilldesk.notify.notice_facts import DisclosureKind, NoticeFacts

Rule = Callable[[NoticeFacts], bool]

# Elements a government receiving a removal list already holds for removal processing: telling
# it which listed people were in a leak revealed their status, not these.
HELD_FOR_REMOVAL = frozenset({"name", "date_of_birth", "nationality"})
DISCLOSURE_STATUS = "disclosure_status"

FINAL = ("final_order_unexecuted", "final_order_executed")
EXPEDITED = ("expedited_removal", "reinstatement")


def _posture(*postures: str) -> Rule:
    return lambda n: n.case.posture in postures


def _executed(n: NoticeFacts) -> bool:
    return n.case.posture == "final_order_executed"


def _foreign(n: NoticeFacts) -> bool:
    return n.incident.kind == DisclosureKind.FOREIGN_GOVERNMENT


def _reveals_status(n: NoticeFacts) -> bool:
    return n.incident.earlier_disclosure_on is not None


def _by_dhs(n: NoticeFacts) -> bool:
    """The component whose mistake it was. Fail closed: a foreign-government disclosure with
    no recorded component is not pinned on ICE."""
    component = (n.incident.originating_component or "").upper()
    if component:
        return component != "ICE"
    return _foreign(n)


def _held(n: NoticeFacts) -> bool:
    return n.case.hold_applies


def _extended(n: NoticeFacts) -> bool:
    return _held(n) and n.incident.extension is not None


def _extension(kind: str) -> Rule:
    return lambda n: _extended(n) and n.incident.extension is not None \
        and n.incident.extension.kind == kind


def _alert(state: str) -> Rule:
    return lambda n: n.case.alert == state and not (_executed(n) and not n.case.represented)


def _pro_se_executed_alert(state: str) -> Rule:
    return lambda n: _executed(n) and not n.case.represented and n.case.alert == state


# Letter statements in the order they are printed, by section. A rule returning True prints it.
LETTER: dict[str, dict[str, Rule]] = {
    "opening": {
        "opening_ice": lambda n: not _by_dhs(n),
        "opening_dhs": _by_dhs,
    },
    "what_happened": {
        "happened_website": lambda n: not _foreign(n),
        "happened_foreign": lambda n: _foreign(n) and _reveals_status(n),
        "happened_foreign_other": lambda n: _foreign(n) and not _reveals_status(n),
    },
    "what_was_disclosed": {
        # A status-only disclosure is told by the next statement; a list would repeat it.
        "elements_listed": lambda n: letter_elements(n) != (DISCLOSURE_STATUS,)
        or not _reveals_status(n),
        "elements_already_held": _reveals_status,
    },
    "what_ice_is_doing": {
        "pause": _held,
        "pause_extended_days": _extension("days"),
        "pause_extended_until": _extension("until"),
        "pause_extended_indefinitely": _extension("indefinite"),
        # Hand delivery: the officer writes the day (and the end, while it is a count of days).
        "pause_received_on": lambda n: _held(n) and n.channel == "hand",
        "pause_ends_blank": lambda n: _held(n) and n.channel == "hand" and (
            n.incident.extension is None or n.incident.extension.kind == "days"),
        "no_removal_before_notice": lambda n: not _held(n) and not _executed(n),
        "alert_placed": _alert("placed"),
        "alert_pending": _alert("pending"),
        "custody_review": lambda n: n.case.custody_review,
        "alerts_240_next_encounter": _pro_se_executed_alert("placed"),
        "alerts_240_next_encounter_pending": lambda n: _executed(n) and not n.case.represented
        and n.case.alert != "placed",
        "monitoring_and_clawback": lambda n: not _foreign(n),
    },
    "what_you_can_do": {
        "nta_as_usual": _posture("credible_fear_positive"),
        "nta_despite_negative": _posture("credible_fear_negative", "reasonable_fear_negative"),
        "dismiss_withholding_only": _posture("withholding_only"),
        "court_notice_ij": _posture("credible_fear_positive", "removal_proceedings"),
        "court_notice_bia": _posture("bia_appeal"),
        "apply_again": _posture("credible_fear_positive"),
        "apply_in_new_proceedings": _posture(
            "credible_fear_negative", "reasonable_fear_negative", "withholding_only"),
        "apply_or_add": lambda n: n.case.posture not in (
            "credible_fear_positive", "credible_fear_negative", "reasonable_fear_negative",
            "withholding_only", *FINAL),
        "remand_not_opposed": _posture("bia_appeal"),
        "dhs_appeal_reviewed": lambda n: n.case.posture == "bia_appeal"
        and n.case.appeal_by == "dhs",
        "reopen_not_opposed": _posture("final_order_unexecuted"),
        "joint_motion": lambda n: n.case.posture == "final_order_unexecuted"
        and n.case.motion_barred,
        "representative_240_on_return": lambda n: _executed(n) and n.case.represented
        and n.case.order_type in EXPEDITED,
        "representative_reopen_240": lambda n: _executed(n) and n.case.represented
        and n.case.order_type not in EXPEDITED,
        "return_facilitated": lambda n: _executed(n) and n.case.represented,
        "protection_on_encounter": lambda n: _executed(n) and not n.case.represented,
    },
    "help": {
        "lawyer_may_help": lambda n: True,
        "representative_copy": lambda n: n.case.represented,
        "translation_service": lambda n: n.case.detained,
    },
    "contact": {
        "contact_call": lambda n: bool(n.office.phone),
        "contact_write": lambda n: True,
    },
}

# The FAQ sheet's questions, each printed only when its answer is true for the reader.
FAQ: dict[str, Rule] = {
    "faq_why": lambda n: True,
    "faq_before_notice": lambda n: not _executed(n),
    "faq_pause": _held,
    "faq_when_provided": lambda n: not _executed(n),
    "faq_protection": lambda n: not _executed(n),
    "faq_reopen": _posture("final_order_unexecuted"),
    "faq_removed_represented": lambda n: _executed(n) and n.case.represented,
    "faq_removed_pro_se": lambda n: _executed(n) and not n.case.represented,
    "faq_lawyer": lambda n: True,
    "faq_language_custody": lambda n: n.case.detained,
    "faq_language": lambda n: not n.case.detained,
    "faq_contact": lambda n: True,
}

# The letter that tells a person whose notice went out that the pause was extended.
EXTENSION: dict[str, Rule] = {
    "extension_intro": lambda n: True,
    "extension_new_date": lambda n: n.case.hold_until is not None,
    # No known end (extended indefinitely, or no provided notice to count from): say so.
    "extension_until_further_notice": lambda n: n.case.hold_until is None,
    "translation_service": lambda n: n.case.detained,
    "contact_call": lambda n: bool(n.office.phone),
    "extension_contact": lambda n: True,
}

SECTIONS = tuple(LETTER)
STATEMENTS = tuple(dict.fromkeys(
    [key for rules in LETTER.values() for key in rules] + list(FAQ) + list(EXTENSION)))


def letter_statements(facts: NoticeFacts) -> dict[str, tuple[str, ...]]:
    """Section → the statements the letter prints in it, in order."""
    return {section: tuple(key for key, rule in rules.items() if rule(facts))
            for section, rules in LETTER.items()}


def faq_statements(facts: NoticeFacts) -> tuple[str, ...]:
    return tuple(key for key, rule in FAQ.items() if rule(facts))


def extension_statements(facts: NoticeFacts) -> tuple[str, ...]:
    return tuple(key for key, rule in EXTENSION.items() if rule(facts))


def statements_for(facts: NoticeFacts) -> frozenset[str]:
    """Every statement of the packet (letter and FAQ sheet)."""
    chosen = {key for keys in letter_statements(facts).values() for key in keys}
    return frozenset(chosen | set(faq_statements(facts)))


def letter_elements(facts: NoticeFacts) -> tuple[str, ...]:
    """The data elements the letter says were disclosed. A disclosure that told a government
    which people on its own removal list were in an earlier leak revealed their status, not
    the names, dates of birth and nationality that government already held."""
    if not _reveals_status(facts):
        return facts.data_elements
    return tuple(e for e in facts.data_elements if e not in HELD_FOR_REMOVAL) \
        or (DISCLOSURE_STATUS,)

