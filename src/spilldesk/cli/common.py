"""What every command shares: --workdir, opening the desk, errors as one line, JSON output."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from spilldesk.config import ACTOR, HOME, ConfigError, Settings

if TYPE_CHECKING:  # the desk's stack is imported only by the commands that open a desk
    from rich.console import Console  # rich only by those that print to a person
    from rich.table import Column  # and a table's, only by those that print one
    from sqlalchemy.orm import Session

    from spilldesk.store.db import Store

WorkdirOption = Annotated[
    Path | None,
    typer.Option(
        "--workdir",
        help=f"{HOME.help.rstrip('.')} (default ${HOME.env_var} or {HOME.default}).",
        show_default=False,
    ),
]
MAX_ACTOR_NAME = 96
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


def a_number_column(header: str = "A-number") -> Column:
    """A table column that never cuts or wraps an A-number (a cut one ties to no one)."""
    from rich.table import Column

    return Column(header, no_wrap=True, min_width=10)


# Every command that lists persons takes it: whole A-numbers, so a script can tie a line to a
# person; one audited bulk read. Without it, A-numbers are masked (A*****1234).
ShowANumbersOption = Annotated[bool, typer.Option(
    "--show-a-numbers", help="Print whole A-numbers (an audited read); masked otherwise.")]

def _width(stream: object) -> int | None:
    """A terminal's own width; piped to a file or a script, wide enough that tables keep
    whole A-numbers, ids and codes instead of cutting them to 80 columns."""
    is_terminal = getattr(stream, "isatty", lambda: False)()
    return None if is_terminal or os.environ.get("COLUMNS") else 160


class Printer:
    """stdout's or stderr's rich Console, made when the command first prints through it: a
    command that prints only JSON (a scheduling system's `clearance --json`) or nothing does
    not import rich (start-up: docs/benchmarks.md). `rich` is the Console itself, for a
    progress bar."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr

    @functools.cached_property
    def rich(self) -> Console:
        from rich.console import Console

        stream = sys.stderr if self._stderr else sys.stdout
        return Console(stderr=self._stderr, highlight=False, width=_width(stream))

    def print(self, *objects: Any, **options: Any) -> None:
        self.rich.print(*objects, **options)


err = Printer(stderr=True)
out = Printer(stderr=False)


def actor() -> str:
    """Who is acting, for the audit log: the operating-system user running the command."""
    name = ACTOR.read() or os.environ.get("USER") or "operator"
    if len(name) > MAX_ACTOR_NAME:  # the audit log's actor column holds 100 with the prefix
        fail(f"{ACTOR.env_var}/USER: at most {MAX_ACTOR_NAME} characters, not {len(name)}")
    return "cli:" + name


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, then exit (2: bad input or error)."""
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def incident_folder(incident_id: str) -> str:
    """An incident id fit to name a folder under the desk, or a one-line error."""
    from spilldesk.intake.incidents import IncidentError, check_incident_id

    try:
        return check_incident_id(incident_id)
    except IncidentError as exc:
        fail(str(exc))


def settings_for(workdir: Path | None) -> Settings:
    try:
        return Settings.load(workdir)
    except ConfigError as exc:
        fail(str(exc))


@contextmanager
def desk(workdir: Path | None) -> Iterator[Store]:
    """Open the desk, turning a missing or unreachable database into a one-line error."""
    from spilldesk.store.crypto import KeyFileError
    from spilldesk.store.db import StoreError, open_store

    try:
        store = open_store(settings_for(workdir))
    except (StoreError, KeyFileError) as exc:
        fail(str(exc))
    try:
        yield store
    finally:
        _checkpoint(store)
        store.close()


def _checkpoint(store: Store) -> None:
    """Export the audit chain's head if the command moved it (a signed line outside the
    database, so removing the last events later is found); say so if the chain went back."""
    from spilldesk.store.checkpoints import checkpoint

    try:
        result = checkpoint(store)
    except Exception as exc:  # never hide the command's own outcome behind this one
        err.print(f"[yellow]warning:[/] audit checkpoint not written ({exc})", soft_wrap=True)
        return
    if result.problem is not None:
        err.print(f"[bold red]warning:[/] audit log: {result.problem} "
                  "(run `spilldesk audit verify`)", soft_wrap=True)


@contextmanager
def transaction(workdir: Path | None, *errors: type[Exception]) -> Iterator[Session]:
    """Open the desk and one transaction; a service's refusal (any ServiceError, and the
    other `errors` named) becomes one line and exit 2 (the transaction rolled back: nothing
    changed)."""
    from spilldesk.errors import ServiceError

    with desk(workdir) as store:
        try:
            with store.session() as session:
                yield session
        except ServiceError as exc:
            fail(exc.message)
        except errors as exc:
            fail(str(exc))


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
