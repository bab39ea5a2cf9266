"""The privacy officer runs an incident from its dashboard: ingest, link, preview, apply."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import bearer
from tests.web.desk_seed import Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db
INCIDENT = "ICE-TEST-2"


def test_ingest_link_and_plan_from_the_dashboard(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/incidents", headers=bearer(client, "privacy_officer"), json={
        "id": INCIDENT, "title": "Posted list", "exposed_from": "2022-11-28T09:45",
        "exposed_until": "2022-11-28T14:04"})
    assert created.status_code == 201
    login(client, "privacy_officer")
    page = client.get(f"/incidents/{INCIDENT}")
    token = csrf_of(page.text)
    rows = ["Last Name,First Name,A-Number,Date of Birth"] + [
        f"FAMILIA{n},NOMBRE{n},{a},1985-02-{n + 1:02d}"
        for n, a in enumerate(seeded.a_numbers[:3])]
    ingested = client.post(f"/incidents/{INCIDENT}/ingest", data={"csrf_token": token},
                           files={"document": ("posted.csv", "\n".join(rows).encode(),
                                               "text/csv")})
    assert ingested.status_code == 200 and "3 person record(s)" in ingested.text
    linked = client.post(f"/incidents/{INCIDENT}/link", data={"csrf_token": token})
    assert "Linked: 3 matched" in linked.text
    preview = client.post(f"/incidents/{INCIDENT}/plan", data={"csrf_token": token,
                                                               "playbook": "ice-2022"})
    assert preview.status_code == 200 and "Plan preview" in preview.text
    assert "notify noncitizen" in preview.text
    applied = client.post(f"/incidents/{INCIDENT}/plan", data={"csrf_token": token,
                                                               "apply": "yes"})
    assert "Plan applied" in applied.text
    again = client.post(f"/incidents/{INCIDENT}/plan", data={"csrf_token": token})
    assert again.text.count("None.") == 2  # idempotent: nothing added or withdrawn


def test_only_the_privacy_officer_runs_the_steps(client: TestClient, seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get("/incidents/ICE-TEST-1")
    assert "Response steps" not in page.text
    refused = client.post("/incidents/ICE-TEST-1/link", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403


def test_open_an_incident_from_the_home_page(client: TestClient, seeded: Seeded) -> None:
    login(client, "privacy_officer")
    home = client.get("/")
    assert "Open an incident" in home.text
    opened = client.post("/incidents", data={
        "csrf_token": csrf_of(home.text), "id": "DHS-TEST-3", "title": "Removal list",
        "exposed_from": "2022-12-07T10:00", "exposed_until": "2022-12-07T11:00",
        "disclosed_to": "a foreign government", "languages": "es"})
    assert opened.status_code == 200 and "Incident DHS-TEST-3 opened" in opened.text
    bad = client.post("/incidents", data={
        "csrf_token": csrf_of(home.text), "id": "two words", "title": "x",
        "exposed_from": "2022-12-07T10:00", "exposed_until": "2022-12-07T11:00"})
    assert 'class="flash error"' in bad.text and "one word" in bad.text
