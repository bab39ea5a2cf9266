"""`spilldesk link ID [--backend duckdb|spark] [--json]`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    fail,
    out,
    print_json,
    transaction,
)
from spilldesk.link import LinkSettings
from spilldesk.matching.linkage import LinkReport, link_incident

BACKENDS = ("duckdb", "spark")


def link_command(
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="The incident to link.")],
    backend: Annotated[str, typer.Option(
        help="duckdb (embedded) or spark (where SPILLDESK_SPARK_MASTER says; local[2] by "
             "default).")] = "duckdb",
    reveals_status_of: Annotated[
        str | None,
        typer.Option(
            help="The incident whose leak this disclosure revealed people's status in "
            "(e.g. Dec 7 → ICE-2022-11-28): exposures record disclosure_status."
        ),
    ] = None,
    match_threshold: Annotated[float, typer.Option(help="Match at or above.")] = 0.99,
    review_threshold: Annotated[float, typer.Option(help="Review at or above.")] = 0.5,
    show_a_numbers: Annotated[
        bool, typer.Option(help="Print whole A-numbers (an audited read); masked otherwise.")
    ] = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve an incident's disclosed records to registry persons; uncertain ones to review."""
    if backend not in BACKENDS:
        fail(f"--backend: {backend!r} is not one of {', '.join(BACKENDS)}")
    if not 0 < review_threshold <= match_threshold <= 1:
        fail("thresholds: need 0 < --review-threshold <= --match-threshold <= 1")
    settings = LinkSettings(match_threshold=match_threshold, review_threshold=review_threshold)
    with transaction(workdir) as session:
        report = link_incident(
            session,
            incident_id,
            backend=backend,  # type: ignore[arg-type]
            settings=settings,
            actor=actor(),
            reveals_status_of=reveals_status_of,
            reveal_a_numbers=show_a_numbers,
        )
    if as_json:
        print_json(report.as_json())
    else:
        _print_summary(report)


def _print_summary(report: LinkReport) -> None:
    table = Table(title=f"linkage of {report.incident_id}")
    for column in ("matched", "review", "unmatched", "exposures created"):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.matched),
        str(report.review),
        str(report.unmatched),
        str(report.exposures_created),
    )
    out.print(table)
    for reason, count in sorted(report.reasons.items()):
        err.print(f"  {reason}: {count}")
    if report.review:
        err.print("records in review hold their candidates: see `spilldesk review list`")


def register(app: typer.Typer) -> None:
    app.command("link")(link_command)
