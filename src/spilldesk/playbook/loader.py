"""Load a playbook by name (shipped in playbooks/) or from a file; errors name rule and key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from spilldesk.domain.posture import ActionCode
from spilldesk.errors import ServiceError
from spilldesk.playbook.schema import Playbook, Rule

DEFAULT_PLAYBOOK = "ice-2022"


class PlaybookError(ServiceError):
    """A playbook that cannot be used; the message names the playbook, rule and key."""


def shipped_playbooks() -> list[str]:
    folder = resources.files("spilldesk.playbook") / "playbooks"
    names = (entry.name for entry in folder.iterdir())
    return sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml"))


def load_playbook(name_or_file: str | Path = DEFAULT_PLAYBOOK) -> Playbook:
    """A shipped playbook by name (`ice-2022`), or a YAML file by path."""
    text = str(name_or_file)
    if text in shipped_playbooks():
        return _load_shipped(text)
    path = Path(text)
    if not path.is_file():
        known = ", ".join(shipped_playbooks())
        raise PlaybookError(f"playbook {text}: no such file or shipped playbook ({known})")
    return parse_playbook(path.read_text(encoding="utf-8"), origin=path.name)


def registered_playbook(name: str, folder: Path | None = None) -> Playbook:
    """A playbook by name only: shipped, or registered as `<folder>/<name>.yaml` (the desk's
    `playbooks/` folder). Never a path: a web form must not make the server read any file."""
    text = str(name).strip()
    if text in shipped_playbooks():
        return _load_shipped(text)
    allowed = text and all(c.isalnum() or c in "._-" for c in text) and ".." not in text
    path = folder / f"{text}.yaml" if folder is not None and allowed else None
    if path is None or not path.is_file():
        known = ", ".join(shipped_playbooks())
        raise PlaybookError(f"playbook {text[:80]!r}: not a shipped or registered playbook "
                            f"({known}; register one as playbooks/NAME.yaml in the desk)")
    return parse_playbook(path.read_text(encoding="utf-8"), origin=path.name)


@cache
def _load_shipped(name: str) -> Playbook:
    folder = resources.files("spilldesk.playbook") / "playbooks"
    return parse_playbook((folder / f"{name}.yaml").read_text(encoding="utf-8"), origin=name)


def parse_playbook(text: str, *, origin: str) -> Playbook:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise PlaybookError(f"playbook {origin}: not valid YAML{where}") from None
    if not isinstance(data, Mapping):
        raise PlaybookError(f"playbook {origin}: expected a mapping with name, version, rules")
    label = str(data.get("name") or origin)
    rules = data.get("rules")
    if isinstance(rules, list):
        _check_rules(label, rules)
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as err:
        raise PlaybookError(f"playbook {label}: {_describe(err)}") from None
    _check_ids_unique(playbook)
    _check_no_cycle(playbook)
    return playbook


def _check_rules(label: str, rules: list[Any]) -> None:
    """Validate rule by rule so the error can name the rule it is in."""
    for index, raw in enumerate(rules):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        name = repr(rule_id) if rule_id else f"#{index + 1}"
        try:
            Rule.model_validate(raw)
        except ValidationError as err:
            raise PlaybookError(f"playbook {label}, rule {name}: {_describe(err)}") from None


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in first["loc"])
    where = where.replace(".[", "[")
    if "unknown " in message or not where:
        return message + (f" (at {where})" if where else "")
    return f"{where}: {message}"


def _check_ids_unique(playbook: Playbook) -> None:
    seen: set[str] = set()
    for rule in playbook.rules:
        if rule.id in seen:
            raise PlaybookError(f"playbook {playbook.name}, rule {rule.id!r}: duplicate rule id")
        seen.add(rule.id)


def dependency_order(playbook: Playbook) -> list[ActionCode]:
    """Action codes ordered so every action comes after what it depends on."""
    edges: dict[ActionCode, set[ActionCode]] = {code: set() for code in ActionCode}
    for rule in playbook.rules:
        for effect in rule.actions:
            if effect.depends_on is not None:
                edges[effect.action].add(effect.depends_on)
    return _topological(edges)


def _topological(edges: Mapping[ActionCode, Iterable[ActionCode]]) -> list[ActionCode]:
    order: list[ActionCode] = []
    state: dict[ActionCode, str] = {}

    def visit(code: ActionCode, path: list[ActionCode]) -> None:
        if state.get(code) == "done":
            return
        if state.get(code) == "visiting":
            cycle = " -> ".join(c.value for c in [*path, code])
            raise PlaybookError(f"dependency cycle: {cycle}")
        state[code] = "visiting"
        for dep in sorted(edges[code]):
            visit(dep, [*path, code])
        state[code] = "done"
        order.append(code)

    for code in edges:
        visit(code, [])
    return order


def _check_no_cycle(playbook: Playbook) -> None:
    try:
        dependency_order(playbook)
    except PlaybookError as err:
        raise PlaybookError(f"playbook {playbook.name}: {err}") from None
