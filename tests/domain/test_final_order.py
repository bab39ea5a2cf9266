"""The final-order rule, as a table read from the SPEC and the seed (not from the code)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.final_order import OrderStatus, final_order_status, stored_order_status
from spilldesk.domain.posture import Custody, OrderType, Posture

P, C, T = Posture, Custody, OrderType
NONE, UNEXECUTED, EXECUTED, UNCERTAIN = (
    OrderStatus.NONE, OrderStatus.UNEXECUTED, OrderStatus.EXECUTED, OrderStatus.UNCERTAIN)

TABLE = [
    # SPEC: credible_fear_negative / reasonable_fear_negative (expedited removal or
    # reinstatement order), withholding_only (reinstatement order), final_order_unexecuted
    # imply a final order — the flag may be blank.
    ((P.CREDIBLE_FEAR_NEGATIVE, None, None, C.DETAINED), UNEXECUTED),
    ((P.CREDIBLE_FEAR_NEGATIVE, None, T.EXPEDITED_REMOVAL, C.RELEASED), UNEXECUTED),
    ((P.REASONABLE_FEAR_NEGATIVE, None, T.REINSTATEMENT, C.DETAINED), UNEXECUTED),
    ((P.REASONABLE_FEAR_NEGATIVE, True, None, None), UNEXECUTED),
    ((P.WITHHOLDING_ONLY, None, T.REINSTATEMENT, C.DETAINED), UNEXECUTED),
    ((P.FINAL_ORDER_UNEXECUTED, None, T.SECTION_240, C.RELEASED), UNEXECUTED),
    ((P.FINAL_ORDER_UNEXECUTED, True, None, C.DETAINED), UNEXECUTED),
    # No final order: positive fear screening, proceedings, appeal.
    ((P.CREDIBLE_FEAR_POSITIVE, None, None, C.DETAINED), NONE),
    ((P.CREDIBLE_FEAR_POSITIVE, False, T.EXPEDITED_REMOVAL, C.RELEASED), NONE),
    ((P.REMOVAL_PROCEEDINGS, False, T.SECTION_240, C.DETAINED), NONE),
    ((P.BIA_APPEAL, None, None, None), NONE),
    # Executed: the person was removed under it; nothing left to hold.
    ((P.FINAL_ORDER_EXECUTED, True, T.EXPEDITED_REMOVAL, C.REMOVED), EXECUTED),
    ((P.FINAL_ORDER_EXECUTED, None, None, C.REMOVED), EXECUTED),
    # Blank or contradictory: held, and corrected by a person.
    ((None, None, None, C.DETAINED), UNCERTAIN),
    ((None, False, None, C.RELEASED), UNCERTAIN),
    ((None, True, T.SECTION_240, C.DETAINED), UNCERTAIN),
    ((P.REMOVAL_PROCEEDINGS, True, None, C.DETAINED), UNCERTAIN),
    ((P.CREDIBLE_FEAR_NEGATIVE, False, None, C.DETAINED), UNCERTAIN),
    ((P.CREDIBLE_FEAR_NEGATIVE, None, T.SECTION_240, C.DETAINED), UNCERTAIN),
    ((P.WITHHOLDING_ONLY, None, T.SECTION_240, C.DETAINED), UNCERTAIN),
    ((P.BIA_APPEAL, None, T.REINSTATEMENT, C.RELEASED), UNCERTAIN),
    ((P.FINAL_ORDER_EXECUTED, True, None, C.DETAINED), UNCERTAIN),
    ((P.FINAL_ORDER_EXECUTED, True, None, None), UNCERTAIN),
    ((P.FINAL_ORDER_UNEXECUTED, True, None, C.REMOVED), UNCERTAIN),
    ((P.CREDIBLE_FEAR_NEGATIVE, None, None, C.REMOVED), UNCERTAIN),
    ((P.REMOVAL_PROCEEDINGS, None, None, C.REMOVED), UNCERTAIN),
]


@pytest.mark.parametrize(("facts", "expected"), TABLE)
def test_final_order_status(facts, expected) -> None:  # type: ignore[no-untyped-def]
    finding = final_order_status(*facts)
    assert finding.status is expected
    assert (finding.problem is not None) == (expected is UNCERTAIN)


@pytest.mark.parametrize(("facts", "expected"), TABLE)
def test_held_exactly_while_an_order_may_be_waiting(facts, expected) -> None:  # type: ignore[no-untyped-def]
    assert final_order_status(*facts).status.held == (expected in (UNEXECUTED, UNCERTAIN))


def test_stored_codes_that_cannot_be_read_are_uncertain() -> None:
    assert stored_order_status("credible_fear_negative", None, None, "detained") is UNEXECUTED
    assert stored_order_status("not_a_posture", False, None, "detained") is UNCERTAIN
    assert stored_order_status("removal_proceedings", False, "section_240", "jail") is UNCERTAIN


@given(
    st.none() | st.sampled_from(Posture),
    st.none() | st.booleans(),
    st.none() | st.sampled_from(OrderType),
    st.none() | st.sampled_from(Custody),
)
def test_a_flag_saying_final_never_releases_a_hold(posture, flag, order_type, custody) -> None:  # type: ignore[no-untyped-def]
    """Fail closed: a record that says "final order" is held unless it says "executed"
    consistently (the person removed under it)."""
    status = final_order_status(posture, True if flag is None else flag, order_type, custody)
    if flag in (True, None) and posture is not Posture.FINAL_ORDER_EXECUTED:
        assert status.status.held
