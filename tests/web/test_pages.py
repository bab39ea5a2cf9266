"""The pages through HTTP: each role sees its pages, forms carry CSRF, changes go through."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spilldesk.store.db import Store
from spilldesk.store.models import CustodyDecision, DeliveryAttempt
from tests.web.desk_seed import INCIDENT, Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db

PAGES = ["/", f"/incidents/{INCIDENT}", "/people", "/tasks", "/review", "/notices",
         "/clearance", "/alerts", "/gate", "/audit", "/users", "/clawback", "/reports"]
# Which pages each role may open (the rest answer 403 with a readable page).
OPENS = {
    "privacy_officer": {"/", f"/incidents/{INCIDENT}", "/people", "/tasks", "/review",
                        "/notices", "/clearance", "/alerts", "/gate", "/clawback", "/reports"},
    "ero_officer": {"/", f"/incidents/{INCIDENT}", "/people", "/tasks", "/notices",
                    "/clearance", "/gate"},
    "opla_attorney": {"/", f"/incidents/{INCIDENT}", "/people", "/tasks", "/notices", "/gate",
                      "/clawback"},
    "cbp_liaison": {"/", "/alerts", "/people", "/gate"},  # "/" sends them to their first page
    "auditor": {"/", f"/incidents/{INCIDENT}", "/people", "/tasks", "/review", "/notices",
                "/clearance", "/alerts", "/gate", "/audit", "/clawback", "/reports"},
    "admin": {"/", "/users", "/gate"},
}


@pytest.mark.parametrize("role", sorted(OPENS))
def test_each_role_opens_its_pages(client: TestClient, seeded: Seeded, role: str) -> None:
    login(client, role)
    for path in PAGES:
        response = client.get(path)
        expected = 200 if path in OPENS[role] else 403
        assert response.status_code == expected, (role, path, response.status_code)
        if expected == 200:
            assert "<main" in response.text


def test_person_page_shows_the_file_and_masks_nothing_it_should_not(
        client: TestClient, seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get(f"/people/id/{seeded.person_ids[seeded.detained]}")
    assert page.status_code == 200
    assert "FAMILIA0" in page.text and "Removal blocked" in page.text
    assert "Record a delivery" in page.text and "Audit trail" not in page.text


def test_people_list_filters_and_links(client: TestClient, seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get(f"/people?incident={INCIDENT}&custody=detained")
    assert page.status_code == 200
    assert page.text.count('href="/people/id/') == 3
    assert f"/people/{seeded.detained}" not in page.text  # links by opaque id only
    found = client.post("/people/find", data={"a_number": seeded.detained,
                                              "csrf_token": csrf_of(page.text)},
                        follow_redirects=False)
    assert found.headers["location"] == f"/people/id/{seeded.person_ids[seeded.detained]}"


def test_recording_a_hand_delivery_from_the_person_page(client: TestClient, store: Store,
                                                        seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get(f"/people/id/{seeded.person_ids[seeded.detained]}")
    response = client.post(f"/people/id/{seeded.person_ids[seeded.detained]}/deliveries", data={
        "csrf_token": csrf_of(page.text), "notice": f"{INCIDENT}|noncitizen",
        "status": "delivered", "method": "hand", "at": "", "served_by": "Officer Diaz",
        "location": "Krome"})
    assert response.status_code == 200
    assert "Recorded: notice delivered" in response.text
    assert "not before" in response.text  # now a date: notice provided, 30-day hold runs
    with store.session() as session:
        attempt = session.execute(select(DeliveryAttempt).where(
            DeliveryAttempt.served_by == "Officer Diaz")).scalar_one()
        assert attempt.created_by == "web:ero_officer"


def test_a_refused_form_changes_nothing_and_says_why(client: TestClient, store: Store,
                                                     seeded: Seeded) -> None:
    def attempts() -> int:
        with store.session() as session:
            return len(session.execute(select(DeliveryAttempt)).all())

    before = attempts()
    login(client, "ero_officer")
    page = client.get(f"/people/id/{seeded.person_ids[seeded.detained]}")
    response = client.post(f"/people/id/{seeded.person_ids[seeded.detained]}/deliveries", data={
        "csrf_token": csrf_of(page.text), "notice": f"{INCIDENT}|noncitizen",
        "status": "delivered", "method": "hand", "served_by": ""})
    assert response.status_code == 200
    assert "served-by" in response.text and 'class="flash error"' in response.text
    assert attempts() == before


def test_forms_without_the_csrf_token_are_refused(client: TestClient, store: Store,
                                                  seeded: Seeded) -> None:
    login(client, "ero_officer")
    response = client.post(f"/people/id/{seeded.person_ids[seeded.detained]}/custody", data={
        "csrf_token": "forged", "decision": "parole", "rationale": "family ties"})
    assert response.status_code == 403
    with store.session() as session:
        assert session.execute(select(CustodyDecision)).first() is None


def test_auditor_is_refused_a_change_from_the_pages(client: TestClient, store: Store,
                                                    seeded: Seeded) -> None:
    login(client, "auditor")
    page = client.get(f"/people/id/{seeded.person_ids[seeded.detained]}")
    assert "Record a delivery" not in page.text and "Audit trail" in page.text
    response = client.post(f"/people/id/{seeded.person_ids[seeded.detained]}/deliveries", data={
        "csrf_token": csrf_of(page.text), "notice": f"{INCIDENT}|noncitizen",
        "status": "delivered", "method": "hand", "served_by": "x"})
    assert response.status_code == 403
    assert "auditor" in response.text


def test_custody_decision_from_the_person_page(client: TestClient, store: Store,
                                               seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get(f"/people/id/{seeded.person_ids[seeded.detained]}")
    response = client.post(f"/people/id/{seeded.person_ids[seeded.detained]}/custody", data={
        "csrf_token": csrf_of(page.text), "decision": "parole",
        "rationale": "community ties and a pending claim"})
    assert response.status_code == 200 and "Custody decision recorded: parole" in response.text


def test_clearance_page_single_and_manifest(client: TestClient, seeded: Seeded) -> None:
    login(client, "ero_officer")
    form = client.get("/clearance")
    single = client.post("/clearance", data={"a_number": seeded.outsider, "on": "2023-01-15",
                                             "csrf_token": csrf_of(form.text)})
    assert "cleared for removal on 2023-01-15" in single.text
    manifest = f"a_number\n{seeded.detained}\n{seeded.outsider}\n".encode()
    response = client.post("/clearance/manifest", data={"csrf_token": csrf_of(single.text),
                                                        "on": "2023-01-15"},
                           files={"manifest": ("manifest.csv", manifest, "text/csv")})
    assert response.status_code == 200
    assert "1 of 2 blocked" in response.text


def test_gate_scan_of_an_uploaded_list(client: TestClient, seeded: Seeded) -> None:
    login(client, "privacy_officer")
    page = client.get("/gate")
    rows = ["Last Name,First Name,A-Number,DOB"] + [
        f"PEREZ{n},JUAN,A{210000000 + n:09d},1980-01-{n + 1:02d}" for n in range(5)]
    response = client.post("/gate/scan", data={"csrf_token": csrf_of(page.text)},
                           files={"files": ("list.csv", "\n".join(rows).encode(), "text/csv")})
    assert response.status_code == 200
    assert "block" in response.text and "A_NUMBER" in response.text


def add_task(store: Store, person_id: int, component: str) -> int:
    from datetime import date, timedelta

    from spilldesk.store.models import Task, TaskIncident

    with store.session() as session:
        task = Task(key=f"t-{person_id}-{component}", person_id=person_id,
                    action="custody_redetermination", component=component,
                    due=date.today() - timedelta(days=2))
        session.add(task)
        session.flush()
        session.add(TaskIncident(task_id=task.id, incident_id=INCIDENT))
        return task.id


def test_task_queue_links_to_the_person_and_finishes_tasks(client: TestClient, store: Store,
                                                           seeded: Seeded) -> None:
    task_id = add_task(store, seeded.person_ids[seeded.detained], "ERO")
    login(client, "ero_officer")
    queue = client.get("/tasks")
    assert "overdue" in queue.text and "A*****0001" in queue.text
    link = f"/people/id/{seeded.person_ids[seeded.detained]}"
    assert link in queue.text
    assert "FAMILIA0" in client.get(link).text
    done = client.post(f"/tasks/{task_id}/finish", data={
        "csrf_token": csrf_of(queue.text), "status": "done", "outcome": "continued detention",
        "back": "/tasks"})
    assert done.status_code == 200 and f"Task {task_id}" in done.text


def test_an_opla_attorney_cannot_finish_an_ero_task(client: TestClient, store: Store,
                                                   seeded: Seeded) -> None:
    task_id = add_task(store, seeded.person_ids[seeded.detained], "ERO")
    login(client, "opla_attorney")
    page = client.get("/tasks")
    assert "A*****0001" not in page.text  # OPLA's queue only
    refused = client.post(f"/tasks/{task_id}/finish", data={
        "csrf_token": csrf_of(page.text), "status": "done", "outcome": "x"})
    assert refused.status_code == 403


def test_privacy_officer_extends_every_hold_from_the_dashboard(client: TestClient,
                                                               seeded: Seeded) -> None:
    login(client, "privacy_officer")
    page = client.get(f"/incidents/{INCIDENT}")
    assert "No extension yet" in page.text
    done = client.post(f"/incidents/{INCIDENT}/extensions", data={
        "csrf_token": csrf_of(page.text), "kind": "days", "days": "30",
        "reason": "time to consult a representative"})
    assert done.status_code == 200 and "extended (days)" in done.text
    assert "+30 days" in done.text
    bad = client.post(f"/incidents/{INCIDENT}/extensions", data={
        "csrf_token": csrf_of(page.text), "kind": "days", "days": "", "reason": "x"})
    assert 'class="flash error"' in bad.text


def test_egress_check_flags_an_exposed_person_in_an_outgoing_list(client: TestClient,
                                                                  seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get("/gate")
    letter = (f"Removal list for the flight.\nA-number {seeded.detained} was part of the "
              "earlier ICE disclosure.\n").encode()
    response = client.post("/gate/egress", data={"csrf_token": csrf_of(page.text),
                                                 "recipient": "Government of Cuba"},
                           files={"files": ("letter.txt", letter, "text/plain")})
    assert response.status_code == 200
    assert "Egress check" in response.text and "A*****0001" in response.text
    assert "block" in response.text
