"""`spilldesk monitor run|hits ID`: look for an incident's leaked records wherever they reappear."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    desk,
    err,
    fail,
    out,
    print_json,
    transaction,
)
from spilldesk.monitor.hits import hit_views, hits_of
from spilldesk.monitor.run import MonitorError, Settings, run_monitor
from spilldesk.scan.errors import ScanError
from spilldesk.scan.limits import parse_size

monitor_app = typer.Typer(help="Leak monitoring: find the leaked records where they reappear.",
                          no_args_is_help=True)
IncidentArg = Annotated[str, typer.Argument(metavar="ID", help="The incident.")]
ShowOption = Annotated[bool, typer.Option(
    "--show-a-numbers", help="Show whole A-numbers (an audited read of the persons).")]


@monitor_app.command("run")
def run_command(
    incident_id: IncidentArg,
    sources: Annotated[list[str], typer.Argument(
        metavar="SOURCE...", help="http(s) URLs (crawled on the same host), RSS/Atom feeds "
        "(URL or file), folders, files.")],
    depth: Annotated[int, typer.Option(
        "--depth", min=0, help="How many links deep to crawl from each URL.")] = 1,
    rate: Annotated[float, typer.Option(
        "--rate", min=0.0, help="Requests per second to one host (0: no limit).")] = 2.0,
    max_size: Annotated[str, typer.Option(
        "--max-size", help="Largest document read (e.g. 50M); larger ones are reported.")
    ] = "50M",
    ignore_robots: Annotated[bool, typer.Option(
        "--ignore-robots", help="Fetch what robots.txt disallows (an incident may need it).")
    ] = False,
    show_a_numbers: ShowOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read every document the sources lead to; record each one that carries leaked records.

    A stopped run is resumed by running the same command again."""
    try:
        limit = parse_size(max_size, "--max-size")
    except ScanError as exc:
        fail(str(exc))
    settings = Settings(depth=depth, rate=rate, max_bytes=limit, robots=not ignore_robots)
    with desk(workdir) as store, _progress(enabled=not as_json) as bar:
        task = bar.add_task("reading", total=None, address="")

        def advance(done: int, known: int, address: str) -> None:
            bar.update(task, completed=done, total=known, address=address[-60:])
            bar.refresh()

        try:
            report = run_monitor(store, incident_id, list(sources), actor=actor(),
                                 settings=settings, progress=advance,
                                 show_a_numbers=show_a_numbers)
        except MonitorError as exc:
            fail(str(exc))
    document = report.to_json()
    if as_json:
        print_json(document)
        return
    err.print(f"{document['documents_checked']} document(s) read, {document['unchanged']} "
              f"unchanged since the last check, {len(document['problems'])} problem(s)"
              + (" (resumed run)" if document["resumed"] else ""))
    for problem in document["problems"]:
        err.print(f"[yellow]problem:[/] {problem}", soft_wrap=True)
    _print_hits(document["hits"], f"{len(document['hits'])} hit(s) for {incident_id} "
                                  "in this run")


def _progress(*, enabled: bool) -> Progress:
    return Progress(TextColumn("monitor"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[address]}"),
                    console=err.rich, disable=not enabled, transient=True,
                    # no refresh thread: with one, every document's worker would be
                    # started by the zygote instead of a cheap fork
                    auto_refresh=False)


@monitor_app.command("hits")
def hits_command(
    incident_id: IncidentArg,
    show_a_numbers: ShowOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every hit of the incident, with its evidence and the persons it found."""
    with transaction(workdir) as session:
        views = hit_views(session, hits_of(session, incident_id), actor=actor(),
                          purpose="monitor hits", show_a_numbers=show_a_numbers)
    if as_json:
        print_json({"incident": incident_id, "hits": views})
        return
    _print_hits(views, f"{len(views)} hit(s) for {incident_id}")


def _print_hits(hits: list[dict[str, Any]], title: str) -> None:
    table = Table("reference", "source", "where", "persons", "matched on", "first seen",
                  "sha256", title=title)
    for hit in hits:
        where = hit["location"] or {}
        place = ", ".join(f"{k} {v}" for k, v in where.items() if k not in ("persons",))
        if hit["places"] > 1:
            place += f" (+{hit['places'] - 1} more)"
        persons = ", ".join(p["a_number"] for p in hit["persons"][:6])
        if len(hit["persons"]) > 6:
            persons += f", … ({len(hit['persons'])})"
        table.add_row(hit["reference"], hit["source"], place, persons,
                      ", ".join(f"{k} {v}" for k, v in hit["matched_on"].items()),
                      (hit["first_seen"] or "")[:19].replace("T", " "),
                      hit["evidence_sha256"][:12])
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
