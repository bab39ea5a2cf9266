"""`spilldesk`: discovers every command module in this package and runs the app."""

from __future__ import annotations

import importlib
import pkgutil
import sys

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
    """Run a command; an unexpected error becomes one line and a crash log (exit 2)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: the step under way was rolled back\n")
        sys.exit(130)
    except Exception as error:  # the CLI's boundary: no traceback ever reaches a user
        from spilldesk.cli.crash import write_crash_log

        argv = sys.argv[1:]
        try:
            where = f"; crash log (no person data): {write_crash_log(error, argv, _names())}"
        except OSError:
            where = "; no crash log could be written"
        sys.stderr.write(f"error: unexpected {type(error).__name__}: the step under way was "
                         f"rolled back{where}\n")
        sys.exit(2)


def _names() -> set[str]:
    """Every command and group name (a crash log keeps only these words of a command line)."""
    names: set[str] = set()
    pending: list[object] = [typer.main.get_command(app)]
    while pending:
        subcommands = getattr(pending.pop(), "commands", None) or {}
        names.update(subcommands)
        pending.extend(subcommands.values())
    return names
