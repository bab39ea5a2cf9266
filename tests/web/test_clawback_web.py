"""The clawback on the desk: the page, its forms, the letters, the API, and who may do what."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spilldesk.clawback.logs import read_logs
from spilldesk.clawback.owners import parse_networks, read_owners
from spilldesk.clawback.search import examine, record_search, search_target
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from tests.clawback.logs_made import RESUMED, SIZE, STRANGER, URL, a_day_of_logs
from tests.web.conftest import bearer
from tests.web.desk_seed import ET, INCIDENT, Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db
PAGE = f"/clawback?incident={INCIDENT}"


@pytest.fixture
def clawback(store: Store, seeded: Seeded, tmp_path: Path) -> Path:
    logs, owners = a_day_of_logs(tmp_path / "logs")
    with store.session() as session:
        target = search_target(session, INCIDENT, URL, SIZE)
    reading = read_logs(logs, target.file_name, workers=1)
    size, source, findings = examine(target, reading, parse_networks(["198.51.100.0/24"]))
    with store.session() as session:
        record_search(session, target, size, source, reading, findings,
                      owners=read_owners(owners), owners_file=owners,
                      internal=["198.51.100.0/24"], actor="test", tz=ET)
    return owners


def test_the_page_lists_recipients_and_what_the_logs_showed(
        client: TestClient, clawback: Path, store: Store) -> None:
    login(client, "opla_attorney")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Hartley &amp; Moss LLP" in page.text and "Jane Roe" in page.text
    assert "unknown: identify the owner" in page.text and STRANGER in page.text
    assert "crawler" in page.text and "outside window" in page.text
    with store.session() as session:
        reads = session.execute(select(AuditEvent).where(
            AuditEvent.action == "clawback_recipient.bulk_read")).scalars().all()
    assert reads and reads[-1].detail["purpose"] == "clawback page"


def test_letters_and_answers_from_the_page(client: TestClient, clawback: Path) -> None:
    login(client, "privacy_officer")
    token = csrf_of(client.get(PAGE).text)
    written = client.post("/clawback/letters", data={"csrf_token": token,
                                                     "incident": INCIDENT})
    assert written.status_code == 200 and "3 letter(s) and 0 follow-up(s)" in written.text
    page = client.get(PAGE).text
    reference = next(line.split(">")[1].split("<")[0] for line in page.splitlines()
                     if 'class="mono nowrap"' in line and "CB-" in line)
    pdf = client.get(f"/clawback/{INCIDENT}/letters/{reference}/1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/clawback/{INCIDENT}/letters/{reference}/9").status_code == 404
    answered = client.post("/clawback/answers", data={
        "csrf_token": token, "incident": INCIDENT, "recipient": reference,
        "status": "destroyed", "at": "", "evidence": "signed certification"})
    assert answered.status_code == 200 and f"{reference}: destroyed recorded" in answered.text
    refused = client.post("/clawback/answers", data={
        "csrf_token": token, "incident": INCIDENT, "recipient": reference,
        "status": "lost", "at": ""})
    assert "is not one of" in refused.text  # back to the page with the reason, nothing saved


def test_the_api_status_and_answers_by_role(client: TestClient, clawback: Path) -> None:
    auditor = bearer(client, "auditor")
    status = client.get(f"/api/incidents/{INCIDENT}/clawback", headers=auditor)
    assert status.status_code == 200
    body = status.json()
    assert body["counts"]["recipients"] == 4 and body["counts"]["awaiting_owner"] == 1
    assert body["search"]["evidence"]["download"] >= 5
    assert client.get("/api/incidents/NOPE/clawback", headers=auditor).status_code == 404
    answer = {"recipient": RESUMED, "status": "acknowledged"}
    assert client.post(f"/api/incidents/{INCIDENT}/clawback/answers", json=answer,
                       headers=auditor).status_code == 403
    assert client.get(f"/api/incidents/{INCIDENT}/clawback",
                      headers=bearer(client, "ero_officer")).status_code == 403
    opla = bearer(client, "opla_attorney")
    made = client.post(f"/api/incidents/{INCIDENT}/clawback/answers", json=answer,
                       headers=opla)
    assert made.status_code == 201 and made.json()["state"] == "acknowledged"
    letters = client.post(f"/api/incidents/{INCIDENT}/clawback/letters",
                          json={"reply_days": 10}, headers=opla)
    assert letters.status_code == 200 and letters.json()["first_letters"] == 2


def test_the_owner_task_sits_in_oplas_queue_and_links_to_the_clawback(
        client: TestClient, clawback: Path) -> None:
    login(client, "opla_attorney")
    queue = client.get("/tasks?component=OPLA&status=open")
    assert queue.status_code == 200
    assert "identify recipient owner" in queue.text
    assert f'href="/clawback?incident={INCIDENT}">clawback recipient' in queue.text
