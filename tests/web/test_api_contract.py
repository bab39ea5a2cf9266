"""The API's contract: every operation declares its answer, input refuses unknown fields, the
incident record round-trips, and a service's refusal reaches every face once, with its status.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spilldesk.casework.tasks import TaskError, TaskNotFound
from spilldesk.errors import Conflict, NotFound, ServiceError
from spilldesk.intake.incidents import IncidentAlreadyOpen, IncidentError, IncidentNotFound
from spilldesk.store.db import Store
from tests.web.conftest import bearer
from tests.web.desk_seed import INCIDENT, Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db
JSON = "application/json"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(spec, spec["components"]["schemas"][ref.rsplit("/", 1)[-1]])
    return schema


def _declares_fields(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A named model with properties, or a list of one (never `{}` nor a bare object)."""
    resolved = _resolve(spec, schema)
    if resolved.get("type") == "array":
        return _declares_fields(spec, resolved.get("items", {}))
    return bool(resolved.get("properties"))


def test_every_operation_declares_its_answer(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    checked, undeclared = [], []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            name = f"{method.upper()} {path}"
            ok = [(code, response) for code, response in operation["responses"].items()
                  if code.startswith("2")]
            assert ok, f"{name}: no 2xx answer documented"
            declared = False
            for _, response in ok:
                for media, content in response.get("content", {}).items():
                    schema = content.get("schema") or {}
                    if media == JSON:
                        declared |= _declares_fields(spec, schema)
                    else:  # a file (the report as PDF or HTML): a declared string body
                        declared |= schema.get("type") == "string"
            if not declared:
                undeclared.append(name)
            checked.append(name)
    assert not undeclared, f"operations without a declared answer: {undeclared}"
    assert len(checked) >= 40, checked


def test_every_request_body_refuses_unknown_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    open_bodies = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get(JSON, {}).get("schema")
            if schema is None:
                continue  # forms (login, uploads) are read field by field
            if _resolve(spec, schema).get("additionalProperties") is not False:
                open_bodies.append(f"{method.upper()} {path}")
    assert open_bodies == []


def test_incident_round_trips_risk_and_revealed_incident(client: TestClient,
                                                        seeded: Seeded) -> None:
    officer = bearer(client, "privacy_officer")
    risk = {"nature_and_sensitivity": "high", "likelihood_of_access_and_use": "moderate",
            "breach_type": "public_posting", "reasons": ["posted on a public website"]}
    body = {"id": "ICE-TEST-9", "title": "Second posting", "exposed_from": "2022-12-07T10:00",
            "exposed_until": "2022-12-07T11:00", "reveals_status_of": INCIDENT,
            "risk_of_harm": risk, "disclosed_url": "/doclib/report.xlsx"}
    made = client.post("/api/incidents", json=body, headers=officer)
    assert made.status_code == 201, made.text
    shown = client.get("/api/incidents/ICE-TEST-9", headers=officer).json()
    for answer in (made.json()["incident"], shown):
        assert answer["reveals_status_of"] == INCIDENT
        assert answer["disclosed_url"] == "/doclib/report.xlsx"
        assert answer["risk_of_harm"] == {**risk, "level": "high"}  # aggravated a step, capped
    again = client.post("/api/incidents", json=body, headers=officer)
    assert again.status_code == 201 and again.json()["created"] is False
    changed = {**body, "risk_of_harm": {**risk, "nature_and_sensitivity": "low"}}
    conflict = client.post("/api/incidents", json=changed, headers=officer)
    assert conflict.status_code == 409 and "risk" in conflict.json()["detail"]
    unknown = client.post("/api/incidents", json={**body, "id": "ICE-TEST-10",
                                                  "reveals_status_of": "ICE-NOPE"},
                          headers=officer)
    assert unknown.status_code == 422 and "reveals-status-of" in unknown.json()["detail"]


@pytest.mark.parametrize("where", ["top", "risk"])
def test_unknown_fields_are_refused(client: TestClient, seeded: Seeded, where: str) -> None:
    officer = bearer(client, "privacy_officer")
    risk: dict[str, Any] = {"nature_and_sensitivity": "low",
                            "likelihood_of_access_and_use": "low", "breach_type": "misdirected"}
    body: dict[str, Any] = {"id": "ICE-TEST-11", "title": "t",
                            "exposed_from": "2022-12-07T10:00",
                            "exposed_until": "2022-12-07T11:00", "risk_of_harm": risk}
    if where == "top":
        body["reveals_status"] = INCIDENT  # misspelt: must not be dropped silently
    else:
        risk["likelyhood"] = "high"
    refused = client.post("/api/incidents", json=body, headers=officer)
    assert refused.status_code == 422
    assert "extra" in refused.json()["detail"].lower()
    ids = [i["id"] for i in client.get("/api/incidents", headers=officer).json()["incidents"]]
    assert "ICE-TEST-11" not in ids  # nothing opened


def test_other_bodies_refuse_unknown_fields_too(client: TestClient, seeded: Seeded) -> None:
    officer = bearer(client, "privacy_officer")
    extension = client.post(f"/api/incidents/{INCIDENT}/holds/extensions", headers=officer,
                            json={"days": 3, "reason": "x", "indefinit": True})
    assert extension.status_code == 422
    task = client.post("/api/tasks/search", headers=officer,
                       json={"a_number": "A000000001", "overdue": True})
    assert task.status_code == 422


@pytest.mark.parametrize(("error", "status"), [
    (IncidentError, 422), (IncidentNotFound, 404), (IncidentAlreadyOpen, 409),
    (TaskError, 422), (TaskNotFound, 404), (ServiceError, 422), (NotFound, 404),
    (Conflict, 409),
])
def test_a_service_error_gives_its_status_and_one_line(store: Store, settings: Any,
                                                       error: type[ServiceError],
                                                       status: int) -> None:
    from spilldesk.web.app import create_app

    app: FastAPI = create_app(settings, store=store)

    def refuse() -> None:
        raise error("incident ICE-X: cannot be done\n  at line 2 of something internal")

    app.add_api_route("/api/test-refusal", refuse)
    app.add_api_route("/test-refusal", refuse)
    with TestClient(app, base_url="https://testserver") as client:
        answer = client.get("/api/test-refusal")
        assert answer.status_code == status
        assert answer.json() == {"detail": "incident ICE-X: cannot be done"}
        page = client.get("/test-refusal")
        assert page.status_code == status
        assert "incident ICE-X: cannot be done" in page.text
        assert "line 2" not in page.text and "Traceback" not in page.text


def test_real_routes_translate_once(client: TestClient, seeded: Seeded) -> None:
    officer = bearer(client, "privacy_officer")
    missing = client.post("/api/tasks/999999/finish", headers=officer,
                          json={"status": "done", "outcome": "x"})
    assert missing.status_code == 404 and missing.json()["detail"] == "no task 999999"
    review = client.post("/api/review/999999/accept", headers=officer, json={})
    assert review.status_code == 404 and "not found" in review.json()["detail"]
    bad = client.post("/api/users", headers=bearer(client, "admin"),
                      json={"username": "privacy_officer", "role": "auditor",
                            "password": "long enough password"})
    assert bad.status_code == 409 and "already exists" in bad.json()["detail"]


def test_a_form_refused_goes_back_to_its_page(client: TestClient, seeded: Seeded) -> None:
    """Pages keep their behaviour: the form's page again, the message shown once there."""
    login(client, "privacy_officer")
    csrf = csrf_of(client.get(f"/incidents/{INCIDENT}").text)
    sent = client.post(f"/incidents/{INCIDENT}/extensions", follow_redirects=False,
                       data={"csrf_token": csrf, "kind": "days", "days": "0", "reason": "x"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/incidents/{INCIDENT}"
    shown = client.get(f"/incidents/{INCIDENT}").text
    assert "--days must be a positive number of days" in shown
    gone = client.get("/incidents/ICE-NOPE")
    assert gone.status_code == 404 and "no incident" in gone.text


def test_cli_prints_one_line_and_exits_2(tmp_path: Path, store: Store) -> None:
    """The CLI's one catch: the same refusal, one line on stderr, exit 2."""
    from typer.testing import CliRunner

    from spilldesk.cli.main import app

    result = CliRunner().invoke(app, ["hold", "extend", "ICE-NOPE", "--days", "3",
                                      "--reason", "x"], catch_exceptions=False)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "ICE-NOPE" in lines[0] and "Traceback" not in result.output


def test_an_upload_refused_names_no_folder_of_the_desk(client: TestClient, seeded: Seeded,
                                                       settings: Any) -> None:
    """The ingest page's refusal is the service's line without where the upload was kept."""
    login(client, "privacy_officer")
    token = csrf_of(client.get(f"/incidents/{INCIDENT}").text)
    sent = client.post(f"/incidents/{INCIDENT}/ingest", data={"csrf_token": token},
                       files={"document": ("posted.csv", b"Colour,Size\nblue,3\n", "text/csv")},
                       follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/incidents/{INCIDENT}"
    shown = client.get(f"/incidents/{INCIDENT}").text
    assert "person records" in shown
    assert str(settings.workdir) not in shown and "/tmp" not in shown
