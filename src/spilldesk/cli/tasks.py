"""`spilldesk tasks [filters]` lists the work; `spilldesk task done|waive TASK_ID --outcome`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from spilldesk import clock
from spilldesk.casework.tasks import TaskView, finish_task, list_tasks
from spilldesk.cli.common import (
    JsonOption,
    ShowANumbersOption,
    WorkdirOption,
    actor,
    err,
    print_json,
    settings_for,
    transaction,
)
from spilldesk.cli.listing import print_listing

task_app = typer.Typer(help="Finish a task: done (with its outcome) or waived (with why).",
                       no_args_is_help=True)

OutcomeOption = Annotated[str, typer.Option("--outcome", help="What was done, or why waived.")]


def tasks_command(
    incident: Annotated[str | None, typer.Option("--incident", help="Incident id.")] = None,
    a_number: Annotated[str | None, typer.Option("--a-number", help="One person.")] = None,
    component: Annotated[
        str | None, typer.Option("--component", help="OPLA, ERO, CBP or PRIVACY.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="open, done, waived or withdrawn.")
    ] = None,
    action: Annotated[str | None, typer.Option("--action", help="An action code.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open tasks past their due date (today).")
    ] = False,
    show_a_numbers: ShowANumbersOption = False,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """The task queue, by due date (A-numbers masked unless --show-a-numbers)."""
    today = clock.today(settings_for(workdir).timezone) if overdue else None
    with transaction(workdir) as session:
        tasks = list_tasks(session, actor=actor(), incident=incident, a_number=a_number,
                           component=component, status=status, action=action,
                           overdue_on=today, reveal_a_numbers=show_a_numbers)
    if as_json:
        print_json({"count": len(tasks), "tasks": [task.to_json() for task in tasks]})
        return
    _print(tasks, today)


def _print(tasks: list[TaskView], today: date | None) -> None:
    print_listing(
        f"{len(tasks)} tasks" + (f" overdue on {today}" if today else ""),
        ("id", "about", "incidents", "action", "component", "status", "due", "owner"),
        ((task.id, task.a_number or task.subject or "—", ", ".join(task.incidents), task.action,
          task.component, task.status, task.due or "", task.owner or "") for task in tasks),
    )


def _finish(task_id: int, status: str, outcome: str, workdir: WorkdirOption,
            as_json: bool) -> None:
    with transaction(workdir) as session:
        view = finish_task(session, task_id, status=status, outcome=outcome,
                           actor=actor())
    if as_json:
        print_json(view.to_json())
    else:
        err.print(f"task {view.id} ({view.action}, {view.a_number or view.subject}) is "
                  f"{view.status}")


@task_app.command("done")
def done(
    task_id: Annotated[int, typer.Argument(metavar="TASK_ID")],
    outcome: OutcomeOption,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark an open task done, with its outcome."""
    _finish(task_id, "done", outcome, workdir, as_json)


@task_app.command("waive")
def waive(
    task_id: Annotated[int, typer.Argument(metavar="TASK_ID")],
    outcome: OutcomeOption,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Waive an open task, saying why."""
    _finish(task_id, "waived", outcome, workdir, as_json)


def register(app: typer.Typer) -> None:
    app.command("tasks")(tasks_command)
    app.add_typer(task_app, name="task")
