"""`spilldesk clearance A-NUMBER | --manifest FILE`: may these people be removed on a date?

Exit 0 when everyone asked about is cleared, 1 when anyone is blocked, 2 on an error.
A-numbers are shown masked, in JSON too: a manifest's results carry the file's row numbers
so that a scheduling system can match them to its lines.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from spilldesk import clock
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    desk,
    err,
    fail,
    print_json,
    settings_for,
)
from spilldesk.domain.anumber import InvalidANumber
from spilldesk.safeguards.clearance import (
    ClearanceAnswer,
    ManifestError,
    clearance,
    clearance_manifest,
    read_manifest,
)


def parse_on(text: str | None, tz: ZoneInfo) -> date:
    """--on DATE (ISO); today in the agency's time zone when not given."""
    if text is None:
        return clock.today(tz)
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--on: {text!r} is not an ISO date (YYYY-MM-DD)")


def clearance_command(
    a_number: Annotated[str | None, typer.Argument(metavar="A-NUMBER", show_default=False)] = None,
    manifest: Annotated[
        Path | None, typer.Option("--manifest", help="CSV or XLSX with an a_number column.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Removal date (ISO); default today.")
    ] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """May a person (or everyone on a removal manifest) be removed on a date?"""
    if (a_number is None) == (manifest is None):
        fail("give either an A-NUMBER or --manifest FILE")
    settings = settings_for(workdir)
    day = parse_on(on, settings.timezone)
    if manifest is not None:
        _manifest(manifest, day, workdir, as_json)
        return
    if a_number is None:  # excluded above; says so to the type checker too
        fail("give either an A-NUMBER or --manifest FILE")
    with desk(workdir) as store:
        try:
            with store.session() as session:
                answer = clearance(session, a_number, day, actor=actor(), tz=settings.timezone)
        except InvalidANumber as exc:
            fail(f"A-NUMBER: {exc}")
    if as_json:
        print_json(answer.to_json())
    else:
        _print_answer(answer)
    raise typer.Exit(0 if answer.cleared else 1)


def _manifest(path: Path, day: date, workdir: Path | None, as_json: bool) -> None:
    try:
        lines = read_manifest(path)
    except ManifestError as exc:
        fail(str(exc))
    tz = settings_for(workdir).timezone
    with desk(workdir) as store, store.session() as session:
        answer = clearance_manifest(session, [a for _, a in lines], day, actor=actor(), tz=tz)
    document = answer.to_json(rows=[n for n, _ in lines])
    if as_json:
        print_json(document)
    else:
        from spilldesk.cli.listing import print_listing  # only here: one check lists nothing

        print_listing(
            f"{path.name}: removal on {day.isoformat()}",
            ("row", "A-number", "cleared", "blocked until", "reasons"),
            (
                (
                    row["row"],
                    row["a_number"],
                    "yes" if row["cleared"] else "NO",
                    row["blocked_until"] or ("—" if row["cleared"] else "open-ended"),
                    ", ".join(sorted({r["code"] for r in row["reasons"]})),
                )
                for row in document["results"]
            ),
        )
        err.print(f"checked {document['checked']}, blocked {document['blocked']}")
    raise typer.Exit(1 if answer.blocked else 0)


def _print_answer(answer: ClearanceAnswer) -> None:
    if answer.cleared:
        err.print(f"{answer.masked} may be removed on {answer.on.isoformat()}: cleared")
        return
    until = answer.blocked_until.isoformat() if answer.blocked_until else "an open-ended date"
    err.print(
        f"[bold red]{answer.masked} is BLOCKED[/] on {answer.on.isoformat()}; "
        f"first date removal is allowed: {until}"
    )
    for reason in answer.reasons:
        err.print(f"  - {reason.code.value}: {reason.text}")


def register(app: typer.Typer) -> None:
    app.command("clearance")(clearance_command)
