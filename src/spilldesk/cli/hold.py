"""`spilldesk hold extend|list ID`: extend an incident's removal holds, and see them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from spilldesk.cli.clearance import parse_on
from spilldesk.cli.common import (
    JsonOption,
    ShowANumbersOption,
    WorkdirOption,
    actor,
    err,
    fail,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.cli.listing import print_listing
from spilldesk.safeguards.holds import extend_holds, extensions_of, list_holds
from spilldesk.store.models import HoldExtension

hold_app = typer.Typer(help="Removal holds: extend them, list them.", no_args_is_help=True)
IncidentArg = Annotated[str, typer.Argument(metavar="ID", help="The incident.")]


def extension_json(row: HoldExtension) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "days": row.days,
        "until": None if row.until is None else row.until.isoformat(),
        "reason": row.reason,
        "recorded_at": row.created_at.isoformat(),
        "recorded_by": row.created_by,
    }


@hold_app.command("extend")
def extend_command(
    incident_id: IncidentArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the holds are extended.")],
    days: Annotated[int | None, typer.Option("--days", help="Add N days.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Hold through this date.")] = None,
    indefinite: Annotated[bool, typer.Option("--indefinite", help="Hold with no end.")] = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extend every removal hold of an incident (also holds that already ran out)."""
    through = None
    if until is not None:
        try:
            through = date.fromisoformat(until)
        except ValueError:
            fail(f"--until: {until!r} is not an ISO date (YYYY-MM-DD)")
    with transaction(workdir) as session:
        row = extend_holds(
            session,
            incident_id,
            days=days,
            until=through,
            indefinite=indefinite,
            reason=reason,
            actor=actor(),
        )
        document = extension_json(row)
    if as_json:
        print_json({"incident": incident_id, "extension": document})
    else:
        what = {
            "days": f"by {days} days",
            "until": f"through {until}",
            "indefinite": "indefinitely",
        }[document["kind"]]
        err.print(f"removal holds of {incident_id} extended {what}")


@hold_app.command("list")
def list_command(
    incident_id: IncidentArg,
    on: Annotated[
        str | None, typer.Option("--on", help="Clearance date (ISO); default today.")
    ] = None,
    show_a_numbers: ShowANumbersOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every removal hold of an incident, its extensions, and each person's clearance
    (A-numbers masked unless --show-a-numbers)."""
    day = parse_on(on, settings_for(workdir).timezone)
    _list(incident_id, day, workdir, as_json, show_a_numbers)


def _list(incident_id: str, day: date, workdir: Path | None, as_json: bool,
          show_a_numbers: bool = False) -> None:
    tz = settings_for(workdir).timezone
    with transaction(workdir) as session:
        held = list_holds(session, incident_id, day, actor=actor(), tz=tz,
                          reveal_a_numbers=show_a_numbers)
        extensions = [extension_json(e) for e in extensions_of(session, incident_id)]
    if as_json:
        print_json(
            {
                "incident": incident_id,
                "on": day.isoformat(),
                "holds": [h.to_json() for h in held],
                "extensions": extensions,
            }
        )
        return
    print_listing(
        f"removal holds of {incident_id} on {day.isoformat()}",
        ("A-number", "placed", "released", "cleared", "blocked until"),
        (
            (
                h.a_number,
                h.placed_at.date().isoformat(),
                h.released_at.date().isoformat() if h.released_at else "—",
                "yes" if h.cleared else "NO",
                h.blocked_until.isoformat() if h.blocked_until else "—",
            )
            for h in held
        ),
    )
    for e in extensions:
        err.print(
            f"extension {e['id']}: {e['kind']} {e['days'] or e['until'] or ''} ({e['reason']})"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(hold_app, name="hold")
