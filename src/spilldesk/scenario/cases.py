"""A person's immigration case: posture and the attributes that must agree with it.

Consistency rules (checked by `is_consistent`, documented in docs/scenario.md):
- credible_fear_positive: in the expedited-removal process, no final order;
- credible_fear_negative: an expedited removal order, final;
- reasonable_fear_negative and withholding_only: a reinstated order, final;
- removal_proceedings and bia_appeal: section 240, not final; only bia_appeal has appeal_by;
- final_order_unexecuted: final, any order type; motion_barred only on a section 240 order;
- final_order_executed: final, any order type, and only for people already removed;
  return_decided only here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from spilldesk.domain.posture import AppealBy, Custody, OrderType, Posture
from spilldesk.scenario.weighted import Weighted

_FIXED_ORDER: dict[Posture, OrderType] = {
    Posture.CREDIBLE_FEAR_POSITIVE: OrderType.EXPEDITED_REMOVAL,
    Posture.CREDIBLE_FEAR_NEGATIVE: OrderType.EXPEDITED_REMOVAL,
    Posture.REASONABLE_FEAR_NEGATIVE: OrderType.REINSTATEMENT,
    Posture.WITHHOLDING_ONLY: OrderType.REINSTATEMENT,
    Posture.REMOVAL_PROCEEDINGS: OrderType.SECTION_240,
    Posture.BIA_APPEAL: OrderType.SECTION_240,
}
FINAL_POSTURES = frozenset(
    {
        Posture.CREDIBLE_FEAR_NEGATIVE,
        Posture.REASONABLE_FEAR_NEGATIVE,
        Posture.WITHHOLDING_ONLY,
        Posture.FINAL_ORDER_UNEXECUTED,
        Posture.FINAL_ORDER_EXECUTED,
    }
)
_ORDER_TYPES = (OrderType.SECTION_240, OrderType.EXPEDITED_REMOVAL, OrderType.REINSTATEMENT)
_P = Posture
POSTURE_SHARES: dict[Custody, tuple[tuple[Posture, float], ...]] = {
    Custody.DETAINED: (
        (_P.CREDIBLE_FEAR_POSITIVE, 0.10), (_P.CREDIBLE_FEAR_NEGATIVE, 0.08),
        (_P.REASONABLE_FEAR_NEGATIVE, 0.04), (_P.WITHHOLDING_ONLY, 0.04),
        (_P.REMOVAL_PROCEEDINGS, 0.30), (_P.BIA_APPEAL, 0.07), (_P.FINAL_ORDER_UNEXECUTED, 0.37),
    ),
    Custody.RELEASED: (
        (_P.CREDIBLE_FEAR_POSITIVE, 0.25), (_P.CREDIBLE_FEAR_NEGATIVE, 0.02),
        (_P.REASONABLE_FEAR_NEGATIVE, 0.01), (_P.WITHHOLDING_ONLY, 0.03),
        (_P.REMOVAL_PROCEEDINGS, 0.50), (_P.BIA_APPEAL, 0.09), (_P.FINAL_ORDER_UNEXECUTED, 0.10),
    ),
    Custody.REMOVED: ((_P.FINAL_ORDER_EXECUTED, 1.0),),
}
# What the people removed after a date had as their posture on that date.
BEFORE_REMOVAL: tuple[tuple[Posture, float], ...] = (
    (_P.FINAL_ORDER_UNEXECUTED, 0.7), (_P.CREDIBLE_FEAR_NEGATIVE, 0.2),
    (_P.REASONABLE_FEAR_NEGATIVE, 0.1),
)


@dataclass(frozen=True)
class Case:
    posture: Posture
    order_type: OrderType
    appeal_by: AppealBy | None = None
    motion_barred: bool = False
    return_decided: bool = False

    @property
    def final_order(self) -> bool:
        return self.posture in FINAL_POSTURES


_SHARES = {custody: Weighted.of(shares) for custody, shares in POSTURE_SHARES.items()}
_BEFORE_REMOVAL = Weighted.of(BEFORE_REMOVAL)
_ORDER_TYPE = Weighted(_ORDER_TYPES, (0.5, 0.3, 0.2))


def case_for(rng: random.Random, posture: Posture) -> Case:
    """A consistent case for a posture, its free attributes drawn at random."""
    order_type = _FIXED_ORDER.get(posture) or _ORDER_TYPE.pick(rng)
    appeal_by = None
    if posture is Posture.BIA_APPEAL:
        appeal_by = AppealBy.DHS if rng.random() < 0.2 else AppealBy.RESPONDENT
    barred = (
        posture in (Posture.FINAL_ORDER_UNEXECUTED, Posture.FINAL_ORDER_EXECUTED)
        and order_type is OrderType.SECTION_240
        and rng.random() < 0.3
    )
    decided = posture is Posture.FINAL_ORDER_EXECUTED and rng.random() < 0.03
    return Case(posture, order_type, appeal_by, barred, decided)


def draw_case(rng: random.Random, custody: Custody) -> Case:
    return case_for(rng, _SHARES[custody].pick(rng))


def draw_case_before_removal(rng: random.Random) -> Case:
    return case_for(rng, _BEFORE_REMOVAL.pick(rng))


def executed(case: Case, rng: random.Random) -> Case:
    """The same order, now carried out."""
    return replace(
        case,
        posture=Posture.FINAL_ORDER_EXECUTED,
        appeal_by=None,
        motion_barred=case.motion_barred and case.order_type is OrderType.SECTION_240,
        return_decided=rng.random() < 0.03,
    )


def is_consistent(case: Case, custody: Custody) -> bool:
    """Whether a case's attributes agree with its posture and the person's custody."""
    posture = case.posture
    fixed = _FIXED_ORDER.get(posture)
    checks = (
        fixed is None or case.order_type is fixed,
        (case.appeal_by is not None) == (posture is Posture.BIA_APPEAL),
        not case.motion_barred or case.order_type is OrderType.SECTION_240,
        not case.motion_barred or posture in (_P.FINAL_ORDER_UNEXECUTED, _P.FINAL_ORDER_EXECUTED),
        not case.return_decided or posture is Posture.FINAL_ORDER_EXECUTED,
        (posture is Posture.FINAL_ORDER_EXECUTED) == (custody is Custody.REMOVED),
    )
    return all(checks)
