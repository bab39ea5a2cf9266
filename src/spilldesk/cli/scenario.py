"""`spilldesk scenario generate --out DIR [--seed N] [--persons N] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spilldesk.cli.common import JsonOption, WorkdirOption, err, fail, print_json, settings_for

scenario_app = typer.Typer(help="The synthetic 2022 scenario (seeded, deterministic).",
                           no_args_is_help=True)


@scenario_app.command("generate")
def generate_command(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write the scenario into (default: WORKDIR/scenario).")] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 2022,
    persons: Annotated[int, typer.Option(
        help="Registry size; below about 16,000 the workbook is scaled down to fit.")] = 40_000,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the registry, the two disclosures, the manifest, the access log and the mirror."""
    from spilldesk.scenario import STEPS, generate
    from spilldesk.scenario.generate import MIN_PERSONS
    from spilldesk.scenario.shared_data import SharedDataMissing

    if persons < MIN_PERSONS:
        fail(f"--persons: at least {MIN_PERSONS} are needed for a coherent scenario")
    target = out or settings_for(workdir).workdir / "scenario"
    columns = (TextColumn("{task.description:<12}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err.rich, transient=as_json) as progress:
        task = progress.add_task("scenario", total=len(STEPS))

        def on_step(name: str) -> None:
            progress.update(task, description=name, completed=STEPS.index(name))

        try:
            files = generate(target, seed=seed, persons=persons, on_step=on_step)
        except SharedDataMissing as exc:
            fail(f"ICE statistics: {exc}")
        except ValueError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{exc.filename or target}: {exc.strerror or exc}")
        progress.update(task, description="done", completed=len(STEPS))
    if as_json:
        print_json(files.summary)
        return
    table = Table(title=f"Scenario (seed {seed}) in {target}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in files.summary.items():
        if not isinstance(value, dict):
            table.add_row(key, str(value))
    err.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")
