"""`spilldesk audit verify`: walk the hash chain end to end."""

from __future__ import annotations

import typer

from spilldesk.cli.common import JsonOption, WorkdirOption, desk, err, print_json
from spilldesk.store.audit import verify as verify_chain

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Check every audit event against the chain; exit 1 naming the first bad event."""
    with desk(workdir) as store, store.session() as session:
        result = verify_chain(session)
    if as_json:
        print_json(result.__dict__)
    elif result.ok:
        err.print(f"audit log intact: {result.events} events")
    else:
        err.print(
            f"[bold red]audit log broken at event {result.first_bad_seq}:[/] {result.problem}"
        )
    raise typer.Exit(0 if result.ok else 1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
