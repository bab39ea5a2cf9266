"""Issue #10 in the web server: uploads the gate cannot read are judged `error` / `block` /
a one-line form problem, read in workers (the server is multi-threaded: the fork server),
and the server goes on answering."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.scan.crafted import numeric_cell_holding_text, person_rows, whole_grid_claim
from tests.web.conftest import bearer
from tests.web.desk_seed import Seeded
from tests.web.test_auth import csrf_of, login

pytestmark = pytest.mark.db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST = "\n".join(",".join(row) for row in person_rows(5)).encode()


def test_gate_api_judges_crafted_workbooks_error_and_goes_on(client: TestClient,
                                                             seeded: Seeded) -> None:
    headers = bearer(client, "privacy_officer")
    files = [("files", ("grid.xlsx", whole_grid_claim(), XLSX)),
             ("files", ("book.xlsx", numeric_cell_holding_text(), XLSX))]
    response = client.post("/api/gate/scan", headers=headers, files=files)
    assert response.status_code == 200, response.text
    grid, book = response.json()["files"]
    assert grid["verdict"] == "error" and "grid.xlsx: sheet 'Stats' spans" in grid["error"]
    assert book["verdict"] == "error" and "sheet 'People' could not be read" in book["error"]
    again = client.post("/api/gate/scan", headers=headers,
                        files=[("files", ("list.csv", LIST, "text/csv"))])
    assert again.status_code == 200 and again.json()["files"][0]["verdict"] == "block"


def test_egress_api_blocks_a_file_it_cannot_read(client: TestClient, seeded: Seeded) -> None:
    response = client.post("/api/egress/check", headers=bearer(client, "privacy_officer"),
                           files=[("files", ("book.xlsx", numeric_cell_holding_text(), XLSX))],
                           data={"recipient": "Cuba", "on": "2022-12-14"})
    assert response.status_code == 200, response.text
    assert response.json()["verdict"] == "block"
    assert [r["code"] for r in response.json()["reasons"]] == ["unreadable_file"]


def test_manifest_page_says_what_is_wrong_in_one_line(client: TestClient,
                                                      seeded: Seeded) -> None:
    login(client, "ero_officer")
    page = client.get("/clearance")
    response = client.post("/clearance/manifest", data={"csrf_token": csrf_of(page.text)},
                           files={"manifest": ("manifest.xlsx", whole_grid_claim(), XLSX)})
    assert response.status_code == 200
    assert "manifest.xlsx: sheet &#39;Stats&#39; spans 1,048,576 rows" in response.text
    assert client.get("/clearance").status_code == 200
