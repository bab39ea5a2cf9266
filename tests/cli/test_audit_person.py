"""`spilldesk audit person A-NUMBER`: every event about the person or naming them among many
(a bulk read listed or packed), newest first, and the lookup itself audited; the person's
file in the web desk shows the same events."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.store.access_history import events_concerning
from spilldesk.store.audit import record_event
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent, Person
from spilldesk.store.people import find_person
from spilldesk.store.read_sets import persons_named
from tests.cli.test_show_a_numbers import WHOLE, planned  # noqa: F401 - a fixture
from tests.notify.test_notices import desk as notices_desk  # noqa: F401 - a fixture

pytestmark = pytest.mark.db
runner = CliRunner()


def _history(a_number: str) -> list[dict]:
    result = runner.invoke(app, ["audit", "person", a_number, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["events"]


def test_bulk_reads_that_name_the_person_are_in_their_history(planned: Store) -> None:  # noqa: F811
    a_number = sorted(WHOLE)[0]
    shown = runner.invoke(app, ["plan", "NOV28", "--dry-run", "--show-a-numbers", "--json"])
    assert shown.exit_code == 0, shown.output
    with planned.session() as session:
        person = find_person(session, a_number)
        others = [p.id for p in session.execute(select(Person)).scalars() if p.id != person.id]
        # A read of more persons than are listed: packed, and still naming this one.
        record_event(session, actor="test", action="person.bulk_read",
                     object_type="person",
                     detail={"purpose": "a big read",
                             **persons_named([person.id, *range(10**6, 10**6 + 30000)])})
        big = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        record_event(session, actor="test", action="person.bulk_read", object_type="person",
                     detail={"purpose": "others only", **persons_named(others)})
    events = _history(a_number)
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs, reverse=True)
    purposes = {e["purpose"] for e in events if e["action"] == "person.bulk_read"}
    assert "a big read" in purposes and "others only" not in purposes
    assert any(e["seq"] == big and e["persons"] == 30001 for e in events)
    assert any(e["action"] == "person.bulk_read" and "plan" in (e["purpose"] or "")
               for e in events)
    # Asking is itself on the record, and shows in the next answer.
    assert _history(a_number)[0]["action"] == "person.lookup"


def test_the_person_file_and_the_command_agree(planned: Store) -> None:  # noqa: F811
    a_number = sorted(WHOLE)[1]
    events = _history(a_number)
    with planned.session(writing=False) as session:
        person = find_person(session, a_number)
        assert [e.seq for e in events_concerning(session, person.id)] == [
            e["seq"] for e in events]
        assert [e.seq for e in events_concerning(session, person.id, limit=2)] == [
            e["seq"] for e in events[:2]]


def test_an_unknown_a_number_is_one_line_and_changes_nothing(planned: Store) -> None:  # noqa: F811
    with planned.session(writing=False) as session:
        before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    result = runner.invoke(app, ["audit", "person", "A000000001"])
    assert result.exit_code == 2
    assert "no person A*****0001 in the registry" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with planned.session(writing=False) as session:
        assert session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())
                              .limit(1)) == before
