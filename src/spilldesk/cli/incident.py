"""`spilldesk incident open|show|list|ingest|contact`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
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
    settings_for,
    transaction,
)
from spilldesk.domain.holds import DEFAULT_HOLD_DAYS, DEFAULT_MAIL_DAYS
from spilldesk.intake.incidents import (
    describe,
    get_incident,
    list_incidents,
    open_incident,
    set_contact_phone,
    spec_from_mapping,
)
from spilldesk.intake.ingest import ingest_document

incident_app = typer.Typer(help="Open incidents and ingest what they disclosed.",
                           no_args_is_help=True)
Opt = typer.Option


@incident_app.command("open")
def open_command(
    incident_id: Annotated[str, typer.Argument(metavar="ID")],
    title: Annotated[str | None, Opt(help="A short title.")] = None,
    exposed_from: Annotated[str | None, Opt(help="When the data became exposed (ISO).")] = None,
    exposed_until: Annotated[str | None, Opt(help="When the exposure ended (ISO).")] = None,
    description: Annotated[str | None, Opt()] = None,
    disclosed_how: Annotated[str | None, Opt(help="How it was disclosed.")] = None,
    disclosed_to: Annotated[str | None, Opt(help="To whom.")] = None,
    discovered_at: Annotated[str | None, Opt(help="When the agency learned of it.")] = None,
    custody_reference_date: Annotated[
        str | None, Opt(help="Date the disclosed data describe custody on.")] = None,
    language: Annotated[list[str] | None, Opt("--language", help="A notice language (repeat).")
                        ] = None,
    hold_days: Annotated[int, Opt(help="Removal hold, days from notice.")] = DEFAULT_HOLD_DAYS,
    mail_days: Annotated[int, Opt(
        help="Days after mailing that mail counts as provided.")] = DEFAULT_MAIL_DAYS,
    originating_component: Annotated[str | None, Opt()] = None,
    reveals_status_of: Annotated[str | None, Opt(
        help="An earlier incident whose leak this disclosure told someone about.")] = None,
    disclosed_url: Annotated[str | None, Opt(
        help="Where the document was posted (URL or path): what `clawback find` looks for.")
    ] = None,
    risk_nature: Annotated[str | None, Opt(help="low|moderate|high")] = None,
    risk_likelihood: Annotated[str | None, Opt(help="low|moderate|high")] = None,
    breach_type: Annotated[str | None, Opt(help="public_posting, foreign_government, ...")] = None,
    risk_reason: Annotated[list[str] | None, Opt("--risk-reason", help="Repeatable.")] = None,
    from_file: Annotated[Path | None, Opt(help="YAML with the incident's record.")] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open an incident (options, or a YAML record with --from-file)."""
    settings = settings_for(workdir)
    data: dict[str, Any] = {}
    if from_file:
        try:
            loaded = yaml.safe_load(from_file.read_text())
        except (OSError, yaml.YAMLError) as exc:
            fail(f"{from_file}: cannot read the incident record ({type(exc).__name__})")
        if not isinstance(loaded, dict):
            fail(f"{from_file}: expected a mapping of incident fields")
        data.update(loaded)
    options = {
        "title": title, "exposed_from": exposed_from, "exposed_until": exposed_until,
        "description": description, "disclosed_how": disclosed_how, "disclosed_to": disclosed_to,
        "discovered_at": discovered_at, "custody_reference_date": custody_reference_date,
        "originating_component": originating_component,
        "reveals_status_of": reveals_status_of,
        "disclosed_url": disclosed_url,
        "notice_languages": language,
    }
    data.update({k: v for k, v in options.items() if v is not None})
    data["id"] = incident_id
    data.setdefault("hold_days", hold_days)
    data.setdefault("mail_days", mail_days)
    if risk_nature or risk_likelihood or breach_type:
        if not (risk_nature and risk_likelihood and breach_type):
            fail("risk of harm: give --risk-nature, --risk-likelihood and --breach-type together")
        data["risk_of_harm"] = {"nature_and_sensitivity": risk_nature,
                                "likelihood_of_access_and_use": risk_likelihood,
                                "breach_type": breach_type, "reasons": risk_reason or []}
    for required in ("title", "exposed_from", "exposed_until"):
        if not data.get(required):
            fail(f"--{required.replace('_', '-')} is required")
    with transaction(workdir) as session:
        spec = spec_from_mapping(data, settings.timezone)
        incident, created = open_incident(session, spec, actor=actor())
        record = describe(incident)
    if as_json:
        print_json({"created": created, "incident": record})
    else:
        err.print(f"incident {incident_id} {'opened' if created else 'already open, unchanged'}")


@incident_app.command("show")
def show_command(incident_id: Annotated[str, typer.Argument(metavar="ID")],
                 workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """An incident's record."""
    with transaction(workdir) as session:
        record = describe(get_incident(session, incident_id))
    if as_json:
        print_json(record)
        return
    table = Table(show_header=False, box=None)
    for key, value in record.items():
        table.add_row(key.replace("_", " "), str(value if value is not None else "—"))
    out.print(table)


@incident_app.command("list")
def list_command(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Every incident, oldest exposure first."""
    with desk(workdir) as store, store.session() as session:
        records = [describe(i) for i in list_incidents(session)]
    if as_json:
        print_json({"incidents": records})
        return
    zone = settings_for(workdir).timezone
    table = Table("id", "title", "exposed (agency time)", "risk")
    for r in records:
        risk = r["risk_of_harm"]
        table.add_row(str(r["id"]), str(r["title"]), _local(str(r["exposed_from"]), zone),
                      str(risk["level"]) if isinstance(risk, dict) else "—")
    out.print(table)


@incident_app.command("ingest")
def ingest_command(
    incident_id: Annotated[str, typer.Argument(metavar="ID")],
    file: Annotated[Path, typer.Argument(metavar="FILE")],
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extract and store the person records a disclosed document holds (sealed)."""
    with transaction(workdir) as session:
        report = ingest_document(session, incident_id, file, actor=actor())
    if as_json:
        print_json(report.__dict__)
    elif report.already_ingested:
        err.print(f"{report.file}: already ingested for {incident_id}; nothing changed")
    else:
        err.print(f"{report.file}: {report.records} person records ingested for {incident_id} "
                  f"({report.hidden_records} from hidden places); data elements: "
                  f"{', '.join(report.data_elements)}")


@incident_app.command("contact")
def contact_command(
    incident_id: Annotated[str, typer.Argument(metavar="ID")],
    phone: Annotated[str, Opt("--phone", help="The line the notices give; '' removes it.")],
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set the telephone line the incident's notices give their readers."""
    with transaction(workdir) as session:
        record = describe(set_contact_phone(session, incident_id, phone, actor=actor()))
    if as_json:
        print_json({"incident": incident_id, "contact_phone": record["contact_phone"]})
    else:
        line = record["contact_phone"] or "no telephone line"
        err.print(f"incident {incident_id}: notices generated from now on give {line}")


def _local(iso: str, zone: Any) -> str:
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def register(app: typer.Typer) -> None:
    app.add_typer(incident_app, name="incident")

