"""`spilldesk NAME` imports only the module that registers NAME; every command still works and
`spilldesk --help` still lists them all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from spilldesk.cli import main as cli

SRC = Path(__file__).resolve().parents[2] / "src"


def _names(app: typer.Typer) -> set[str]:
    return set(typer.main.get_group(app).commands)


def test_every_command_name_leads_to_the_module_that_registers_it() -> None:
    everything: set[str] = set()
    for module in cli._command_modules():
        names = _names(cli._build(module))
        everything |= names
        for name in names:  # a new module whose command is named otherwise goes in _MODULE_OF
            assert cli._MODULE_OF.get(name, name) == module, (name, module)
            assert _names(cli._app_for([name, "--help"])) == names
    assert everything == _names(cli._build()) == _names(cli.app)
    assert _names(cli._app_for(["--help"])) == everything
    assert _names(cli._app_for(["no-such-command"])) == everything  # click says so, not us


def test_scan_imports_neither_the_database_nor_the_other_commands() -> None:
    probe = ("import sys; from spilldesk.cli.main import _app_for; _app_for(['scan']); "
             "print(sorted(m for m in ('sqlalchemy', 'alembic', 'pypdf', 'fastapi', "
             "'spilldesk.cli.plan', 'spilldesk.store.db') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.strip() == "[]"
