"""`spilldesk investigation show|add|update ID`: the investigation record of an incident —
OPR and OCIO reviews, corrective actions, which component owns which mitigation, lessons."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from spilldesk import clock
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    out,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.reports.investigation import (
    add_item,
    as_dict,
    investigation_record,
    update_item,
)

investigation_app = typer.Typer(help="The investigation record: reviews, corrective actions, "
                                "mitigations, lessons.", no_args_is_help=True)
Opt = typer.Option
IncidentArg = Annotated[str, typer.Argument(metavar="ID", help="The incident.")]


@investigation_app.command("show")
def show_command(incident_id: IncidentArg, as_json: JsonOption = False,
                 workdir: WorkdirOption = None) -> None:
    """The record, by kind, and which component owns what."""
    settings = settings_for(workdir)
    with transaction(workdir) as session:
        record = investigation_record(session, incident_id, clock.today(settings.timezone))
    if as_json:
        print_json(record)
        return
    table = Table(title=f"Investigation record of {incident_id}", title_justify="left")
    for column in ("id", "kind", "component", "title", "owner", "due", "status"):
        table.add_column(column)
    for item in record["items"]:
        table.add_row(str(item["id"]), item["kind"], item["component"], item["title"],
                      item["owner"] or "", item["due"] or "", item["status"])
    out.print(table)


def _fields(**given: Any) -> dict[str, Any]:
    return {k: v for k, v in given.items() if v is not None}


@investigation_app.command("add")
def add_command(
    incident_id: IncidentArg,
    kind: Annotated[str, Opt("--kind", help="review | corrective_action | mitigation | lesson")],
    component: Annotated[str, Opt("--component", help="Who: OPR, OCIO, ICE Privacy, DHS...")],
    title: Annotated[str, Opt("--title", help="What it is, in a line.")],
    findings: Annotated[str | None, Opt(help="Findings or notes.")] = None,
    owner: Annotated[str | None, Opt(help="Who answers for it (corrective actions).")] = None,
    due: Annotated[str | None, Opt(help="Due date (ISO).")] = None,
    opened_on: Annotated[str | None, Opt(help="Opened on (ISO; default today).")] = None,
    evidence: Annotated[str | None, Opt(help="Evidence it is done.")] = None,
    status: Annotated[str | None, Opt(help="open | in_progress | done")] = None,
    as_json: JsonOption = False,
    workdir: WorkdirOption = None,
) -> None:
    """Record a review, corrective action, mitigation or lesson."""
    settings = settings_for(workdir)
    with transaction(workdir) as session:
        item = as_dict(add_item(session, incident_id, kind=kind, actor=actor(),
                                today=clock.today(settings.timezone), **_fields(
            component=component, title=title, findings=findings, owner=owner, due=due,
            opened_on=opened_on, evidence=evidence, status=status)))
    if as_json:
        print_json(item)
    else:
        err.print(f"entry {item['id']} recorded ({item['kind']}, {item['component']})")


@investigation_app.command("update")
def update_command(
    incident_id: IncidentArg,
    item_id: Annotated[int, typer.Argument(metavar="ENTRY", help="The entry's number.")],
    component: Annotated[str | None, Opt()] = None,
    title: Annotated[str | None, Opt()] = None,
    findings: Annotated[str | None, Opt()] = None,
    owner: Annotated[str | None, Opt()] = None,
    due: Annotated[str | None, Opt()] = None,
    evidence: Annotated[str | None, Opt()] = None,
    status: Annotated[str | None, Opt(help="open | in_progress | done")] = None,
    as_json: JsonOption = False,
    workdir: WorkdirOption = None,
) -> None:
    """Change an entry (findings, evidence, status...)."""
    settings = settings_for(workdir)
    with transaction(workdir) as session:
        item = as_dict(update_item(session, incident_id, item_id, actor=actor(),
                                   today=clock.today(settings.timezone), **_fields(
            component=component, title=title, findings=findings, owner=owner, due=due,
            evidence=evidence, status=status)))
    if as_json:
        print_json(item)
    else:
        err.print(f"entry {item['id']} updated: {item['status']}")


def register(app: typer.Typer) -> None:
    app.add_typer(investigation_app, name="investigation")
