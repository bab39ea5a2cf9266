"""A full A-number never travels in a URL (proxies, server logs and browser history keep
URLs): lookups are POSTs with the A-number in the body, pages link people by opaque id."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from spilldesk.config import Settings
from spilldesk.store.db import Store
from spilldesk.web.app import create_app
from tests.web.conftest import bearer
from tests.web.desk_seed import Seeded
from tests.web.test_auth import csrf_of, login

A_NUMBER = re.compile(r"A\d{9}")


def test_no_route_takes_an_a_number_in_its_path_or_query(store: Store,
                                                         settings: Settings) -> None:
    app = create_app(settings, store=store)
    offending = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        names = [p.name for p in route.dependant.path_params + route.dependant.query_params]
        offending += [f"{route.path} ({name})" for name in names if "a_number" in name]
    assert offending == []
    schema = app.openapi()
    for path, operations in schema["paths"].items():
        assert "a_number" not in path
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                assert "a_number" not in parameter["name"], (path, parameter)


@pytest.mark.db
def test_lookups_send_the_a_number_in_the_body(client: TestClient, seeded: Seeded) -> None:
    headers = bearer(client, "auditor")
    checked = client.post("/api/clearance", headers=headers,
                          json={"a_number": seeded.outsider, "on": "2023-01-15"})
    assert checked.status_code == 200 and checked.json()["cleared"] is True
    person = client.post("/api/persons/lookup", headers=headers,
                         json={"a_number": seeded.released})
    assert person.status_code == 200 and person.json()["person"]["id"] > 0
    tasks = client.post("/api/tasks/search", headers=headers,
                        json={"a_number": seeded.detained})
    assert tasks.status_code == 200 and "tasks" in tasks.json()
    assert client.get(f"/api/clearance/{seeded.outsider}", headers=headers).status_code in (
        404, 405)


@pytest.mark.db
def test_pages_carry_no_a_number_in_links_forms_or_redirects(client: TestClient,
                                                             seeded: Seeded) -> None:
    login(client, "ero_officer")
    listing = client.get("/people?incident=ICE-TEST-1")
    targets = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', listing.text)
    assert targets and not any(A_NUMBER.search(t) for t in targets)
    person = client.get(f"/people/id/{seeded.person_ids[seeded.detained]}")
    targets = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', person.text)
    assert not any(A_NUMBER.search(t) for t in targets)
    found = client.post("/people/find", data={"a_number": seeded.detained,
                                              "csrf_token": csrf_of(listing.text)},
                        follow_redirects=False)
    assert not A_NUMBER.search(found.headers["location"])
    checked = client.post("/clearance", data={"a_number": seeded.detained,
                                              "csrf_token": csrf_of(listing.text)})
    assert checked.status_code == 200 and "blocked" in checked.text


@pytest.mark.db
def test_the_login_redirect_drops_a_query_naming_an_a_number(client: TestClient,
                                                             seeded: Seeded) -> None:
    response = client.get(f"/clearance?a_number={seeded.detained}", follow_redirects=False)
    assert response.status_code == 303
    assert "A3" not in response.headers["location"] and "a_number" not in response.headers[
        "location"]
