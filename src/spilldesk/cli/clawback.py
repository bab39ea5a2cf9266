"""`spilldesk clawback find|letters|answer|status ID`: who downloaded the document, their
letters and their answers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from spilldesk.clawback.answers import clawback_status, record_answer
from spilldesk.clawback.letters import REPLY_DAYS, write_letters
from spilldesk.clawback.logs import LogError, LogReading, read_logs
from spilldesk.clawback.owners import OwnersError, parse_networks, read_owners
from spilldesk.clawback.search import ClawbackError, examine, record_search, search_target
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    fail,
    incident_folder,
    out,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.domain.dates import InvalidDate, parse_timestamp

clawback_app = typer.Typer(help="Clawback: who downloaded the document, letters, answers.",
                           no_args_is_help=True)
IncidentArg = Annotated[str, typer.Argument(metavar="ID", help="The incident.")]


@clawback_app.command("find")
def find_command(
    incident_id: IncidentArg,
    logs: Annotated[list[Path], typer.Argument(
        metavar="LOG...", help="Access logs: combined/common (plain, .gz, .bz2, .xz) or W3C "
        "extended; a folder stands for every file in it (a rotated set).")],
    url: Annotated[str | None, typer.Option(
        "--url", help="The posted path or URL (default: the incident's; recorded on it if it "
        "has none).")] = None,
    owners: Annotated[Path | None, typer.Option(
        "--owners", help="CSV of network owners: network (CIDR), organization, contact, "
        "address_line1, ..., email, phone.")] = None,
    internal: Annotated[list[str] | None, typer.Option(
        "--internal", help="The agency's own network (CIDR; repeat): never a recipient.")
    ] = None,
    size: Annotated[int | None, typer.Option(
        "--size", help="The document's size in bytes (default: the ingested document's).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Reading processes.")] = 2,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read the logs and record every recipient of the document, with the evidence."""
    settings = settings_for(workdir)
    try:
        table = read_owners(owners) if owners else None
        networks = parse_networks(internal or [])
    except OwnersError as exc:
        fail(str(exc))
    with transaction(workdir) as session:
        target = search_target(session, incident_id, url, size)
    try:
        reading = _read(logs, target.file_name, workers, progress=not as_json)
        found_size, source, findings = examine(target, reading, networks)
    except (LogError, ClawbackError) as exc:
        fail(str(exc))
    with transaction(workdir) as session:
        report = record_search(session, target, found_size, source, reading, findings,
                               owners=table, owners_file=owners,
                               internal=[str(n) for n in networks],
                               actor=actor(), tz=settings.timezone)
        document = report.to_json(settings.timezone)
    if as_json:
        print_json(document)
        return
    _print_find(document)


