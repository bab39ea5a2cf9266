"""`spilldesk review list|show|accept|reject`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from spilldesk.cli.common import (
    JsonOption,
    ShowANumbersOption,
    WorkdirOption,
    actor,
    err,
    out,
    print_json,
    transaction,
)
from spilldesk.cli.listing import print_listing
from spilldesk.matching.review import (
    ReviewDecision,
    accept_review_item,
    list_review_items,
    reject_review_item,
    show_review_item,
)

review_app = typer.Typer(
    help="Decide the records linkage would not decide alone.", no_args_is_help=True
)
ItemArgument = Annotated[int, typer.Argument(metavar="ITEM", help="A review item id.")]
NoteOption = Annotated[str | None, typer.Option(help="Why (kept in the audit log).")]


@review_app.command("list")
def list_command(
    incident: Annotated[str | None, typer.Option(help="Only this incident.")] = None,
    status: Annotated[str, typer.Option(help="open|accepted|rejected|superseded|all")] = "open",
    show_a_numbers: ShowANumbersOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Review items (open ones by default); A-numbers masked unless --show-a-numbers."""
    with transaction(workdir) as session:
        items = list_review_items(
            session, incident_id=incident, status=None if status == "all" else status,
            reveal_a_numbers=show_a_numbers, actor=actor(),
        )
    if as_json:
        print_json({"items": [asdict(i) for i in items]})
        return
    print_listing(
        f"review items ({status})",
        ("item", "incident", "record", "row", "rank", "candidate", "probability", "reason",
         "status"),
        (
            (i.id, i.incident, i.record_id, i.source.get("row") or "—", i.rank, i.a_number,
             "—" if i.probability is None else f"{i.probability:.4f}", i.reason, i.status)
            for i in items
        ),
    )


@review_app.command("show")
def show_command(
    item: ItemArgument,
    reveal: Annotated[
        bool, typer.Option(help="Show names and dates in full (an audited read of both sides).")
    ] = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """The disclosed record beside the candidate, with the comparison that scored them."""
    with transaction(workdir) as session:
        shown = show_review_item(session, item, actor=actor(), reveal=reveal)
    if as_json:
        print_json(shown)
        return
    table = Table(title=f"review item {item}: {shown['reason']} ({shown['status']})")
    table.add_column("field")
    table.add_column("disclosed record")
    table.add_column("candidate")
    for key in sorted(set(shown["record"]) | set(shown["person"])):
        table.add_row(key, str(shown["record"].get(key, "")), str(shown["person"].get(key, "")))
    out.print(table)
    err.print(f"probability {shown['probability']}; explanation: {shown['explanation']}")


def _decision(decision: ReviewDecision, as_json: bool) -> None:
    if as_json:
        print_json(asdict(decision))
    else:
        err.print(
            f"item {decision.item_id} {decision.status}; record {decision.record_id} is "
            f"now {decision.record_status}"
        )


@review_app.command("accept")
def accept_command(
    item: ItemArgument,
    note: NoteOption = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """The candidate is the record's person: link it and record the exposure."""
    with transaction(workdir) as session:
        decision = accept_review_item(session, item, actor=actor(), note=note)
    _decision(decision, as_json)


@review_app.command("reject")
def reject_command(
    item: ItemArgument,
    note: NoteOption = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """The candidate is not the record's person (no candidate left → unmatched, reported)."""
    with transaction(workdir) as session:
        decision = reject_review_item(session, item, actor=actor(), note=note)
    _decision(decision, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
