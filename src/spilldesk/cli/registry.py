"""`spilldesk registry import FILE [--kind persons|representatives|facilities]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from spilldesk.cli.common import JsonOption, WorkdirOption, actor, desk, err, fail, print_json
from spilldesk.intake.registry import KINDS, RegistryError, import_file

registry_app = typer.Typer(help="The agency's system of record.", no_args_is_help=True)


@registry_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV, XLSX or Parquet files.")],
    kind: Annotated[
        str | None, typer.Option(help=f"One of {', '.join(KINDS)} (default: from the columns).")
    ] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import registry files, all or nothing: facilities, then representatives, then persons."""
    reports = []
    with desk(workdir) as store:
        try:
            with store.session() as session, _progress(as_json) as progress:
                for path in files:
                    task = progress.add_task(path.name, total=None)

                    def advance(done: int, total: int, task: TaskID = task) -> None:
                        progress.update(task, total=total, advance=done)

                    reports.append(import_file(session, path, kind=kind, actor=actor(),
                                               tz=store.settings.timezone,
                                               progress=advance))
        except (RegistryError, ValueError) as exc:
            fail(f"{exc} (nothing was imported)")
    if as_json:
        print_json({"imports": [r.__dict__ for r in reports]})
        return
    for r in reports:
        err.print(f"{r.file}: {r.rows} {r.kind} — {r.created} created, {r.updated} updated, "
                  f"{r.unchanged} unchanged")
        for incident_id, people in r.replanned.items():
            err.print(f"  {incident_id}: {people} exposed person(s) re-planned (facts changed)")


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err.rich, disable=quiet, transient=True,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")
