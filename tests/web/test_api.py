"""The JSON API through HTTP, on SQLite and PostgreSQL: persons, clearance, incidents, roles."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spilldesk.notify.notices import Delivery, record_delivery
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from tests.web.conftest import bearer, clear, lookup
from tests.web.desk_seed import ET, INCIDENT, Seeded

pytestmark = pytest.mark.db


def flush_audit(client: TestClient) -> None:
    client.app.state.desk.buffer.flush()  # type: ignore[attr-defined]


def test_clearance_shape_matches_the_cli(client: TestClient, seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    body = clear(client, seeded.detained, headers, on="2023-01-15").json()
    assert set(body) == {"a_number", "on", "cleared", "blocked_until", "reasons"}
    assert body["a_number"] == "A*****0001" and body["on"] == "2023-01-15"
    assert body["cleared"] is False and body["blocked_until"] is None
    assert {r["code"] for r in body["reasons"]} == {"notice_not_provided", "removal_hold"}
    outsider = clear(client, seeded.outsider, headers).json()
    assert outsider["cleared"] is True and outsider["reasons"] == []


def test_clearance_of_unknown_and_malformed_a_numbers(client: TestClient,
                                                      seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    unknown = clear(client, "A999999999", headers).json()
    assert unknown["cleared"] is False
    assert [r["code"] for r in unknown["reasons"]] == ["unknown_person"]
    bad = clear(client, "not-a-number", headers)
    assert bad.status_code == 422 and "detail" in bad.json()


def test_clearance_checks_are_audited_through_the_buffer(client: TestClient, store: Store,
                                                         seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    for _ in range(3):
        clear(client, seeded.detained, headers)
    flush_audit(client)
    with store.session() as session:
        checks = session.execute(select(AuditEvent).where(
            AuditEvent.action == "clearance.check")).scalars().all()
    assert len(checks) == 3
    assert {c.object_id for c in checks} == {str(seeded.person_ids[seeded.detained])}
    assert all(c.actor == "web:ero_officer" for c in checks)


def test_manifest(client: TestClient, seeded: Seeded) -> None:
    headers = bearer(client, "privacy_officer")
    lines = [seeded.detained, seeded.outsider, "A999999999"]
    body = client.post("/api/clearance/manifest", headers=headers,
                       json={"a_numbers": lines, "on": "2023-01-15"}).json()
    assert body["checked"] == 3 and body["blocked"] == 2
    assert [r["cleared"] for r in body["results"]] == [False, True, False]
    assert body["results"][2]["reasons"][0]["code"] == "unknown_person"
    bad = client.post("/api/clearance/manifest", headers=headers,
                      json={"a_numbers": [seeded.detained, "junk"]})
    assert bad.status_code == 422 and "line 2" in bad.json()["detail"]


def test_hand_delivery_moves_the_clearance_date(client: TestClient, store: Store,
                                                seeded: Seeded) -> None:
    headers = bearer(client, "ero_officer")
    served = datetime.now(ET) - timedelta(hours=1)
    with store.session() as session:
        record_delivery(session, INCIDENT, seeded.detained, "noncitizen",
                        Delivery("delivered", served, "hand", "Officer Test", "Krome"),
                        actor="test")
    body = clear(client, seeded.detained, headers).json()
    assert body["cleared"] is False
    until = date.fromisoformat(body["blocked_until"])
    assert until >= (served + timedelta(days=30)).date()
    # Provided today: the notice block itself ends at midnight; the hold runs 30 days more.
    assert "removal_hold" in {r["code"] for r in body["reasons"]}


def test_person_file(client: TestClient, seeded: Seeded) -> None:
    body = lookup(client, seeded.released, bearer(client, "opla_attorney")).json()
    assert body["person"]["a_number"] == seeded.released
    assert body["person"]["family_name"] == "FAMILIA1"
    assert [e["incident"] for e in body["exposures"]] == [INCIDENT]
    assert body["notices"][0]["attempts"][0]["status"] == "delivered"
    assert "audit" not in body  # only the auditor sees the audit trail
    audited = lookup(client, seeded.released, bearer(client, "auditor")).json()
    assert any(e["action"] == "person.read" for e in audited["audit"])


def test_person_not_found_and_cbp_scope(client: TestClient, seeded: Seeded) -> None:
    assert lookup(client, "A999999999", bearer(client, "auditor")).status_code == 404
    # The CBP liaison sees only persons named by a CBP alert (none here).
    cbp = bearer(client, "cbp_liaison")
    assert lookup(client, seeded.released, cbp).status_code == 404
    assert client.get("/api/persons", headers=cbp).json()["total"] == 0
    assert client.get("/api/persons", headers=bearer(client, "admin")).status_code == 403


def test_people_list_filters(client: TestClient, seeded: Seeded) -> None:
    headers = bearer(client, "privacy_officer")

    def total(query: str) -> int:
        response = client.get(f"/api/persons?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    assert total("") == 6
    assert total(f"incident={INCIDENT}") == 5
    assert total(f"incident={INCIDENT}&custody=detained") == 3
    assert total(f"incident={INCIDENT}&notified=true") == 1
    assert total(f"incident={INCIDENT}&notified=false") == 4
    assert total("hold=true") == 2  # both exposed final orders; one hold row, one derived
    assert total("facility=KROME&per_page=1") == 3
    page = client.get("/api/persons?per_page=2&page=3", headers=headers).json()
    assert page["pages"] == 3 and len(page["persons"]) == 2


def test_incident_dashboard_figures(client: TestClient, seeded: Seeded) -> None:
    body = client.get(f"/api/incidents/{INCIDENT}/dashboard",
                      headers=bearer(client, "auditor")).json()
    assert body["affected"] == 5 and body["notified"] == 1
    assert body["notified_percent"] == 20.0
    # One hold placed as a row; the other exposed final order is held from its facts alone.
    assert body["holds_placed"] == 1 and body["holds_active"] == 2
    assert body["notices_by_day"] == [{"date": "2022-12-01", "provided": 1, "cumulative": 1}]
    assert client.get("/api/incidents/NOPE/dashboard",
                      headers=bearer(client, "auditor")).status_code == 404


def test_open_incident_and_roles(client: TestClient, seeded: Seeded) -> None:
    body = {"id": "ICE-TEST-2", "title": "Second", "exposed_from": "2022-12-07T10:00",
            "exposed_until": "2022-12-07T11:00", "notice_languages": ["es"]}
    assert client.post("/api/incidents", json=body, headers=bearer(client, "auditor")
                       ).status_code == 403
    officer = bearer(client, "privacy_officer")
    created = client.post("/api/incidents", json=body, headers=officer)
    assert created.status_code == 201 and created.json()["created"] is True
    assert created.json()["incident"]["notice_languages"] == ["en", "es"]
    again = client.post("/api/incidents", json={**body, "title": "Other"}, headers=officer)
    assert again.status_code == 409
    ids = [i["id"] for i in client.get("/api/incidents", headers=officer).json()["incidents"]]
    assert ids == [INCIDENT, "ICE-TEST-2"]


def test_auditor_is_refused_every_change(client: TestClient, seeded: Seeded) -> None:
    auditor = bearer(client, "auditor")
    extension = client.post(f"/api/incidents/{INCIDENT}/holds/extensions",
                            json={"days": 10, "reason": "x"}, headers=auditor)
    assert extension.status_code == 403
    assert "auditor" in extension.json()["detail"]


def test_hold_extension_and_list(client: TestClient, seeded: Seeded) -> None:
    officer = bearer(client, "privacy_officer")
    made = client.post(f"/api/incidents/{INCIDENT}/holds/extensions",
                       json={"indefinite": True, "reason": "options being implemented"},
                       headers=officer)
    assert made.status_code == 201 and made.json()["extension"]["kind"] == "indefinite"
    both = client.post(f"/api/incidents/{INCIDENT}/holds/extensions",
                       json={"days": 3, "indefinite": True, "reason": "x"}, headers=officer)
    assert both.status_code == 422
    holds = client.get(f"/api/incidents/{INCIDENT}/holds", headers=officer).json()["holds"]
    assert [h["a_number"] for h in holds] == ["A*****0001"]


def test_exposures_of_an_incident_are_listed_masked(client: TestClient, seeded: Seeded) -> None:
    body = client.get(f"/api/incidents/{INCIDENT}/exposures?per_page=2&page=2",
                      headers=bearer(client, "opla_attorney")).json()
    assert body["total"] == 5 and len(body["exposures"]) == 2
    assert all(e["a_number"].startswith("A*****") for e in body["exposures"])
    assert client.get(f"/api/incidents/{INCIDENT}/exposures",
                      headers=bearer(client, "cbp_liaison")).status_code == 403
