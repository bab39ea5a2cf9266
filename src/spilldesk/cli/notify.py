"""`spilldesk notify generate|record|import|status ID`: notice packets and their delivery."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from spilldesk.cli.common import (
    JsonOption,
    ShowANumbersOption,
    WorkdirOption,
    a_number_column,
    actor,
    desk,
    err,
    fail,
    incident_folder,
    out,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.domain.anumber import InvalidANumber
from spilldesk.domain.dates import InvalidDate, parse_timestamp
from spilldesk.notify.delivery_sheets import read_delivery_sheet
from spilldesk.notify.extension_letters import write_extension_letters
from spilldesk.notify.generate import generate_packets
from spilldesk.notify.notices import (
    Delivery,
    NoticeError,
    import_deliveries,
    notice_status,
    record_delivery,
)

notify_app = typer.Typer(help="Notice packets: generate, record deliveries, status.",
                         no_args_is_help=True)
IncidentArg = Annotated[str, typer.Argument(metavar="ID", help="The incident.")]


@notify_app.command("generate")
def generate_command(
    incident_id: IncidentArg,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default <workdir>/packets/<ID>).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Rendering processes (default: up to 2).")] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Render every notice not yet on its way, the manifests, mail merge and follow-up list."""
    settings = settings_for(workdir)
    target = out_dir or settings.workdir / "packets" / incident_folder(incident_id)
    with transaction(workdir) as session:
        report = generate_packets(session, incident_id, target, actor=actor(),
                                  tz=settings.timezone, progress=not as_json,
                                  workers=workers)
    if as_json:
        print_json(report.as_dict())
        return
    err.print(f"{report.packets} packets in {report.out_dir} ({report.seconds:.1f} s); "
              f"{report.manifests} facility manifests; {report.follow_up} need an address")
    _counts_table(f"packets of {incident_id}", {"language": report.by_language,
                                                  "channel": report.by_channel})


@notify_app.command("extension-letters")
def extension_letters_command(
    incident_id: IncidentArg,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default <workdir>/packets/<ID>).")] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """After `hold extend`: a letter to each held person whose notice already went out, with
    the new end of their pause or "until further notice"."""
    settings = settings_for(workdir)
    target = out_dir or settings.workdir / "packets" / incident_id
    with transaction(workdir) as session:
        report = write_extension_letters(session, incident_id, target, actor=actor(),
                                         tz=settings.timezone)
    if as_json:
        print_json(report.as_dict())
        return
    err.print(f"{report.letters} extension letters in {target / 'extensions'} "
              f"({report.until_further_notice} until further notice); "
              f"{report.waiting_for_their_notice} notices not yet out will print the extension "
              "at the next `notify generate`")


@notify_app.command("record")
def record_command(
    incident_id: IncidentArg,
    a_number: Annotated[str, typer.Option("--a-number", help="The person's A-number.")],
    recipient: Annotated[str, typer.Option(
        "--recipient", help="noncitizen | representative")],
    status: Annotated[str, typer.Option(
        "--status", help="delivered | refused | returned | attempted | mailed | void (with "
        "--corrects: the corrected record never happened)")],
    at: Annotated[str, typer.Option("--at", help="When (ISO; agency time zone if no offset).")],
    method: Annotated[str | None, typer.Option(
        "--method", help="hand | usps | email (default: the notice's channel).")] = None,
    served_by: Annotated[str | None, typer.Option(
        "--served-by", help="Who served it (proof of service for hand delivery).")] = None,
    location: Annotated[str | None, typer.Option("--location", help="Where.")] = None,
    note: Annotated[str | None, typer.Option(
        "--note", help="Anything else; for a correction, why the earlier record was wrong.")
    ] = None,
    corrects: Annotated[int | None, typer.Option(
        "--corrects", help="The id of an earlier record this one corrects (records are never "
        "edited; the hold clock ignores the corrected one).")] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record one delivery attempt of a notice (the hold clock reads these), or a correction."""
    settings = settings_for(workdir)
    try:
        moment = parse_timestamp(at, settings.timezone)
    except InvalidDate as exc:
        fail(f"--at: {exc}")
    delivery = Delivery(status.strip().lower(), moment,
                        method.strip().lower() if method else None, served_by, location, note,
                        corrects)
    with desk(workdir) as store:
        try:
            with store.session() as session:
                attempt = record_delivery(session, incident_id, a_number, recipient, delivery,
                                          actor=actor())
                document = {"incident": incident_id, "attempt": attempt.id,
                            "status": attempt.status, "method": attempt.method,
                            "at": attempt.at.isoformat(), "corrects": attempt.corrects_id}
        except InvalidANumber as exc:
            fail(f"--a-number: {exc}")
        except NoticeError as exc:
            fail(str(exc))
    if as_json:
        print_json(document)
    else:
        corrects_note = f", correcting record {corrects}" if corrects is not None else ""
        err.print(f"recorded #{document['attempt']}: {document['status']} by "
                  f"{document['method']} at {at}{corrects_note}")


@notify_app.command("import")
def import_command(
    incident_id: IncidentArg,
    file: Annotated[Path, typer.Argument(help="Officers' sheet or mail-house results (CSV).")],
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record every delivery result of a file, or none if any row is wrong."""
    settings = settings_for(workdir)
    with desk(workdir) as store:
        try:
            rows = read_delivery_sheet(file, settings.timezone)
            with store.session() as session:
                counts = import_deliveries(session, incident_id, rows, source=file.name,
                                           actor=actor())
        except NoticeError as exc:
            fail(str(exc))
    if as_json:
        print_json({"incident": incident_id, "file": str(file), "recorded": counts})
    else:
        err.print(f"{sum(counts.values())} deliveries recorded from {file.name}: "
                  + ", ".join(f"{k} {v}" for k, v in counts.items()))


@notify_app.command("status")
def status_command(
    incident_id: IncidentArg,
    show_a_numbers: ShowANumbersOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Notices by language, channel and state; how many reached the noncitizen, and who has
    not been reached yet (A-numbers masked unless --show-a-numbers)."""
    with transaction(workdir) as session:
        summary = notice_status(session, incident_id, tz=settings_for(workdir).timezone,
                                list_persons=True,
                                reveal_a_numbers=show_a_numbers, actor=actor())
    if as_json:
        print_json(summary)
        return
    _counts_table(f"notices of {incident_id}", {
        "recipient": summary["by_recipient"], "language": summary["by_language"],
        "channel": summary["by_channel"], "status": summary["by_status"]})
    err.print(f"provided to the noncitizen: {summary['provided_to_noncitizen']} of "
              f"{summary['noncitizens']} ({summary['provided_percent']}%); "
              f"translation service: {summary['needs_translation']}; "
              f"follow-up: {summary['follow_up']}")
    _waiting_table(summary["not_provided"])


def _waiting_table(waiting: list[dict[str, str]], shown: int = 20) -> None:
    if not waiting:
        return
    table = Table(a_number_column(), "notice", "language", "channel", "status",
                  title="not yet provided to the noncitizen")
    for row in waiting[:shown]:
        table.add_row(row["a_number"], row["notice_number"], row["language"], row["channel"],
                      row["status"])
    out.print(table)
    if len(waiting) > shown:
        err.print(f"... and {len(waiting) - shown} more (--json lists every one)")


def _counts_table(title: str, groups: dict[str, dict[str, int]]) -> None:
    table = Table("by", "value", "notices", title=title)
    for group, counts in groups.items():
        for value, count in counts.items():
            table.add_row(group, value, str(count))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
