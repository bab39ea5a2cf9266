"""What the evaluator reads (a person's posture, the incidents that exposed them) and writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spilldesk.domain.final_order import OrderFinding, final_order_status
from spilldesk.domain.posture import (
    ActionCode,
    ActionKind,
    AppealBy,
    Component,
    Custody,
    EventKind,
    OrderType,
    Posture,
    Scope,
)


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """A person's attributes the rules may test. An unknown flag (None) counts as false,
    except `final_order`: rules test the *derived* order (`order`), never the flag alone."""

    a_number: str
    posture: Posture | None = None
    custody: Custody | None = None
    represented: bool = False
    final_order: bool | None = None
    order_type: OrderType | None = None
    appeal_by: AppealBy | None = None
    motion_barred: bool | None = None
    return_decided: bool | None = None

    @property
    def order(self) -> OrderFinding:
        """The final-order status the registry facts add up to (blank or contradictory:
        uncertain, and held like an unexecuted order)."""
        return final_order_status(self.posture, self.final_order, self.order_type, self.custody)


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """An incident that exposed the person; `starts_on` is the day its response clock starts."""

    id: str
    starts_on: date


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One thing the plan holds for a person.

    `incidents` lists every incident behind it (several for a once-per-person legal task, one
    for an incident-scoped notice, hold or alert). `due` is None for a standing commitment: its
    task is due `due_days` after the triggering event is recorded.
    """

    action: ActionCode
    kind: ActionKind
    component: Component
    scope: Scope
    incidents: tuple[str, ...]
    due: date | None
    due_days: int
    depends_on: tuple[ActionCode, ...] = ()
    trigger: EventKind | None = None
    rules: tuple[str, ...] = ()
    purpose: str = ""

    @property
    def key(self) -> str:
        """Identity across re-plans: the same key means the same piece of work for a person."""
        incident = self.incidents[0] if self.scope is Scope.INCIDENT else ""
        parts = (self.kind.value, self.action.value, self.component.value, incident, self.purpose)
        return ":".join(parts).rstrip(":")


def incident_of_key(key: str) -> str:
    """The incident a planned row's key names; '' for once-per-person work (see `key`)."""
    parts = key.split("|", 1)[-1].split(":")
    return parts[3] if len(parts) > 3 else ""
