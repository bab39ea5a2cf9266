"""The response vocabulary: procedural postures, person attributes, components and action codes.

These are the codes of SPEC "Postures and actions". Every layer (registry import, playbook,
planning, web) speaks them through this one module, so a typo is caught where it is typed.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TypeVar

from spilldesk.errors import ServiceError


class UnknownCode(ServiceError):
    """A text that is not one of a vocabulary's codes; the message lists the valid ones."""


class Posture(StrEnum):
    """A person's procedural posture, as the seed's sections name them."""

    CREDIBLE_FEAR_POSITIVE = "credible_fear_positive"
    CREDIBLE_FEAR_NEGATIVE = "credible_fear_negative"
    REASONABLE_FEAR_NEGATIVE = "reasonable_fear_negative"
    WITHHOLDING_ONLY = "withholding_only"
    REMOVAL_PROCEEDINGS = "removal_proceedings"
    BIA_APPEAL = "bia_appeal"
    FINAL_ORDER_UNEXECUTED = "final_order_unexecuted"
    FINAL_ORDER_EXECUTED = "final_order_executed"


class AppealBy(StrEnum):
    """Who appealed to the BIA: it changes what OPLA does (a DHS appeal may be withdrawn)."""

    RESPONDENT = "respondent"
    DHS = "dhs"


class Custody(StrEnum):
    DETAINED = "detained"
    RELEASED = "released"
    REMOVED = "removed"


class OrderType(StrEnum):
    EXPEDITED_REMOVAL = "expedited_removal"
    REINSTATEMENT = "reinstatement"
    SECTION_240 = "section_240"


class Component(StrEnum):
    """The ICE / DHS component that owns a piece of work."""

    OPLA = "OPLA"
    ERO = "ERO"
    CBP = "CBP"
    PRIVACY = "PRIVACY"


class ActionKind(StrEnum):
    """What a planned action is: work for a person, or a protective effect."""

    TASK = "task"
    HOLD = "hold"
    ALERT = "alert"
    NOTICE = "notice"
    COMMITMENT = "commitment"


class ActionCode(StrEnum):
    PLACE_REMOVAL_HOLD = "place_removal_hold"
    PLACE_SYSTEM_ALERT = "place_system_alert"
    PLACE_CBP_ALERT = "place_cbp_alert"
    NOTIFY_NONCITIZEN = "notify_noncitizen"
    NOTIFY_REPRESENTATIVE = "notify_representative"
    ISSUE_NTA = "issue_nta"
    FILE_DISCLOSURE_NOTICE_IJ = "file_disclosure_notice_ij"
    FILE_DISCLOSURE_NOTICE_BIA = "file_disclosure_notice_bia"
    CUSTODY_REDETERMINATION = "custody_redetermination"
    MOVE_TO_DISMISS_WITHHOLDING_ONLY = "move_to_dismiss_withholding_only"
    CANCEL_REINSTATEMENT_ORDER = "cancel_reinstatement_order"
    DO_NOT_OPPOSE_REMAND = "do_not_oppose_remand"
    REVIEW_DHS_APPEAL = "review_dhs_appeal"
    DO_NOT_OPPOSE_MOTION_TO_REOPEN = "do_not_oppose_motion_to_reopen"
    JOINT_MOTION_TO_REOPEN = "joint_motion_to_reopen"
    CONTACT_REPRESENTATIVE_RE_RETURN = "contact_representative_re_return"
    FACILITATE_RETURN = "facilitate_return"
    REOPEN_PROCEEDINGS_ON_REQUEST = "reopen_proceedings_on_request"
    PLACE_IN_240_ON_RETURN = "place_in_240_on_return"
    # Not a playbook choice: the desk's own safeguard for a record it cannot judge
    # (spilldesk.domain.final_order: blank or contradictory → held, and corrected by a person).
    CORRECT_REGISTRY_RECORD = "correct_registry_record"


class EventKind(StrEnum):
    """Later events in a person's case that turn standing commitments into tasks."""

    MOTION_TO_REMAND_FILED = "motion_to_remand_filed"
    MOTION_TO_REOPEN_FILED = "motion_to_reopen_filed"
    REQUEST_RECEIVED = "request_received"
    PERSON_RETURNED = "person_returned"
    RETURN_DECIDED = "return_decided"


class CustodyDecisionKind(StrEnum):
    """The outcomes of a case-by-case custody redetermination."""

    CONTINUE_DETENTION = "continue_detention"
    PAROLE = "parole"
    RELEASE_ON_RECOGNIZANCE = "release_on_recognizance"
    BOND = "bond"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    WAIVED = "waived"
    WITHDRAWN = "withdrawn"


class Scope(StrEnum):
    """Once per person (legal work, however many incidents ask) or once per incident."""

    PERSON = "person"
    INCIDENT = "incident"


E = TypeVar("E", bound=StrEnum)


@cache
def _members(enum: type[E]) -> dict[str, E]:
    return {member.value.casefold(): member for member in enum}


def _parse(enum: type[E], what: str, text: str) -> E:
    key = text.strip().replace("-", "_").replace(" ", "_")
    member: E | None = _members(enum).get(key.casefold())
    if member is not None:
        return member
    valid = ", ".join(member.value for member in enum)
    raise UnknownCode(f"unknown {what} {text!r}; expected one of: {valid}")


def parse_posture(text: str) -> Posture:
    return _parse(Posture, "posture", text)


def parse_appeal_by(text: str) -> AppealBy:
    return _parse(AppealBy, "appeal_by", text)


def parse_custody(text: str) -> Custody:
    return _parse(Custody, "custody", text)


def parse_order_type(text: str) -> OrderType:
    return _parse(OrderType, "order_type", text)


def parse_component(text: str) -> Component:
    return _parse(Component, "component", text)


def parse_action_code(text: str) -> ActionCode:
    return _parse(ActionCode, "action", text)


def parse_action_kind(text: str) -> ActionKind:
    return _parse(ActionKind, "kind", text)


def parse_event_kind(text: str) -> EventKind:
    return _parse(EventKind, "event", text)


def parse_custody_decision(text: str) -> CustodyDecisionKind:
    return _parse(CustodyDecisionKind, "custody decision", text)


def parse_task_status(text: str) -> TaskStatus:
    return _parse(TaskStatus, "task status", text)
