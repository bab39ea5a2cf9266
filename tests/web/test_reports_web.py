"""Reports on the desk: the report page and PDF, live metrics, the investigation record
(kept by the privacy officer, read by the auditor) and notices to oversight, by role."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import text

from spilldesk.store.db import Store
from tests.web.conftest import bearer
from tests.web.desk_seed import INCIDENT, Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db
API = f"/api/incidents/{INCIDENT}"
PAGE = f"/reports?incident={INCIDENT}"


def test_the_api_gives_the_report_and_the_metrics(client: TestClient, seeded: Seeded) -> None:
    auditor = bearer(client, "auditor")
    report = client.get(f"{API}/report", headers=auditor)
    assert report.status_code == 200
    figures = report.json()
    assert figures["affected"]["total"] == 5 and figures["monitoring"]["status"] == "not_set_up"
    metrics = client.get(f"{API}/metrics", headers=bearer(client, "ero_officer")).json()
    assert metrics["affected"] == 5 and metrics["holds_active"] == figures["actions"]["holds"][
        "active"]
    assert metrics["series"]["date"][-1] == metrics["as_of"]
    pdf = client.get(f"{API}/report.pdf", headers=auditor)
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Notices provided over time" in " ".join(
        p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "<svg" in client.get(f"{API}/report.html", headers=auditor).text
    # the report is for those who see reports; not for OPLA or CBP; a missing incident is 404
    assert client.get(f"{API}/report", headers=bearer(client, "opla_attorney")).status_code \
        == 403
    assert client.get(f"{API}/report", headers=bearer(client, "cbp_liaison")).status_code == 403
    assert client.get("/api/incidents/NOPE/report", headers=auditor).status_code == 404


def test_investigation_record_kept_by_the_privacy_officer_read_by_the_auditor(
        client: TestClient, seeded: Seeded, store: Store) -> None:
    privacy, auditor = bearer(client, "privacy_officer"), bearer(client, "auditor")
    made = client.post(f"{API}/investigation", headers=privacy, json={
        "kind": "mitigation", "component": "DHS", "title": "Additional mitigation",
        "findings": "originated from DHS, which is handling any additional mitigation"})
    assert made.status_code == 201, made.text
    entry = made.json()["id"]
    changed = client.patch(f"{API}/investigation/{entry}", headers=privacy,
                           json={"status": "done", "evidence": "DHS letter of Dec 12"})
    assert changed.status_code == 200 and changed.json()["closed_on"]
    record = client.get(f"{API}/investigation", headers=auditor).json()
    assert record["owners"] == {"DHS": ["Additional mitigation"]}
    assert record["mitigations"][0]["evidence"] == "DHS letter of Dec 12"
    assert client.post(f"{API}/investigation", headers=auditor, json={
        "kind": "lesson", "component": "ICE", "title": "x"}).status_code == 403
    assert client.patch(f"{API}/investigation/{entry}", headers=auditor,
                        json={"status": "open"}).status_code == 403
    assert client.post(f"{API}/investigation", headers=privacy, json={
        "kind": "corrective_action", "component": "OCIO", "title": "no owner"}).status_code \
        == 422
    assert client.patch(f"{API}/investigation/999", headers=privacy,
                        json={"status": "done"}).status_code == 404
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM investigation_items")).scalar_one() \
            == 1


def test_the_page_for_the_privacy_officer_and_the_auditor(
        client: TestClient, seeded: Seeded, store: Store, settings) -> None:
    login(client, "privacy_officer")
    page = client.get(PAGE)
    assert page.status_code == 200 and "Live metrics" in page.text
    token = csrf_of(page.text)
    added = client.post(f"/incidents/{INCIDENT}/investigation", data={
        "csrf_token": token, "kind": "review", "component": "OPR",
        "title": "Office of Professional Responsibility review"})
    assert added.status_code == 200 and "recorded (review)" in added.text
    sent = client.post(f"/incidents/{INCIDENT}/oversight", data={"csrf_token": token,
                                                                 "to": "cpo"})
    assert sent.status_code == 200 and "OVS-ICE-TEST-1-CPO-1 written" in sent.text
    notice = client.get(f"/incidents/{INCIDENT}/oversight/OVS-ICE-TEST-1-CPO-1.pdf")
    assert notice.headers["content-type"] == "application/pdf"
    assert (Path(settings.workdir) / "reports" / "OVS-ICE-TEST-1-CPO-1.pdf").is_file()
    report = client.get(f"/incidents/{INCIDENT}/report")
    assert report.status_code == 200 and report.text.count("<svg") >= 3
    client.post("/logout", data={"csrf_token": token})
    login(client, "auditor")
    page = client.get(PAGE)
    assert "Office of Professional Responsibility review" in page.text
    assert "OVS-ICE-TEST-1-CPO-1" in page.text
    assert f'action="/incidents/{INCIDENT}/investigation"' not in page.text  # no forms
    token = csrf_of(page.text)
    refused = client.post(f"/incidents/{INCIDENT}/oversight", data={"csrf_token": token,
                                                                    "to": "eoir"})
    assert refused.status_code == 403
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM oversight_notices")).scalar_one() == 1


def test_the_incident_page_shows_the_live_metrics(client: TestClient, seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get(f"/incidents/{INCIDENT}")
    assert page.status_code == 200
    assert "clawback answered" in page.text and "monitoring not set up" in page.text
    assert "Incident report" not in page.text  # ERO does not see reports
