"""`spilldesk alerts list|export|push|ack`: alerts for the ERO/OPLA record systems and CBP.

`export` writes the feed (with full A-numbers, the receiving system's key) to a file in the
work directory unless `--out` names another place; `--out -` writes it to stdout on purpose.
The webhook secret is read from an environment variable, never from the command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from spilldesk import clock
from spilldesk.cli.common import (
    JsonOption,
    ShowANumbersOption,
    WorkdirOption,
    actor,
    desk,
    err,
    fail,
    print_json,
    settings_for,
)
from spilldesk.cli.listing import print_listing
from spilldesk.config import WEBHOOK_SECRET
from spilldesk.notify.alerts import (
    AlertError,
    acknowledge_alert,
    alert_feed,
    check_system,
    list_alerts,
    push_alerts,
    render_feed,
)
from spilldesk.private_files import write_private

alerts_app = typer.Typer(
    help="Alerts for ERO, OPLA and CBP: feed, webhook, acknowledgement.", no_args_is_help=True
)
SystemOption = Annotated[str, typer.Option("--system", help="ERO, OPLA or CBP.")]


@alerts_app.command("list")
def list_command(
    system: Annotated[str | None, typer.Option("--system", help="ERO, OPLA or CBP.")] = None,
    show_a_numbers: ShowANumbersOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every alert and its delivery state (A-numbers masked unless --show-a-numbers)."""
    with desk(workdir) as store, store.session() as session:
        try:
            rows = list_alerts(session, system, reveal_a_numbers=show_a_numbers, actor=actor())
        except AlertError as exc:
            fail(str(exc))
    if as_json:
        print_json({"alerts": rows})
        return
    print_listing(
        f"{len(rows)} alerts",
        ("id", "system", "kind", "incident", "A-number", "status", "attempts"),
        ((r["id"], r["system"], r["kind"], r["incident"], r["a_number"], r["status"],
          r["attempts"]) for r in rows),
    )


@alerts_app.command("export")
def export_command(
    system: SystemOption,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[
        str | None, typer.Option("--out", help="File to write; '-' = stdout.")
    ] = None,
    pending_only: Annotated[
        bool, typer.Option("--pending", help="Only undelivered alerts.")
    ] = False,
    workdir: WorkdirOption = None,
) -> None:
    """Write the alert feed of one system (JSON Lines or CSV)."""
    try:
        name = check_system(system)
        render_feed([], fmt)
    except AlertError as exc:
        fail(str(exc))
    statuses = ("pending", "failed") if pending_only else None
    with desk(workdir) as store, store.session() as session:
        messages = alert_feed(session, name, actor=actor(), statuses=statuses)
    text = render_feed(messages, fmt)
    if output == "-":
        typer.echo(text, nl=False)
        return
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    default = settings_for(workdir).output_dir("alerts") / f"alerts-{name}-{stamp}.{fmt}"
    path = Path(output) if output else default
    try:
        write_private(path, text)
    except OSError as exc:
        fail(f"{path}: cannot write the feed ({type(exc).__name__})")
    err.print(f"{len(messages)} {name} alerts written to {path}")


@alerts_app.command("push")
def push_command(
    system: SystemOption,
    url: Annotated[str, typer.Option("--url", help="The receiving system's webhook URL.")],
    secret_env: Annotated[
        str, typer.Option("--secret-env", help="Variable holding the secret.")
    ] = WEBHOOK_SECRET.env_var,
    max_attempts: Annotated[int, typer.Option("--max-attempts")] = 5,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """POST every undelivered alert of a system to its webhook, signed; exit 1 if any failed."""
    secret = os.environ.get(secret_env, "").encode()
    if not secret:
        fail(f"{secret_env}: not set; it must hold the webhook secret shared with the receiver")
    with desk(workdir) as store, store.session() as session:
        try:
            report = push_alerts(
                session, system, url, secret, actor=actor(), max_attempts=max_attempts
            )
        except AlertError as exc:
            fail(str(exc))
    if as_json:
        print_json(report.to_json())
    else:
        err.print(
            f"{report.system}: {report.delivered} delivered, {report.failed} failed "
            f"({report.attempts} attempts)"
        )
    raise typer.Exit(1 if report.failed else 0)


@alerts_app.command("ack")
def ack_command(
    alert_id: Annotated[int, typer.Argument(metavar="ALERT_ID")],
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that the receiving system has placed the alert."""
    with desk(workdir) as store, store.session() as session:
        try:
            alert = acknowledge_alert(session, alert_id, actor=actor())
        except AlertError as exc:
            fail(str(exc))
        document = {
            "id": alert.id,
            "status": alert.status,
            "acknowledged_at": alert.acknowledged_at,
            "acknowledged_by": alert.acknowledged_by,
        }
    if as_json:
        print_json(document)
    else:
        err.print(f"alert {alert_id} acknowledged")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
