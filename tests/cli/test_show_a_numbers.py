"""`--show-a-numbers` on every command that lists persons: masked without it, whole with it,
and the whole ones are an audited read (one bulk-read event naming the command)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.notify.notices import ensure_notices_for
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent, Exposure
from tests.notify.test_notices import PEOPLE
from tests.notify.test_notices import desk as notices_desk  # noqa: F401 - a fixture

pytestmark = pytest.mark.db
runner = CliRunner()
WHOLE = {line.split(",")[0] for line in PEOPLE}
A_NUMBER = re.compile(r"A[0-9*]{9}")

# Each command, and the JSON path to the A-numbers it lists.
COMMANDS = {
    "plan": (["plan", "NOV28", "--dry-run"], lambda d: [p["a_number"] for p in d["persons"]]),
    "tasks": (["tasks"], lambda d: [t["a_number"] for t in d["tasks"] if t["a_number"]]),
    "notify status": (["notify", "status", "NOV28"],
                      lambda d: [p["a_number"] for p in d["not_provided"]]),
    "alerts list": (["alerts", "list"], lambda d: [a["a_number"] for a in d["alerts"]]),
    "hold list": (["hold", "list", "NOV28", "--on", "2022-12-01"],
                  lambda d: [h["a_number"] for h in d["holds"]]),
}


@pytest.fixture
def planned(notices_desk: Store) -> Store:  # noqa: F811 - the imported fixture
    planned = runner.invoke(app, ["plan", "NOV28", "--json"])
    assert planned.exit_code == 0, planned.output
    with notices_desk.session() as session:
        ensure_notices_for(session, list(session.execute(select(Exposure)).scalars()),
                           actor="test")
    return notices_desk


def _reads(store: Store) -> list[dict]:
    with store.session() as session:
        return [e.detail for e in session.execute(
            select(AuditEvent).where(AuditEvent.action == "person.bulk_read")).scalars()]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_masked_by_default_whole_with_the_flag_and_audited(planned: Store, name: str) -> None:
    argv, listed = COMMANDS[name]
    before = len(_reads(planned))
    masked = runner.invoke(app, [*argv, "--json"])
    assert masked.exit_code == 0, masked.output
    shown = listed(json.loads(masked.stdout))
    assert shown and all(a.startswith("A*****") for a in shown), shown
    assert not WHOLE & set(A_NUMBER.findall(masked.stdout))
    assert len(_reads(planned)) == before  # nothing was opened

    whole = runner.invoke(app, [*argv, "--json", "--show-a-numbers"])
    assert whole.exit_code == 0, whole.output
    revealed = listed(json.loads(whole.stdout))
    assert len(revealed) == len(shown) and set(revealed) <= WHOLE
    assert [a[-4:] for a in revealed] == [a[-4:] for a in shown]  # same persons, same order
    reads = _reads(planned)[before:]
    assert len(reads) == 1 and reads[0]["count"] == len(set(revealed))
    assert "--show-a-numbers" in reads[0]["purpose"] or "persons" in reads[0]["purpose"]

    table = runner.invoke(app, [*argv, "--show-a-numbers"])  # the human form shows them too
    assert table.exit_code == 0, table.output
    assert set(A_NUMBER.findall(table.stdout)) & WHOLE
