"""What every command shares: --workdir, opening the desk, errors as one line, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Column

from spilldesk.config import ConfigError, Settings

if TYPE_CHECKING:  # the desk's stack is imported only by the commands that open a desk
    from sqlalchemy.orm import Session

    from spilldesk.store.db import Store

WorkdirOption = Annotated[
    Path | None,
    typer.Option(
        "--workdir",
        help="The desk's directory: database, keys, outputs (default $SPILLDESK_HOME or "
        "~/.spilldesk).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
def a_number_column(header: str = "A-number") -> Column:
    """A table column that never cuts or wraps an A-number (a cut one ties to no one)."""
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


err = Console(stderr=True, highlight=False, width=_width(sys.stderr))
out = Console(highlight=False, width=_width(sys.stdout))


def actor() -> str:
    """Who is acting, for the audit log: the operating-system user running the command."""
    return "cli:" + (os.environ.get("SPILLDESK_ACTOR") or os.environ.get("USER") or "operator")


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, then exit (2: bad input or error)."""
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


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
        store.close()


@contextmanager
def transaction(workdir: Path | None, *errors: type[Exception]) -> Iterator[Session]:
    """Open the desk and one transaction; a service's error becomes one line and exit 2
    (the transaction rolled back: nothing changed)."""
    with desk(workdir) as store:
        try:
            with store.session() as session:
                yield session
        except errors as exc:
            fail(str(exc))


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
