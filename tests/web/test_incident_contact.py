"""PUT /api/incidents/{id}/contact: the telephone line an incident's notices give."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import bearer
from tests.web.desk_seed import INCIDENT, Seeded

pytestmark = pytest.mark.db


def test_contact_line_is_set_shown_cleared_and_refused_when_wrong(client: TestClient,
                                                                  seeded: Seeded) -> None:
    url = f"/api/incidents/{INCIDENT}/contact"
    assert client.put(url, json={"phone": "1-888-351-4024"},
                      headers=bearer(client, "auditor")).status_code == 403
    officer = bearer(client, "privacy_officer")
    made = client.put(url, json={"phone": " 1-888-351-4024 "}, headers=officer)
    assert made.status_code == 200 and made.json()["contact_phone"] == "1-888-351-4024"
    shown = client.get(f"/api/incidents/{INCIDENT}", headers=officer).json()
    assert shown["contact_phone"] == "1-888-351-4024"
    bad = client.put(url, json={"phone": "call us"}, headers=officer)
    assert bad.status_code == 422 and "phone" in bad.json()["detail"]
    assert client.get(f"/api/incidents/{INCIDENT}", headers=officer
                      ).json()["contact_phone"] == "1-888-351-4024"  # unchanged
    cleared = client.put(url, json={"phone": None}, headers=officer)
    assert cleared.json()["contact_phone"] is None
    assert client.put("/api/incidents/NOPE/contact", json={"phone": "202-555-0100"},
                      headers=officer).status_code == 404
