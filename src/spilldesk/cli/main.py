"""`spilldesk`: discovers every command module in this package and runs the app."""

from __future__ import annotations

import importlib
import pkgutil

import typer

import spilldesk.cli as package

app = typer.Typer(
    name="spilldesk",
    help="Privacy-spill response desk: gate, incidents, linkage, holds, notices, reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_NOT_COMMANDS = {"main", "common"}


def _register_all() -> None:
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name in _NOT_COMMANDS or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_all()


def main() -> None:
    app()
