"""Custody redeterminations: case-by-case decisions with a rationale, closing the person's task.

The seed: "ERO will conduct custody redeterminations, on a case-by-case basis, to assess
whether a detained noncitizen should be paroled from custody or remain detained". Each
decision is recorded (continue detention, parole, release on recognizance, or bond with its
amount), says why and who decided, and closes the person's open custody_redetermination task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.tasks import TaskError, finish_task, person_by_a_number
from spilldesk.domain.posture import (
    ActionCode,
    CustodyDecisionKind,
    UnknownCode,
    parse_custody_decision,
)
from spilldesk.errors import ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import CustodyDecision, Task


class CustodyError(ServiceError):
    """A decision that cannot be recorded; the message names the option at fault."""


@dataclass(frozen=True)
class CustodyResult:
    decision_id: int
    a_number: str  # masked
    decision: str
    bond_amount: int | None
    decided_by: str
    decided_at: datetime
    task_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {"decision_id": self.decision_id, "a_number": self.a_number,
                "decision": self.decision, "bond_amount": self.bond_amount,
                "decided_by": self.decided_by, "decided_at": self.decided_at.isoformat(),
                "task": self.task_id}


def decide_custody(
    session: Session, a_number: str, *, decision: str, rationale: str, actor: str,
    bond_amount: int | None = None, at: datetime | None = None,
) -> CustodyResult:
    """Record a custody redetermination and close the person's open redetermination task."""
    kind = _decision(decision, bond_amount)
    if not rationale.strip():
        raise CustodyError("--rationale: a case-by-case decision says why")
    try:
        person = person_by_a_number(session, a_number, actor=actor, purpose="custody.decide")
    except TaskError as exc:
        raise CustodyError(str(exc)) from None
    task = session.execute(
        select(Task).where(Task.person_id == person.id,
                           Task.action == ActionCode.CUSTODY_REDETERMINATION.value,
                           Task.status == "open").order_by(Task.id)
    ).scalars().first()
    when = at or clock.now()
    row = CustodyDecision(person_id=person.id, task_id=task.id if task else None,
                          decision=kind.value, rationale=rationale.strip(),
                          bond_amount=bond_amount, decided_by=actor, decided_at=when)
    session.add(row)
    session.flush()
    if task is not None:
        outcome = kind.value + (f" (${bond_amount:,})" if bond_amount else "")
        finish_task(session, task.id, status="done", outcome=outcome, actor=actor, at=when)
    record_event(session, actor=actor, action="custody.decide", object_type="person",
                 object_id=person.id, detail={"decision": kind.value, "decision_id": row.id,
                                              "task": task.id if task else None})
    return CustodyResult(row.id, f"A*****{person.a_number_tail}", kind.value, bond_amount,
                         actor, when, task.id if task else None)


def _decision(decision: str, bond_amount: int | None) -> CustodyDecisionKind:
    try:
        kind = parse_custody_decision(decision)
    except UnknownCode as exc:
        raise CustodyError(f"--decision: {exc}") from None
    if kind is CustodyDecisionKind.BOND and (bond_amount is None or bond_amount <= 0):
        raise CustodyError("--bond-amount: a bond decision needs a positive amount in dollars")
    if kind is not CustodyDecisionKind.BOND and bond_amount is not None:
        raise CustodyError(f"--bond-amount: only a bond decision has an amount, not {kind.value}")
    return kind


def decisions_for(session: Session, person_id: int) -> list[CustodyDecision]:
    query = select(CustodyDecision).where(CustodyDecision.person_id == person_id)
    return list(session.execute(query.order_by(CustodyDecision.decided_at)).scalars())
