"""The clawback through the CLI on a real desk (SQLite and PostgreSQL): find, letters,
answers, follow-ups, status, tasks; errors change nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from spilldesk import clock
from spilldesk.cli.main import app
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.store.clawback_models import ClawbackRecipient, ClawbackSearch
from spilldesk.store.db import Store
from tests.clawback.logs_made import (
    CRAWLER,
    NOT_RECIPIENTS,
    POSTED,
    REMOVED,
    RESUMED,
    SIZE,
    STRANGER,
    TWICE,
    URL,
    a_day_of_logs,
)

pytestmark = pytest.mark.db
runner = CliRunner()
INCIDENT = "TEST-POSTING"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> tuple[Store, list[Path], Path]:
    with store.session() as session:
        open_incident(session, IncidentSpec(id=INCIDENT, title="Workbook posted by mistake",
                                            exposed_from=POSTED, exposed_until=REMOVED),
                      actor="test")
    logs, owners = a_day_of_logs(tmp_path / "logs")
    return store, logs, owners


def find(logs: list[Path], owners: Path, *extra: str) -> dict:
    code, out, err = run("clawback", "find", INCIDENT, *map(str, logs), "--url", URL,
                         "--owners", str(owners), "--internal", "198.51.100.0/24",
                         "--size", str(SIZE), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_find_names_every_recipient_and_nothing_else(desk) -> None:  # type: ignore[no-untyped-def]
    _, logs, owners = desk
    found = find(logs, owners)
    assert set(found) >= {"incident", "url", "recipients"}
    assert found["incident"] == INCIDENT and found["url"] == URL
    by_client = {r["client"]: r for r in found["recipients"]}
    assert set(by_client) == {TWICE, RESUMED, CRAWLER, STRANGER}
    for recipient in found["recipients"]:
        assert set(recipient) >= {"client", "organization", "contact", "downloads", "first_at",
                                  "bytes"}
        assert recipient["first_at"].endswith("-05:00")  # the agency's time zone
    assert by_client[TWICE]["downloads"] == 2 and by_client[TWICE]["bytes"] == 2 * SIZE
    assert by_client[RESUMED]["organization"] == "Hartley & Moss LLP"  # /28 beats the /24
    assert by_client[RESUMED]["contact"] == "Jane Roe"
    assert by_client[CRAWLER]["crawler"].startswith("Microsoft's web crawling bot")
    assert by_client[STRANGER]["organization"] is None and not by_client[STRANGER]["owner_known"]
    evidence = found["evidence"]
    for reason in set(NOT_RECIPIENTS.values()):
        assert evidence.get(reason, 0) >= 1, reason
    assert found["malformed"] == 1 and found["logs"][0]["malformed_lines"] == [13]
    assert {log["compression"] for log in found["logs"]} == {None, "gzip"}


def test_an_unknown_owner_gets_an_identify_task_and_a_better_table_closes_it(
        desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, logs, owners = desk
    find(logs, owners)
    code, out, _ = run("tasks", "--incident", INCIDENT, "--json")
    tasks = json.loads(out)["tasks"]
    (task,) = [t for t in tasks if t["action"] == "identify_recipient_owner"]
    assert task["component"] == "OPLA" and task["status"] == "open"
    assert task["a_number"] is None and task["subject"].startswith("clawback recipient")
    better = tmp_path / "better.csv"
    better.write_text(owners.read_text() + "192.0.2.0/24,A Person's ISP,Subpoena desk,,,,,\n")
    again = find(logs, better)
    assert again["new_recipients"] == 0 and len(again["recipients"]) == 4
    code, out, _ = run("tasks", "--incident", INCIDENT, "--action",
                       "identify_recipient_owner", "--json")
    assert [t["status"] for t in json.loads(out)["tasks"]] == ["done"]


def test_letters_answers_follow_ups_and_status(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, logs, owners = desk
    found = {r["client"]: r for r in find(logs, owners)["recipients"]}
    code, out, err = run("clawback", "letters", INCIDENT, "--out", str(tmp_path / "out"),
                         "--reply-days", "7", "--json")
    assert code == 0, err
    letters = json.loads(out)
    assert (letters["first_letters"], letters["awaiting_owner"]) == (3, 1)
    crawler_pdf = next(f for f in letters["files"] if "cache_removal" in f)
    page = " ".join(PdfReader(crawler_pdf).pages[0].extract_text().split())
    assert found[CRAWLER]["reference"] in page and "index, caches and archives" in page
    firm_pdf = next(f for f in letters["files"] if found[RESUMED]["reference"] in f)
    text_ = " ".join(" ".join(p.extract_text() for p in PdfReader(firm_pdf).pages).split())
    assert "Jane Roe" in text_ and "Certification of destruction" in text_
    again = json.loads(run("clawback", "letters", INCIDENT, "--out", str(tmp_path / "out"),
                           "--json")[1])
    assert again["first_letters"] == again["follow_ups"] == 0 and again["waiting"] == 3

    code, out, _ = run("clawback", "answer", INCIDENT, found[RESUMED]["reference"], "--status",
                       "destroyed", "--at", clock.now().isoformat(), "--evidence",
                       "signed certification", "--json")
    assert code == 0 and json.loads(out)["state"] == "destroyed"
    code, out, _ = run("clawback", "answer", INCIDENT, TWICE, "--status", "refused", "--at",
                       clock.now().isoformat(), "--json")
    assert code == 0
    refused = json.loads(run("tasks", "--action", "clawback_refused", "--json")[1])["tasks"]
    assert len(refused) == 1 and refused[0]["component"] == "OPLA"

    with clock.replaying(clock.now() + timedelta(days=8)):
        status = json.loads(run("clawback", "status", INCIDENT, "--json")[1])
        assert status["counts"] == {"recipients": 4, "sent": 3, "answered": 2, "overdue": 1,
                                    "awaiting_owner": 1, "to_send": 0, "letters": 3}
        follow = json.loads(run("clawback", "letters", INCIDENT, "--out",
                                str(tmp_path / "out"), "--json")[1])
        assert follow["follow_ups"] == 1 and follow["answered"] == 2
        assert "follow_up" in follow["files"][0]
        body = " ".join(PdfReader(follow["files"][0]).pages[0].extract_text().split())
        assert "Second request" in body and "We have not received your answer" in body
        tasks = json.loads(run("tasks", "--action", "clawback_follow_up", "--json")[1])["tasks"]
        assert [t["status"] for t in tasks] == ["open"]
        code, _, _ = run("clawback", "answer", INCIDENT, found[CRAWLER]["reference"],
                         "--status", "destroyed", "--at", clock.now().isoformat())
        assert code == 0
        tasks = json.loads(run("tasks", "--action", "clawback_follow_up", "--json")[1])["tasks"]
        assert [t["status"] for t in tasks] == ["done"]
    code, out, _ = run("audit", "verify", "--json")
    assert code == 0


def test_contacts_are_sealed_at_rest(desk) -> None:  # type: ignore[no-untyped-def]
    store, logs, owners = desk
    find(logs, owners)
    with store.session() as session:
        raw = session.execute(text("SELECT pii FROM clawback_recipients")).scalars().all()
    assert raw and all(b"Jane Roe" not in bytes(blob) for blob in raw if blob is not None)


@pytest.mark.parametrize("args, message", [
    (["--status", "shredded"], "--status: 'shredded' is not one of"),
    (["--status", "destroyed", "--at", "2099-01-01T00:00"], "--at: is in the future"),
    (["--status", "destroyed", "--at", "2022-11-27T00:00"], "before"),
    (["--status", "no_answer"], "no letter had been sent"),
])
def test_bad_answers_are_refused(desk, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    _, logs, owners = desk
    reference = find(logs, owners)["recipients"][0]["reference"]
    if "--at" not in args:
        args = [*args, "--at", clock.now().isoformat()]
    code, _, err = run("clawback", "answer", INCIDENT, reference, *args)
    assert code == 2 and message in " ".join(err.split())


def test_errors_change_nothing(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, logs, owners = desk
    bad_owners = tmp_path / "bad.csv"
    bad_owners.write_text("network,organization\nnot-a-block,Someone\n")
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(logs[1].read_bytes()[:30])
    for args, message in [
        (["--owners", str(bad_owners)], "row 2, network"),
        (["--internal", "everything"], "--internal"),
        ([str(cut)], "cut.log.gz"),
        ([str(tmp_path / "nowhere.log")], "no such log file"),
    ]:
        code, _, err = run("clawback", "find", INCIDENT, str(logs[0]), "--url", URL, *args)
        assert code == 2 and message in " ".join(err.split()), err
    code, _, err = run("clawback", "find", INCIDENT, str(logs[0]))
    assert code == 2 and "--url" in err  # the incident records no URL and none was given
    code, _, err = run("clawback", "find", "NO-SUCH", str(logs[0]), "--url", URL)
    assert code == 2 and "no incident" in err
    with store.session() as session:
        assert session.execute(select(func.count()).select_from(ClawbackSearch)).scalar() == 0
        assert session.execute(select(func.count()).select_from(ClawbackRecipient)).scalar() == 0


def test_the_document_size_comes_from_the_log_when_nothing_else_says(desk) -> None:  # type: ignore[no-untyped-def]
    _, logs, owners = desk
    code, out, err = run("clawback", "find", INCIDENT, *map(str, logs), "--url", URL, "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found["size_source"] == "log" and found["document_size"] == SIZE
    assert "largest 200 response" in found["warnings"][0]
    code, out, _ = run("incident", "show", INCIDENT, "--json")
    assert json.loads(out)["disclosed_url"] == URL  # recorded: the next search needs no --url
