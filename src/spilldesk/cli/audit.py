"""`spilldesk audit verify` walks the keyed hash chain end to end, held against the signed
checkpoints exported outside the database; `spilldesk audit checkpoint` exports one;
`spilldesk audit person A-NUMBER` lists every event that concerns one person."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    desk,
    err,
    fail,
    print_json,
)
from spilldesk.store.audit import snapshot
from spilldesk.store.audit import verify as verify_chain
from spilldesk.store.checkpoints import (
    CheckpointError,
    append_checkpoint,
    audit_key_for,
    checkpoint,
    read_checkpoints,
)
from spilldesk.store.models import AuditHead

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Check every audit event against the chain and the exported checkpoints; exit 1 naming
    the first bad event. A log that verifies is checkpointed."""
    with desk(workdir) as store:
        try:
            key = audit_key_for(store)
            marks = read_checkpoints(store.settings.audit_checkpoints, key)
        except CheckpointError as exc:
            _report_broken(as_json, None, f"checkpoint file: {exc}")
        with snapshot(store) as session, _progress(as_json) as progress:
            head = session.get(AuditHead, 1)
            task = progress.add_task("verifying", total=head.last_seq if head else None)
            result = verify_chain(session, checkpoints=marks,
                                  progress=lambda n: progress.update(task, completed=n))
        if result.ok:
            last = max(marks, default=0)
            if result.events > last or marks.get(result.events) is None:
                append_checkpoint(store.settings.audit_checkpoints, key,
                                  result.events, result.head)
    if as_json:
        print_json(result.__dict__)
    elif result.ok:
        err.print(f"audit log intact: {result.events} events "
                  f"(held against {result.checkpoints} checkpoints)")
    else:
        err.print(
            f"[bold red]audit log broken at event {result.first_bad_seq}:[/] {result.problem}"
        )
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command("checkpoint")
def checkpoint_command(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Export the chain's head (event count and last hash, signed) to the checkpoint file."""
    with desk(workdir) as store:
        try:
            result = checkpoint(store)
        except CheckpointError as exc:
            _report_broken(as_json, None, f"checkpoint file: {exc}")
        path = store.settings.audit_checkpoints
    if result.problem is not None:
        _report_broken(as_json, result.events, result.problem)
    document = {"ok": True, "events": result.events, "written": result.written is not None,
                "file": str(path)}
    if as_json:
        print_json(document)
    else:
        verb = "checkpoint written" if result.written else "already checkpointed"
        err.print(f"{verb}: {result.events} events ({path})")


@audit_app.command("person")
def person_history(
    a_number: str = typer.Argument(..., help="The person's A-number."),
    workdir: WorkdirOption = None, as_json: JsonOption = False,
) -> None:
    """Every audit event about one person or naming them among many (reads, bulk reads,
    clearance checks, manifests, holds, linkage), newest first: who, when, what, why. The
    lookup is itself audited."""
    from spilldesk.casework.tasks import TaskError, person_by_a_number
    from spilldesk.cli.listing import print_listing
    from spilldesk.store.access_history import events_concerning
    from spilldesk.store.read_sets import ReadSetError

    with desk(workdir) as store, store.session() as session:
        try:
            person = person_by_a_number(session, a_number, actor=actor(),
                                        purpose="audit: events concerning a person")
            events = events_concerning(session, person.id)
        except (TaskError, ReadSetError) as exc:
            fail(str(exc))
        rows = [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                 "object_type": e.object_type, "object_id": e.object_id,
                 "purpose": (e.detail or {}).get("purpose"),
                 "persons": (e.detail or {}).get("count")} for e in events]
    if as_json:
        print_json({"person_id": person.id, "events": rows})
        return
    print_listing(f"{len(rows)} audit events concerning person {person.id}",
                  ["seq", "at", "actor", "action", "purpose", "persons named"],
                  [[str(r["seq"]), r["at"], r["actor"], r["action"], r["purpose"] or "",
                    "" if r["persons"] is None else str(r["persons"])] for r in rows])


def _report_broken(as_json: bool, events: int | None, problem: str) -> None:
    if as_json:
        print_json({"ok": False, "events": events, "problem": problem})
    else:
        err.print(f"[bold red]audit log broken:[/] {problem}", soft_wrap=True)
    raise typer.Exit(1)


def _progress(as_json: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=err.rich, transient=True, disable=as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
