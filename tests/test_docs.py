"""docs/ keeps up with the code: every setting of spilldesk.config.SETTINGS is on
docs/settings.md as the table renders it, each option that mirrors a setting exists, and every
command of the command line (each module's, as `spilldesk NAME` registers it lazily) is named
as `spilldesk COMMAND` somewhere in docs/.

`python -m tests.test_docs` rewrites the generated table of docs/settings.md.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from spilldesk.cli import main as cli
from spilldesk.config import SETTINGS, settings_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"
SETTINGS_PAGE = DOCS / "settings.md"
_TABLE = re.compile(r"(<!-- settings table: [^\n]*-->\n)(.*?)(<!-- end of settings table -->)",
                    re.DOTALL)


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and group under `command`, as the words that call it (Typer's own click:
    a group is what has `commands`)."""
    if path:
        yield path
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _commands(sub, (*path, name))


def _lazily_registered() -> set[tuple[str, ...]]:
    """The commands as `spilldesk NAME` builds them: one module at a time, through _MODULE_OF."""
    found: set[tuple[str, ...]] = set()
    for module in cli._command_modules():
        for name in typer.main.get_group(cli._build(module)).commands:
            lazy = typer.main.get_group(cli._app_for([name]))
            found |= set(_commands(lazy.commands[name], (name,)))
    return found


def _docs_text() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in sorted(DOCS.rglob("*.md")))


def test_the_settings_page_shows_the_table_as_it_is() -> None:
    match = _TABLE.search(SETTINGS_PAGE.read_text(encoding="utf-8"))
    assert match, "docs/settings.md lost its generated table markers"
    assert match[2] == settings_markdown(), (
        "docs/settings.md differs from spilldesk.config.SETTINGS: run python -m tests.test_docs")


def test_every_setting_has_one_name_one_variable_and_some_help() -> None:
    names = [s.name for s in SETTINGS]
    variables = [s.env_var for s in SETTINGS]
    assert len(set(names)) == len(names) and len(set(variables)) == len(variables)
    for row in SETTINGS:
        assert row.env_var == "SPILLDESK_" + row.name.upper(), row.name
        assert row.help.endswith("."), row.name
        if row.default is not None:  # every written default is one its own parser accepts
            row.read({})


def test_each_option_that_mirrors_a_setting_exists() -> None:
    root = typer.main.get_group(cli.app)
    for row in SETTINGS:
        if row.option is None:
            continue
        *words, option = row.option.split()
        command = _at(root, tuple(words))
        leaves = [command, *(_at(command, path) for path in _commands(command))]
        assert any(option in p.opts for c in leaves for p in c.params), row.option


def _at(command: Any, path: tuple[str, ...]) -> Any:
    for word in path:
        command = command.commands[word]
    return command


def test_every_command_is_named_in_the_docs() -> None:
    everything = set(_commands(typer.main.get_group(cli.app)))
    assert _lazily_registered() == everything  # `spilldesk NAME` finds every command too
    text = _docs_text()
    missing = sorted(" ".join(path) for path in everything
                     if not re.search(r"spilldesk " + re.escape(" ".join(path)) + r"(?![\w-])",
                                      text))
    assert not missing, f"commands no page of docs/ names as `spilldesk COMMAND`: {missing}"


def _rewrite() -> None:
    page = SETTINGS_PAGE.read_text(encoding="utf-8")
    updated = _TABLE.sub(lambda m: m[1] + settings_markdown() + m[3], page, count=1)
    SETTINGS_PAGE.write_text(updated, encoding="utf-8")
    sys.stdout.write(f"{SETTINGS_PAGE}: {'rewritten' if updated != page else 'up to date'}\n")


if __name__ == "__main__":
    _rewrite()
