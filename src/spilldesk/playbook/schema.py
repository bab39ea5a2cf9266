"""The playbook format: pydantic models that validate a playbook's YAML, rule by rule."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

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
    parse_action_code,
    parse_action_kind,
    parse_appeal_by,
    parse_component,
    parse_custody,
    parse_event_kind,
    parse_order_type,
    parse_posture,
)

# Which kind an action code is when it is not a standing commitment.
KIND_OF_ACTION: dict[ActionCode, ActionKind] = {
    ActionCode.PLACE_REMOVAL_HOLD: ActionKind.HOLD,
    ActionCode.PLACE_SYSTEM_ALERT: ActionKind.ALERT,
    ActionCode.PLACE_CBP_ALERT: ActionKind.ALERT,
    ActionCode.NOTIFY_NONCITIZEN: ActionKind.NOTICE,
    ActionCode.NOTIFY_REPRESENTATIVE: ActionKind.NOTICE,
}


def _one_or_many(parse: Any) -> Any:
    """Accept `posture: bia_appeal` as well as `posture: [bia_appeal, ...]`; parse each code."""

    def convert(value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        return [parse(item) if isinstance(item, str) else item for item in items]

    return BeforeValidator(convert)


def _code(parse: Any) -> Any:
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


class Conditions(BaseModel):
    """All given conditions must hold. Lists mean "any of"; an unknown flag counts as false."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    posture: Annotated[list[Posture] | None, _one_or_many(parse_posture)] = None
    custody: Annotated[list[Custody] | None, _one_or_many(parse_custody)] = None
    order_type: Annotated[list[OrderType] | None, _one_or_many(parse_order_type)] = None
    appeal_by: Annotated[list[AppealBy] | None, _one_or_many(parse_appeal_by)] = None
    represented: bool | None = None
    final_order: bool | None = None  # the derived order: true while held (PersonFacts.order)
    motion_barred: bool | None = None
    return_decided: bool | None = None
    incident: Annotated[list[str] | None, _one_or_many(str)] = None


class Effect(BaseModel):
    """One action a rule asks for: a task, hold, alert, notice or standing commitment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Annotated[ActionCode, _code(parse_action_code)]
    component: Annotated[Component, _code(parse_component)]
    kind: Annotated[ActionKind | None, _code(parse_action_kind)] = None
    due_days: int = Field(default=0, ge=0)
    depends_on: Annotated[ActionCode | None, _code(parse_action_code)] = None
    scope: Scope | None = None
    trigger: Annotated[EventKind | None, _code(parse_event_kind)] = None
    # What an alert asks the receiving system to do; two alerts to one system differ by it.
    purpose: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")

    @model_validator(mode="after")
    def _consistent(self) -> Effect:
        natural = KIND_OF_ACTION.get(self.action, ActionKind.TASK)
        kind = self.resolved_kind
        if self.kind is ActionKind.COMMITMENT and self.trigger is None:
            raise ValueError("a commitment needs a 'trigger' event")
        if self.kind is not None and self.kind is not kind:
            raise ValueError(f"action {self.action.value!r} cannot be kind {self.kind.value!r}")
        if kind is ActionKind.COMMITMENT and natural is not ActionKind.TASK:
            raise ValueError(f"{self.action.value!r} is a {natural.value}, not a commitment")
        if kind is ActionKind.COMMITMENT and self.depends_on is not None:
            raise ValueError("a commitment cannot depend on another action")
        if self.purpose is not None and kind is not ActionKind.ALERT:
            raise ValueError("only alerts have a 'purpose'")
        if kind is ActionKind.NOTICE and self.scope is Scope.PERSON:
            raise ValueError("notices are once per incident: scope must be 'incident'")
        return self

    @property
    def resolved_kind(self) -> ActionKind:
        """A `trigger` makes a standing commitment; otherwise the action code decides."""
        if self.trigger is not None:
            return ActionKind.COMMITMENT
        return KIND_OF_ACTION.get(self.action, ActionKind.TASK)

    @property
    def resolved_scope(self) -> Scope:
        """Legal work is once per person; notices, holds and alerts once per incident."""
        if self.scope is not None:
            return self.scope
        if self.resolved_kind in (ActionKind.TASK, ActionKind.COMMITMENT):
            return Scope.PERSON
        return Scope.INCIDENT


class Rule(BaseModel):
    """When a person (and the incident that exposed them) matches, the rule asks for actions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    source: str | None = None
    when: Conditions = Conditions()
    unless: list[Conditions] = []
    actions: list[Effect] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _unless_one_or_many(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("unless"), dict):
            return {**data, "unless": [data["unless"]]}
        return data

    @model_validator(mode="after")
    def _dependencies_in_rule(self) -> Rule:
        here = {effect.action: effect for effect in self.actions}
        for effect in self.actions:
            if effect.depends_on is None:
                continue
            dependency = here.get(effect.depends_on)
            if dependency is None:
                raise ValueError(
                    f"{effect.action.value!r} depends on {effect.depends_on.value!r}, "
                    "which this rule does not ask for"
                )
            if dependency.resolved_kind is ActionKind.COMMITMENT:
                raise ValueError(f"{effect.action.value!r} cannot depend on a commitment")
        return self

    def effect_for(self, action: ActionCode) -> Effect:
        return next(effect for effect in self.actions if effect.action is action)


class Playbook(BaseModel):
    """A named, versioned set of rules. Rule ids are unique; the dependency graph has no cycle."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str | None = None
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _version_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("version"), int | float):
            return {**data, "version": str(data["version"])}
        return data
