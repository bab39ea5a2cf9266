"""`spilldesk overlap ID1 ID2 [--json]`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    out,
    print_json,
    transaction,
)
from spilldesk.matching.overlap import overlap


def overlap_command(
    first: Annotated[str, typer.Argument(metavar="ID1")],
    second: Annotated[str, typer.Argument(metavar="ID2")],
    show_a_numbers: Annotated[
        bool, typer.Option(help="Print whole A-numbers (an audited read); masked otherwise.")
    ] = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Persons exposed by both incidents, and by only one of them."""
    with transaction(workdir) as session:
        result = overlap(session, first, second, actor=actor(), reveal=show_a_numbers)
    if as_json:
        print_json(result.as_json())
        return
    table = Table(title=f"overlap of {result.first} and {result.second}")
    for column in ("in both", f"only {result.first}", f"only {result.second}"):
        table.add_column(column, justify="right")
    table.add_row(str(len(result.both)), str(len(result.only_first)), str(len(result.only_second)))
    out.print(table)
    for incident, count in result.open_review.items():
        if count:
            err.print(f"{incident}: {count} record(s) still in review (not counted yet)")


def register(app: typer.Typer) -> None:
    app.command("overlap")(overlap_command)
