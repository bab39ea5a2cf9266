"""`spilldesk demo [--workdir DIR] [--json]`: the 2022 scenario end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from spilldesk.cli.common import JsonOption, WorkdirOption, err, fail, print_json, settings_for


def demo(
    workdir: WorkdirOption = None,
    seed: Annotated[int, typer.Option(help="Scenario seed (same seed, same scenario).")] = 2022,
    persons: Annotated[int, typer.Option(help="Registry size (smaller runs faster).")] = 40_000,
    as_json: JsonOption = False,
) -> None:
    """Generate the 2022 scenario and run the whole response on it; print what happened."""
    from spilldesk.demo.runner import DemoContext, DemoError, prepare_workdir, run_demo

    settings = settings_for(workdir or Path("demo-run"))
    try:
        prepare_workdir(settings.workdir)
    except DemoError as exc:
        fail(str(exc))
    ctx = DemoContext(settings=settings, scenario_dir=settings.workdir / "scenario", seed=seed,
                      persons=persons,
                      say=lambda text: err.print(text))

    def announce(stage: Any) -> None:
        err.print(f"[bold]▸ {stage.title}[/]")

    summary = run_demo(ctx, on_stage=announce)
    if as_json:
        print_json(summary)
        return
    from spilldesk.demo.summary import render_summary

    err.print(render_summary(summary))
    err.print("every figure above, and more: spilldesk demo --json")
    err.print(f"browse it: spilldesk serve --workdir {settings.workdir}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
