"""`spilldesk report ID [--format json|html|pdf] [--out DIR]` — the incident report;
`spilldesk report oversight ID --to eoir|uscis|cpo [--out DIR]` — a notice to oversight."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from spilldesk.cli.common import (
    WorkdirOption,
    actor,
    err,
    fail,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.reports.figures import report_figures
from spilldesk.reports.oversight import send_notice
from spilldesk.reports.write import FORMATS, write_report

OVERSIGHT = "oversight"


def report_command(
    args: Annotated[list[str], typer.Argument(
        metavar="ID | oversight ID", help="The incident; or `oversight ID` for a notice to "
        "oversight (with --to).")],
    fmt: Annotated[str, typer.Option(
        "--format", help="json (every figure, on stdout) | html | pdf (written into --out).")
    ] = "pdf",
    to: Annotated[str | None, typer.Option(
        "--to", help="With `oversight`: eoir | uscis | cpo.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write into (default: the desk's reports/ folder).")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="Figures as of the end of this date (ISO; default today).")] = None,
    workdir: WorkdirOption = None,
) -> None:
    """The oversight report of an incident (with charts), or a notice to EOIR, USCIS or the
    DHS Chief Privacy Officer."""
    settings = settings_for(workdir)
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        fail(f"--on: {on!r} is not an ISO date (YYYY-MM-DD)")
    folder = out_dir or settings.workdir / "reports"
    if args[0] == OVERSIGHT:
        if len(args) != 2 or not to:
            fail("usage: spilldesk report oversight ID --to eoir|uscis|cpo [--out DIR]")
        with transaction(workdir) as session:
            figures = report_figures(session, args[1], tz=settings.timezone, on=day)
            sent = send_notice(session, figures, to, folder, actor=actor())
        err.print(f"notice {sent.reference} written: {sent.document}"
                  + (f" (annex {sent.annex}: {sent.people} people)" if sent.annex else ""))
        print_json(sent.as_dict())
        return
    if len(args) != 1:
        fail("usage: spilldesk report ID [--format json|html|pdf] [--out DIR]")
    if fmt not in FORMATS:
        fail(f"--format: {fmt!r} is not one of {' | '.join(FORMATS)}")
    if to:
        fail("--to: only with `spilldesk report oversight ID`")
    with transaction(workdir) as session:
        if fmt == "json" and out_dir is None:
            print_json(report_figures(session, args[0], tz=settings.timezone, on=day))
            return
        paths = write_report(session, args[0], folder, [fmt], tz=settings.timezone,
                             actor=actor(), on=day)
    for path in paths.values():
        err.print(f"report written: {path}")


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
