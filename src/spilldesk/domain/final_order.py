"""Is this person subject to a final order of removal that has not been executed?

The one home of that question (SPEC capability 6): the removal hold in clearance, the
playbook's `final_order` condition (true when held) and the data-quality task all read
`final_order_status`.

A final order is derived from the whole record, not only read from its `final_order` flag:
the seed's negative fear screenings end in an expedited removal or reinstated order, and
withholding-only proceedings follow a reinstated order. A record that is blank where it
matters, or whose parts contradict each other, is `UNCERTAIN`: it is held like an
unexecuted order (fail closed) and the privacy office is asked to correct it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from spilldesk.domain.posture import (
    Custody,
    OrderType,
    Posture,
    UnknownCode,
    parse_custody,
    parse_order_type,
    parse_posture,
)


class OrderStatus(StrEnum):
    NONE = "none"  # no final order: in proceedings, on appeal, or a positive fear screening
    UNEXECUTED = "unexecuted"  # a final order not yet carried out: held
    EXECUTED = "executed"  # removed under the order: nothing left to hold
    UNCERTAIN = "uncertain"  # blank or contradictory: held until a person corrects it

    @property
    def held(self) -> bool:
        """Whether removal waits the hold period after notice (SPEC `place_removal_hold`)."""
        return self in (OrderStatus.UNEXECUTED, OrderStatus.UNCERTAIN)


_SUMMARY = (OrderType.EXPEDITED_REMOVAL, OrderType.REINSTATEMENT)
# Postures that carry, or rule out, a final order; and the order types each allows.
_FINAL_BY_POSTURE: dict[Posture, tuple[bool, tuple[OrderType, ...]]] = {
    Posture.CREDIBLE_FEAR_POSITIVE: (False, (OrderType.EXPEDITED_REMOVAL,)),
    Posture.CREDIBLE_FEAR_NEGATIVE: (True, _SUMMARY),
    Posture.REASONABLE_FEAR_NEGATIVE: (True, _SUMMARY),
    Posture.WITHHOLDING_ONLY: (True, (OrderType.REINSTATEMENT,)),
    Posture.REMOVAL_PROCEEDINGS: (False, (OrderType.SECTION_240,)),
    Posture.BIA_APPEAL: (False, (OrderType.SECTION_240,)),
    Posture.FINAL_ORDER_UNEXECUTED: (True, tuple(OrderType)),
    Posture.FINAL_ORDER_EXECUTED: (True, tuple(OrderType)),
}


@dataclass(frozen=True, slots=True)
class OrderFinding:
    """The status, and for UNCERTAIN a short code saying what to correct (no person data)."""

    status: OrderStatus
    problem: str | None = None


def final_order_status(
    posture: Posture | None,
    final_order: bool | None,
    order_type: OrderType | None,
    custody: Custody | None,
) -> OrderFinding:
    """Derive the final-order status from a person's current registry facts."""
    if posture is None:
        return OrderFinding(OrderStatus.UNCERTAIN, "posture_blank")
    implied, allowed = _FINAL_BY_POSTURE[posture]
    if final_order is not None and final_order != implied:
        return OrderFinding(OrderStatus.UNCERTAIN, "final_order_contradicts_posture")
    if order_type is not None and order_type not in allowed:
        return OrderFinding(OrderStatus.UNCERTAIN, "order_type_contradicts_posture")
    if posture is Posture.FINAL_ORDER_EXECUTED:
        if custody is not Custody.REMOVED:
            problem = "custody_blank" if custody is None else "executed_order_not_removed"
            return OrderFinding(OrderStatus.UNCERTAIN, problem)
        return OrderFinding(OrderStatus.EXECUTED)
    if implied:
        if custody is Custody.REMOVED:
            return OrderFinding(OrderStatus.UNCERTAIN, "removed_with_unexecuted_order")
        return OrderFinding(OrderStatus.UNEXECUTED)
    if custody is Custody.REMOVED:
        return OrderFinding(OrderStatus.UNCERTAIN, "removed_without_final_order")
    return OrderFinding(OrderStatus.NONE)


def stored_order_status(
    posture: str | None, final_order: bool | None, order_type: str | None, custody: str | None
) -> OrderStatus:
    """The status of a stored record's codes; a code the desk cannot read is uncertain."""
    try:
        return final_order_status(
            parse_posture(posture) if posture else None,
            final_order,
            parse_order_type(order_type) if order_type else None,
            parse_custody(custody) if custody else None,
        ).status
    except UnknownCode:
        return OrderStatus.UNCERTAIN
