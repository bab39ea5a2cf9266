"""What every command shares: --workdir, opening the desk, errors as one line, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from spilldesk.config import ConfigError, Settings
from spilldesk.store.crypto import KeyFileError
from spilldesk.store.db import Store, StoreError, open_store

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

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


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
    try:
        store = open_store(settings_for(workdir))
    except (StoreError, KeyFileError) as exc:
        fail(str(exc))
    try:
        yield store
    finally:
        store.close()


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
