"""Issue #10: a document the gate cannot read is refused by ingestion (one line, nothing
stored), blocks an outgoing communication, and is a one-line error for registry imports and
removal manifests; the crafted whole-grid workbook crashes none of them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.ingest import IngestError, ingest_document
from spilldesk.intake.registry import RegistryError, import_file
from spilldesk.safeguards.clearance import ManifestError, read_manifest
from spilldesk.safeguards.egress import egress_check
from spilldesk.store.db import Store
from spilldesk.store.models import DisclosedDocument, DisclosedRecord
from tests.scan.crafted import numeric_cell_holding_text, person_rows, whole_grid_claim

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
INCIDENT = "NOV28"
CRAFTED = {"numeric-text.xlsx": numeric_cell_holding_text, "whole-grid.xlsx": whole_grid_claim}
REASON = {"numeric-text.xlsx": "sheet 'People' could not be read",
          "whole-grid.xlsx": "sheet 'Stats' spans 1,048,576 rows × 16,384 columns"}
runner = CliRunner()


@pytest.fixture(params=sorted(CRAFTED))
def crafted(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / request.param
    path.write_bytes(CRAFTED[request.param]())
    return path


@pytest.fixture
def incident(store: Store) -> Store:
    spec = IncidentSpec(id=INCIDENT, title="posting",
                        exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
                        exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET))
    with store.session() as session:
        open_incident(session, spec, actor="test")
    return store


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_ingestion_refuses_an_unreadable_document(incident: Store, crafted: Path) -> None:
    with incident.session() as session, pytest.raises(IngestError) as caught:
        ingest_document(session, INCIDENT, crafted, actor="test")
    message = one_line(str(caught.value))
    assert str(crafted) in message and REASON[crafted.name] in message
    with incident.session() as session:
        stored = [session.scalar(select(func.count()).select_from(model))
                  for model in (DisclosedDocument, DisclosedRecord)]
    assert stored == [0, 0]


def test_incident_ingest_exits_2_with_one_line(incident: Store, crafted: Path) -> None:
    workdir = str(incident.settings.workdir)
    result = runner.invoke(app, ["incident", "ingest", INCIDENT, str(crafted),
                                 "--workdir", workdir])
    assert result.exit_code == 2
    assert REASON[crafted.name] in one_line(result.stderr)
    for family, _, a_number, _ in person_rows()[1:]:
        assert family not in result.output and a_number not in result.output


def test_the_egress_check_blocks_a_file_it_cannot_read(incident: Store, crafted: Path,
                                                       tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Attached: the list of travellers for the flight.\n")
    with incident.session() as session:
        report = egress_check(session, [letter, crafted], date(2022, 12, 14), actor="test",
                              recipient="Cuba", link_unresolved=False, tz=ET)
    assert report.verdict == "block"
    reason = next(r for r in report.reasons if r["code"] == "unreadable_file")
    assert reason["level"] == "block" and REASON[crafted.name] in reason["text"]
    assert report.to_json()["unreadable_files"] == report.unreadable
    assert len(report.unreadable) == 1 and str(crafted) in report.unreadable[0]


def test_egress_check_cli_exits_1_with_block(incident: Store, crafted: Path) -> None:
    result = runner.invoke(app, ["egress", "check", str(crafted), "--on", "2022-12-14",
                                 "--no-linkage", "--json",
                                 "--workdir", str(incident.settings.workdir)])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["verdict"] == "block"
    assert [r["code"] for r in document["reasons"]] == ["unreadable_file"]


def test_registry_import_of_the_whole_grid_claim_is_one_line(store: Store,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "persons.xlsx"
    path.write_bytes(whole_grid_claim())
    with store.session() as session, pytest.raises(RegistryError) as caught:
        import_file(session, path, kind="persons", actor="test", tz=ET)
    assert one_line(str(caught.value)).startswith(f"{path}: sheet 'Stats' spans 1,048,576 rows")
    result = runner.invoke(app, ["registry", "import", str(path),
                                 "--workdir", str(store.settings.workdir)])
    assert result.exit_code == 2 and "over the limit" in one_line(result.stderr)


def test_a_removal_manifest_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.xlsx"
    path.write_bytes(whole_grid_claim())
    with pytest.raises(ManifestError) as caught:
        read_manifest(path)
    assert "over the limit" in one_line(str(caught.value))
