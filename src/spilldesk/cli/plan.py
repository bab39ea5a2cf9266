"""`spilldesk plan ID [--playbook NAME|FILE] [--dry-run] [--json]`: the response plan.

Prints what the plan holds (counts by action, kind and component) and what it changed: added,
withdrawn, unchanged and kept. `--dry-run` shows the same without writing anything.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.table import Table

from spilldesk.casework.planning import PlanResult, plan_incident
from spilldesk.cli.common import (
    JsonOption,
    ShowANumbersOption,
    WorkdirOption,
    actor,
    err,
    fail,
    out,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.cli.listing import print_listing
from spilldesk.playbook import DEFAULT_PLAYBOOK, PlaybookError, load_playbook


def plan_command(
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="The incident to plan.")],
    playbook: Annotated[
        str, typer.Option("--playbook", help="A shipped playbook's name or a YAML file.")
    ] = DEFAULT_PLAYBOOK,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    show_a_numbers: ShowANumbersOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Turn every exposed person's posture into tasks, holds, alerts, notices, commitments."""
    try:
        chosen = load_playbook(playbook)
    except PlaybookError as exc:
        fail(str(exc))
    settings = settings_for(workdir)
    with transaction(workdir) as session:
        result = plan_incident(session, incident_id, playbook=chosen, dry_run=dry_run,
                               actor=actor(), tz=settings.timezone,
                               reveal_a_numbers=show_a_numbers)
    if as_json:
        print_json(result.to_json())
    else:
        _print(result, by_person=show_a_numbers)


def _print(result: PlanResult, *, by_person: bool = False) -> None:
    counts: Counter[tuple[str, str, str]] = Counter(
        (action["action"], action["kind"], action["component"])
        for person in result.persons
        for action in person["actions"]
    )
    table = Table(title=f"plan for {result.incident_id} — playbook {result.playbook} "
                        f"v{result.version}" + (" (dry run)" if result.dry_run else ""))
    for column in ("action", "kind", "component", "persons"):
        table.add_column(column, justify="right" if column == "persons" else "left")
    for (action, kind, component), count in sorted(counts.items()):
        table.add_row(action, kind, component, str(count))
    out.print(table)
    if by_person:  # whole A-numbers were asked for: one line per person
        print_listing("persons", ("A-number", "actions"), (
            (person["a_number"], ", ".join(action["action"] for action in person["actions"]))
            for person in result.persons))
    changes = result.changes
    verb = "would change" if result.dry_run else "changed"
    err.print(f"{len(result.persons)} persons; {verb}: {changes['added']} added, "
              f"{changes['withdrawn']} withdrawn, {changes['unchanged']} unchanged, "
              f"{changes['kept']} kept (protections and notices are never withdrawn)")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
