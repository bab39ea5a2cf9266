"""What the desk refuses to let a request reach: incident ids that leave the desk's folders,
playbooks from any server path, and registry people no incident touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from spilldesk.cli.main import app as cli
from spilldesk.config import Settings
from spilldesk.intake.incidents import IncidentError, check_incident_id, spec_from_mapping
from spilldesk.playbook import PlaybookError, registered_playbook
from tests.web.conftest import bearer, lookup
from tests.web.desk_seed import Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db
WINDOW = {"exposed_from": "2022-11-28T09:45", "exposed_until": "2022-11-28T14:04"}


@pytest.mark.parametrize("bad", ["../../outside", "a/b", "..", "x..y", ".hidden", "a b",
                                 "ICE\\2022", "é-2022", "x" * 65])
def test_incident_ids_hold_only_safe_characters(bad: str) -> None:
    with pytest.raises(IncidentError, match="incident id"):
        check_incident_id(bad)
    with pytest.raises(IncidentError, match="incident id"):
        spec_from_mapping({"id": bad, "title": "t", **WINDOW}, None).validate()


def test_incident_ids_accept_the_desk_s_own_names() -> None:
    for good in ("ICE-2022-11-28", "ice_2022.v2", "A1"):
        assert check_incident_id(good) == good


def test_api_refuses_an_incident_id_that_climbs_out(client: TestClient,
                                                    seeded: Seeded) -> None:
    headers = bearer(client, "privacy_officer")
    for bad in ("../../escape", "a/b", "..", "x..y"):
        response = client.post("/api/incidents", headers=headers,
                               json={"id": bad, "title": "t", **WINDOW})
        assert response.status_code in (400, 422), (bad, response.text)
    assert all(".." not in i["id"] and "/" not in i["id"]
               for i in client.get("/api/incidents", headers=headers).json()["incidents"])


def test_cli_refuses_an_incident_id_that_climbs_out(settings: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    result = runner.invoke(cli, ["incident", "open", "../../escape", "--title", "t",
                                 "--exposed-from", WINDOW["exposed_from"],
                                 "--exposed-until", WINDOW["exposed_until"]])
    assert result.exit_code == 2 and "incident id" in result.stderr
    packets = runner.invoke(cli, ["notify", "generate", "../../escape"])
    assert packets.exit_code == 2 and "incident id" in packets.stderr
    assert not (settings.workdir.parent / "escape").exists()


def test_playbooks_come_only_from_shipped_or_registered_names(tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("name: stray\nversion: '1'\nrules: []\n")
    for name in (str(stray), "../stray", "/etc/passwd"):
        with pytest.raises(PlaybookError, match="not a shipped or registered"):
            registered_playbook(name, tmp_path / "playbooks")
    assert registered_playbook("ice-2022", None).name == "ice-2022"


def test_plan_page_will_not_read_a_playbook_from_a_server_path(
        client: TestClient, seeded: Seeded, tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("name: stray\nversion: '1'\nrules: []\n")
    login(client, "privacy_officer")
    token = csrf_of(client.get("/incidents/ICE-TEST-1").text)
    response = client.post("/incidents/ICE-TEST-1/plan",
                           data={"csrf_token": token, "playbook": str(stray)})
    assert "not a shipped or registered playbook" in response.text
    assert "Plan preview" not in response.text


@pytest.mark.parametrize("role", ["ero_officer", "opla_attorney"])
def test_ero_and_opla_see_only_affected_people(client: TestClient, seeded: Seeded,
                                               role: str) -> None:
    headers = bearer(client, role)
    listed = client.get("/api/persons", headers=headers, params={"per_page": 500}).json()
    assert listed["total"] < len(seeded.a_numbers)
    assert all(p["a_number"] != seeded.outsider for p in listed["persons"])
    assert lookup(client, seeded.released, headers).status_code == 200
    assert lookup(client, seeded.outsider, headers).status_code == 404


def test_the_privacy_officer_still_sees_the_registry(client: TestClient,
                                                     seeded: Seeded) -> None:
    headers = bearer(client, "privacy_officer")
    listed = client.get("/api/persons", headers=headers, params={"per_page": 500}).json()
    assert listed["total"] == len(seeded.a_numbers)
    assert lookup(client, seeded.outsider, headers).status_code == 200
