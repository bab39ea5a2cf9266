"""`spilldesk egress check FILE... [--recipient TEXT]`: screen an outgoing communication.

Several files are judged together as one communication (a letter and its attachments).
Exit 0 pass, 1 review or block, 2 error; persons appear only as masked A-numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from spilldesk.cli.clearance import parse_on
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    fail,
    out,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.safeguards.egress import BLOCK, PASS, REVIEW, egress_check
from spilldesk.scan import ScanError

egress_app = typer.Typer(
    help="Screen outgoing communications to third parties.", no_args_is_help=True
)
_COLOUR = {BLOCK: "bold red", REVIEW: "yellow", PASS: "green"}


@egress_app.command("check")
def check_command(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Letter + attachments.")],
    recipient: Annotated[str | None, typer.Option("--recipient", help="Who it goes to.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Removal date to check (ISO).")] = None,
    no_linkage: Annotated[
        bool, typer.Option("--no-linkage", help="Skip probabilistic linkage of what is left.")
    ] = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Would this communication reveal who was in a leak, or name someone not cleared?"""
    tz = settings_for(workdir).timezone
    day = parse_on(on, tz)
    for file in files:
        if not file.is_file():
            fail(f"{file}: no such file")
    with transaction(workdir, ScanError) as session:
        report = egress_check(
            session,
            files,
            day,
            actor=actor(),
            recipient=recipient,
            tz=tz,
            link_unresolved=not no_linkage,
        )
    if as_json:
        print_json(report.to_json())
    else:
        colour = _COLOUR[report.verdict]
        err.print(
            f"[{colour}]{report.verdict.upper()}[/]: {', '.join(report.files)}"
            + (f" → {recipient}" if recipient else "")
        )
        for reason in report.reasons:
            err.print(f"  - {reason['code']}: {reason['text']}")
        if report.persons:
            table = Table("A-number", "found by", "exposed by", "cleared", "where")
            for p in report.persons:
                table.add_row(
                    p.masked_a_number,
                    p.found_by,
                    ", ".join(p.exposed_by) or "—",
                    "yes" if p.clearance.cleared else "NO",
                    "; ".join(p.places[:2]),
                )
            out.print(table)
    raise typer.Exit(0 if report.verdict == PASS else 1)


def register(app: typer.Typer) -> None:
    app.add_typer(egress_app, name="egress")
