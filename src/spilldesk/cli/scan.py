"""`spilldesk scan PATH...`: the publication gate (exit 0 pass, 1 block/review, 2 error)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spilldesk.cli.common import JsonOption, WorkdirOption, err, print_json
from spilldesk.scan import FileReport, Verdict, scan_paths
from spilldesk.scan.formats import flatten, to_json, to_sarif, to_text


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


class FailOn(StrEnum):
    REVIEW = "review"
    BLOCK = "block"


def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (walked) to judge.")],
    output: Annotated[Format, typer.Option("--format", help="Report format.")] = Format.TEXT,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest verdict that exits 1.")
    ] = FailOn.BLOCK,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find person-level data in documents before they are published, hidden parts included."""
    del workdir  # the gate needs no desk: it reads files and judges them
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        err.print(f"[bold red]error:[/] no such file or folder: {missing[0]}")
        raise typer.Exit(2)
    reports = scan_paths(paths)
    if as_json or output is Format.JSON:
        print_json(to_json(reports))
    elif output is Format.SARIF:
        print_json(to_sarif(reports))
    else:
        sys.stdout.write("\n".join(to_text(reports)) + "\n")
    raise typer.Exit(exit_code(reports, fail_on))


def exit_code(reports: list[FileReport], fail_on: FailOn) -> int:
    verdicts = {report.verdict for report in flatten(reports)}
    if Verdict.ERROR in verdicts:
        return 2
    failing = {Verdict.BLOCK} if fail_on is FailOn.BLOCK else {Verdict.BLOCK, Verdict.REVIEW}
    return 1 if verdicts & failing else 0


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
