"""`spilldesk custody decide --a-number A --decision D --rationale TEXT [--bond-amount N]`."""

from __future__ import annotations

from typing import Annotated

import typer

from spilldesk.casework.custody import decide_custody
from spilldesk.cli.common import (
    JsonOption,
    WorkdirOption,
    actor,
    err,
    print_json,
    transaction,
)
from spilldesk.domain.posture import CustodyDecisionKind

custody_app = typer.Typer(help="Case-by-case custody redeterminations.", no_args_is_help=True)
DECISIONS = ", ".join(kind.value for kind in CustodyDecisionKind)


@custody_app.command("decide")
def decide(
    a_number: Annotated[str, typer.Option("--a-number", help="The person's A-number.")],
    decision: Annotated[str, typer.Option("--decision", help=f"One of: {DECISIONS}.")],
    rationale: Annotated[str, typer.Option("--rationale", help="Why (case by case).")],
    bond_amount: Annotated[
        int | None, typer.Option("--bond-amount", help="Dollars, for a bond decision.")
    ] = None,
    workdir: WorkdirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a decision; it closes the person's open custody_redetermination task."""
    with transaction(workdir) as session:
        result = decide_custody(session, a_number, decision=decision,
                                rationale=rationale, bond_amount=bond_amount,
                                actor=actor())
    if as_json:
        print_json(result.to_json())
        return
    closed = f"closed task {result.task_id}" if result.task_id else "no open task to close"
    err.print(f"custody decision {result.decision_id} for {result.a_number}: "
              f"{result.decision}; {closed}")


def register(app: typer.Typer) -> None:
    app.add_typer(custody_app, name="custody")
