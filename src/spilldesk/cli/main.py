"""`spilldesk`: discovers every command module in this package and runs the app."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

import spilldesk.cli as package

_NOT_COMMANDS = {"main", "common", "crash"}
# Commands whose module is not named like the command. `spilldesk NAME ...` imports only the
# module that registers NAME (a pre-commit hook runs `spilldesk scan` on every commit, and the
# other commands' imports are most of its start-up time); an unknown name, `--help` or no
# name registers every module, so a command missing here is still found, only slower.
_MODULE_OF = {"task": "tasks"}


def _command_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name not in _NOT_COMMANDS and not info.name.startswith("_")
    )


def _build(only: str | None = None) -> typer.Typer:
    """The command-line app with every command, or with only the module `only`."""
    built = typer.Typer(
        name="spilldesk",
        help="Privacy-spill response desk: gate, incidents, linkage, holds, notices, reports.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )

    @built.callback()
    def _group() -> None:
        """Privacy-spill response desk: gate, incidents, linkage, holds, notices, reports."""

    for name in [only] if only else _command_modules():
        module = importlib.import_module(f"{package.__name__}.{name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(built)
    return built


def _app_for(argv: list[str]) -> typer.Typer:
    """Only the module the command line names, when it names one; else every command."""
    name = argv[0] if argv and not argv[0].startswith("-") else ""
    module = _MODULE_OF.get(name, name)
    return _build(module) if module and module in _command_modules() else _build()


def __getattr__(name: str) -> typer.Typer:
    """`app`: every command (for tests and tools that drive the whole command line)."""
    if name == "app":
        globals()["app"] = full = _build()
        return full
    raise AttributeError(name)


def main() -> None:
    """Run a command; an unexpected error becomes one line and a crash log (exit 2)."""
    try:
        _app_for(sys.argv[1:])()
    except ModuleNotFoundError as error:  # a desk command where only the gate is installed
        sys.stderr.write(f"error: {error.name} is not installed: this command needs the desk "
                         "(pip install 'spilldesk[desk]'); nothing was changed\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: the step under way was rolled back\n")
        sys.exit(130)
    except Exception as error:  # the CLI's boundary: no traceback ever reaches a user
        from spilldesk.cli.crash import write_crash_log
        from spilldesk.worker_pool import WorkerDied

        if isinstance(error, WorkerDied):  # not a defect of ours: said as it is
            sys.stderr.write(f"error: {error}\n")
            sys.exit(2)

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
    pending: list[object] = [typer.main.get_command(_build())]
    while pending:
        subcommands = getattr(pending.pop(), "commands", None) or {}
        names.update(subcommands)
        pending.extend(subcommands.values())
    return names
