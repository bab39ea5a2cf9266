"""Leak monitoring on the desk: the hits page, the API, the person's timeline, who may see."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spilldesk.monitor.run import Settings, run_monitor
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent
from tests.live_server import free_port
from tests.monitor.site import ACTOR, EXPECTED, EXPOSED, INCIDENT, make_desk, write_site
from tests.web.conftest import bearer
from tests.web.desk_seed import add_users
from tests.web.test_auth import login

pytestmark = pytest.mark.db


@pytest.fixture
def watched(store: Store, tmp_path: Path) -> Path:
    make_desk(store, tmp_path)
    add_users(store)
    site = tmp_path / "site"
    write_site(site, broken_port=free_port())
    run_monitor(store, INCIDENT, [str(site)], actor=ACTOR, settings=Settings(depth=0))
    return site


def test_the_page_lists_the_hits_masked(client: TestClient, watched: Path,
                                        store: Store) -> None:
    login(client, "privacy_officer")
    page = client.get(f"/monitoring?incident={INCIDENT}")
    assert page.status_code == 200
    for name in EXPECTED:
        assert f"{watched}/{name}" in page.text
    assert "A*****0001" in page.text and "in hidden content" in page.text
    assert not any(p.a_number in page.text or p.a_number[1:] in page.text for p in EXPOSED)
    with store.session() as session:
        reads = session.execute(select(AuditEvent).where(
            AuditEvent.action == "monitor_hit.bulk_read")).scalars().all()
    assert any(e.actor.endswith("privacy_officer") for e in reads)


def test_who_may_see_the_hits(client: TestClient, watched: Path) -> None:
    login(client, "cbp_liaison")
    assert client.get("/monitoring").status_code == 403


def test_the_api_and_the_person_timeline(client: TestClient, watched: Path) -> None:
    headers = bearer(client, "privacy_officer")
    body = client.get(f"/api/incidents/{INCIDENT}/monitoring/hits", headers=headers).json()
    # Read as a folder, the site has no robots.txt to keep private/list.html out.
    assert len(body["hits"]) == len(EXPECTED) + 1 and body["runs"][0]["status"] == "finished"
    assert client.get("/api/incidents/NOPE/monitoring/hits", headers=headers).status_code == 404
    person = client.post("/api/persons/lookup", json={"a_number": EXPOSED[0].a_number},
                         headers=headers).json()
    assert {h["source"].removeprefix(f"{watched}/") for h in person["leak_hits"]} == {
        "table.html", "files/rows.csv"}
    login(client, "privacy_officer")
    page = client.get(f"/people/id/{person['person']['id']}")
    assert "Found reposted (NOV28)" in page.text
