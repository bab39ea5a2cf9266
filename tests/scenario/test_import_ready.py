"""The registry files import through the desk's own registry import, all of them, as is."""

from __future__ import annotations

import pytest

from spilldesk.intake.registry import import_file
from spilldesk.scenario.timeline import EASTERN
from spilldesk.store.db import Store
from tests.scenario.conftest import Generated


@pytest.mark.db
def test_registry_files_import_with_the_desk(scenario: Generated, store: Store) -> None:
    files = scenario.files
    with store.session() as session:
        reports = [
            import_file(session, path, kind=None, actor="test", tz=EASTERN)
            for path in (files.facilities, files.representatives, files.persons)
        ]
    assert [r.kind for r in reports] == ["facilities", "representatives", "persons"]
    assert [r.created for r in reports] == [
        len(scenario.facilities), len(scenario.representatives), len(scenario.persons)]


@pytest.mark.db
def test_disclosed_documents_ingest_every_record(scenario: Generated, store: Store) -> None:
    from zoneinfo import ZoneInfo

    from spilldesk.intake.incidents import open_incident, spec_from_mapping
    from spilldesk.intake.ingest import ingest_document
    from spilldesk.scenario import SCENARIO_INCIDENTS

    expected = {
        "ICE-2022-11-28": len(scenario.truth["workbook"]["records"]),
        "DHS-2022-12-07": len(scenario.truth["cuba_list"]["records"]),
    }
    with store.session() as session:
        for record in SCENARIO_INCIDENTS:
            spec = spec_from_mapping(dict(record), ZoneInfo("America/New_York"))
            incident, _ = open_incident(session, spec, actor="test")
            document = scenario.files.out / str(record["disclosed_document"])
            report = ingest_document(session, incident.id, document, actor="test")
            assert report.records == expected[incident.id]
