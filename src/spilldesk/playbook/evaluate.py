"""The evaluator: a person's facts and the incidents that exposed them → the actions they need.

Pure and deterministic. Every rule is tried once per incident (rules may test the incident);
what several rules or incidents ask for is merged by key: a person-scoped action once per
person listing every incident behind it, an incident-scoped one once per incident. A due date
counts from the incident's start, or from the due date of the action it depends on; when
several rules ask for the same action the earliest due date wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fnmatch import fnmatchcase

from spilldesk.domain.posture import ActionCode, ActionKind, Component, Scope
from spilldesk.playbook.case_facts import IncidentFacts, PersonFacts, PlannedAction
from spilldesk.playbook.loader import dependency_order
from spilldesk.playbook.schema import Conditions, Effect, Playbook, Rule

_KIND_ORDER = {kind: index for index, kind in enumerate(ActionKind)}
_ACTION_ORDER = {code: index for index, code in enumerate(ActionCode)}

Key = tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class _Ask:
    """One rule asking for one effect because of one incident."""

    rule: Rule
    effect: Effect
    incident: IncidentFacts


def matches(conditions: Conditions, person: PersonFacts, incident: IncidentFacts) -> bool:
    """True when every condition given holds for this person and incident."""
    listed = (
        (conditions.posture, person.posture),
        (conditions.custody, person.custody),
        (conditions.order_type, person.order_type),
        (conditions.appeal_by, person.appeal_by),
    )
    if any(allowed is not None and value not in allowed for allowed, value in listed):
        return False
    flags = (
        (conditions.represented, person.represented),
        # Subject to a final order not yet executed, or may be (spilldesk.domain.final_order).
        (conditions.final_order, person.order.status.held),
        (conditions.motion_barred, person.motion_barred),
        (conditions.return_decided, person.return_decided),
    )
    if any(wanted is not None and bool(value) is not wanted for wanted, value in flags):
        return False
    patterns = conditions.incident
    return patterns is None or any(
        fnmatchcase(incident.id.casefold(), pattern.casefold()) for pattern in patterns
    )


def rule_applies(rule: Rule, person: PersonFacts, incident: IncidentFacts) -> bool:
    if not matches(rule.when, person, incident):
        return False
    return not any(matches(unless, person, incident) for unless in rule.unless)


def plan_person(
    playbook: Playbook, person: PersonFacts, incidents: Sequence[IncidentFacts]
) -> list[PlannedAction]:
    """Every action the playbook holds for this person, merged, with due dates resolved."""
    asks: dict[Key, list[_Ask]] = {}
    for incident in sorted(incidents, key=lambda i: i.id):
        for rule in playbook.rules:
            if rule_applies(rule, person, incident):
                for effect in rule.actions:
                    asks.setdefault(_key(effect, incident), []).append(_Ask(rule, effect, incident))
    planned: dict[Key, PlannedAction] = {}
    rank = {code: index for index, code in enumerate(dependency_order(playbook))}
    for key in sorted(asks, key=lambda k: (rank[ActionCode(k[1])], k)):
        planned[key] = _merge(asks[key], planned)
    safeguard = _record_correction(person, incidents)
    extra = [safeguard] if safeguard is not None else []
    return sorted([*planned.values(), *extra], key=_display_order)


CORRECTION_DUE_DAYS = 2
CORRECTION_RULE = "desk: uncertain-final-order"


def _record_correction(
    person: PersonFacts, incidents: Sequence[IncidentFacts]
) -> PlannedAction | None:
    """Whatever the playbook, a record the desk cannot judge goes to the privacy office.

    The person is held meanwhile (spilldesk.domain.final_order); the task asks a person to
    correct the registry so that the right procedures apply.
    """
    if person.order.problem is None or not incidents:
        return None
    return PlannedAction(
        action=ActionCode.CORRECT_REGISTRY_RECORD,
        kind=ActionKind.TASK,
        component=Component.PRIVACY,
        scope=Scope.PERSON,
        incidents=tuple(sorted({i.id for i in incidents})),
        due=min(i.starts_on for i in incidents) + timedelta(days=CORRECTION_DUE_DAYS),
        due_days=CORRECTION_DUE_DAYS,
        rules=(CORRECTION_RULE,),
    )


def plan_people(
    playbook: Playbook, people: Iterable[tuple[PersonFacts, Sequence[IncidentFacts]]]
) -> Iterator[list[PlannedAction]]:
    """`plan_person` for many people, in order; people with the same facts share one plan.

    A plan depends on a person's attributes and incidents, never on who they are, so an
    incident of thousands of people needs only as many evaluations as distinct situations.
    """
    memo: dict[tuple[PersonFacts, frozenset[IncidentFacts]], list[PlannedAction]] = {}
    for person, incidents in people:
        key = (replace(person, a_number=""), frozenset(incidents))
        if key not in memo:
            memo[key] = plan_person(playbook, person, incidents)
        yield memo[key]


def _key(effect: Effect, incident: IncidentFacts) -> Key:
    scoped = incident.id if effect.resolved_scope is Scope.INCIDENT else ""
    kind, action = effect.resolved_kind.value, effect.action.value
    return (kind, action, effect.component.value, scoped, effect.purpose or "")


def _merge(asks: list[_Ask], planned: dict[Key, PlannedAction]) -> PlannedAction:
    first = asks[0].effect
    is_commitment = first.resolved_kind is ActionKind.COMMITMENT
    dues = [] if is_commitment else [_due(ask, planned) for ask in asks]
    return PlannedAction(
        action=first.action,
        kind=first.resolved_kind,
        component=first.component,
        scope=first.resolved_scope,
        incidents=tuple(sorted({ask.incident.id for ask in asks})),
        due=min(dues) if dues else None,
        due_days=min(ask.effect.due_days for ask in asks),
        depends_on=tuple(sorted({a.effect.depends_on for a in asks if a.effect.depends_on})),
        trigger=first.trigger,
        rules=tuple(sorted({ask.rule.id for ask in asks})),
        purpose=first.purpose or "",
    )


def _due(ask: _Ask, planned: dict[Key, PlannedAction]) -> date:
    start = ask.incident.starts_on
    if ask.effect.depends_on is not None:
        dependency = planned[_key(ask.rule.effect_for(ask.effect.depends_on), ask.incident)]
        # never before the incident itself started, even when the dependency is older work
        start = max(start, dependency.due or start)
    return start + timedelta(days=ask.effect.due_days)


def _display_order(action: PlannedAction) -> tuple[int, date, int, str, tuple[str, ...]]:
    return (
        _KIND_ORDER[action.kind],
        action.due or date.max,
        _ACTION_ORDER[action.action],
        action.component.value,
        action.incidents,
    )