def _read(logs: list[Path], name: str, workers: int, *, progress: bool) -> LogReading:
    if not progress:
        return read_logs(logs, name, workers=workers)
    columns = (TextColumn("reading logs"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err.rich, transient=True) as bar:
        task = bar.add_task("logs", total=None)
        return read_logs(logs, name, workers=workers,
                         on_progress=lambda done, total: bar.update(task, completed=done,
                                                                    total=total))


def _print_find(document: dict[str, Any]) -> None:
    for log in document["logs"]:
        bad = log["malformed"]
        where = (f" (line{'s' if bad > 1 else ''} {', '.join(map(str, log['malformed_lines']))}"
                 f"{', …' if bad > len(log['malformed_lines']) else ''})" if bad else "")
        err.print(f"{log['file']}: {log['format']}, {log['lines']:,} lines, {bad:,} "
                  f"malformed{where}")
    err.print(f"{document['url']} ({document['document_size']:,} bytes, size from "
              f"{document['size_source']}), exposed {document['window']['from']} → "
              f"{document['window']['until']}")
    err.print("evidence: " + (", ".join(f"{k} {v}" for k, v in document["evidence"].items())
                              or "no request for the file"))
    for warning in document["warnings"]:
        err.print(f"[yellow]warning:[/] {warning}")
    table = Table("reference", "client", "organization", "downloads", "first at", "bytes",
                  title=f"{len(document['recipients'])} recipients of {document['incident']}")
    for r in document["recipients"]:
        owner = r["organization"] or "[bold]unknown: identify the owner[/]"
        if r["crawler"]:
            owner += f" (crawler: {r['crawler']})"
        table.add_row(r["reference"], r["client"], owner, str(r["downloads"]),
                      r["first_at"][:19].replace("T", " "), f"{r['bytes']:,}")
    out.print(table)


@clawback_app.command("letters")
def letters_command(
    incident_id: IncidentArg,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default <workdir>/clawback/<ID>).")] = None,
    reply_days: Annotated[int, typer.Option(
        "--reply-days", help="Days the recipient has to answer.")] = REPLY_DAYS,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write every letter now due: first letters, and follow-ups past their reply-by date."""
    settings = settings_for(workdir)
    target = out_dir or settings.workdir / "clawback" / incident_folder(incident_id)
    with transaction(workdir) as session:
        report = write_letters(session, incident_id, target, actor=actor(),
                               tz=settings.timezone, reply_days=reply_days)
    if as_json:
        print_json(report.as_dict())
        return
    err.print(f"{report.first_letters} letter(s) and {report.follow_ups} follow-up(s) in "
              f"{report.out_dir}; {report.waiting} waiting for an answer, {report.answered} "
              f"answered, {report.awaiting_owner} awaiting owner identification (OPLA tasks), "
              f"{report.exhausted} overdue after every follow-up")


@clawback_app.command("answer")
def answer_command(
    incident_id: IncidentArg,
    recipient: Annotated[str, typer.Argument(
        metavar="RECIPIENT", help="Reference number (or client address).")],
    status: Annotated[str, typer.Option(
        "--status", help="acknowledged | destroyed | refused | no_answer")],
    at: Annotated[str, typer.Option("--at", help="When (ISO; agency time zone if no offset).")],
    evidence: Annotated[str | None, typer.Option(
        "--evidence", help="What shows it: a signed certification, an email, a call.")] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a recipient's answer (or that none came)."""
    settings = settings_for(workdir)
    try:
        moment = parse_timestamp(at, settings.timezone)
    except InvalidDate as exc:
        fail(f"--at: {exc}")
    with transaction(workdir) as session:
        recorded = record_answer(session, incident_id, recipient, status=status, at=moment,
                                 evidence=evidence, actor=actor(), tz=settings.timezone)
    document = {"incident": incident_id, "reference": recorded.reference,
                "client": recorded.client, "status": recorded.status,
                "at": recorded.at.astimezone(settings.timezone).isoformat(),
                "state": recorded.state}
    if as_json:
        print_json(document)
    else:
        err.print(f"{recorded.reference}: {recorded.status} recorded; now {recorded.state}")


@clawback_app.command("status")
def status_command(incident_id: IncidentArg, workdir: WorkdirOption = None,
                   as_json: JsonOption = False) -> None:
    """Where each recipient stands: sent, answered, overdue."""
    settings = settings_for(workdir)
    with transaction(workdir) as session:
        status = clawback_status(session, incident_id, tz=settings.timezone)
    if as_json:
        print_json(status)
        return
    counts = status["counts"]
    err.print(f"{incident_id} on {status['on']}: {counts['recipients']} recipients, "
              f"{counts['sent']} sent, {counts['answered']} answered, {counts['overdue']} "
              f"overdue, {counts['awaiting_owner']} awaiting owner, {counts['to_send']} to send")
    table = Table("reference", "client", "organization", "state", "letters", "reply by",
                  "answer", title=f"clawback of {incident_id}")
    for r in status["recipients"]:
        letter, answer = r["last_letter"], r["answer"]
        table.add_row(r["reference"], r["client"], r["organization"] or "unknown", r["state"],
                      str(r["letters"]), letter["reply_by"] if letter else "—",
                      f"{answer['status']} {answer['at'][:10]}" if answer else "—")
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(clawback_app, name="clawback")
