"""`spilldesk event record --a-number A --kind K [--at TS] [--note TEXT]`.

Records something that happened in a person's case; the standing commitments it triggers
(e.g. "OPLA will not oppose motions to remand") become tasks.
"""

from __future__ import annotations

from typing import Annotated

import typer

from spilldesk.casework.events import record_case_event
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    fail,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.domain.dates import InvalidDate, parse_timestamp
from spilldesk.domain.posture import EventKind

event_app = typer.Typer(help="Events in a person's case that turn commitments into tasks.",
                        no_args_is_help=True)
KINDS = ", ".join(kind.value for kind in EventKind)


@event_app.command("record")
def record(
    a_number: Annotated[str, typer.Option("--a-number", help="The person's A-number.")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {KINDS}.")],
    at: Annotated[
        str | None, typer.Option("--at", help="When (ISO timestamp; default now).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A short note.")] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record an event; print the tasks it created."""
    settings = settings_for(workdir)
    try:
        when = parse_timestamp(at, settings.timezone) if at else None
    except InvalidDate as exc:
        fail(f"--at: {exc}")
    with transaction(workdir) as session:
        result = record_case_event(session, a_number, kind, at=when, note=note,
                                   actor=actor(), tz=settings.timezone)
    if as_json:
        print_json(result.to_json())
        return
    err.print(f"event {result.event_id} ({result.kind}) recorded for {result.a_number}; "
              f"{len(result.tasks)} task(s) created")
    for task in result.tasks:
        err.print(f"  task {task.id}: {task.action} ({task.component}) due {task.due}")


def register(app: typer.Typer) -> None:
    app.add_typer(event_app, name="event")
