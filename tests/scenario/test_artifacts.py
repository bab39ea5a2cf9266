"""The manifest, the access log, the mirror pages, the incidents, and the summary."""

from __future__ import annotations

import csv
import re
from datetime import datetime

from spilldesk.domain.anumber import normalize_a_number
from spilldesk.scenario import SCENARIO_INCIDENTS
from tests.scenario.conftest import Generated

LOG_LINE = re.compile(
    r'^(?P<client>\S+) - - \[(?P<at>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) HTTP/1\.1" '
    r'(?P<status>\d{3}) (?P<size>\d+|-) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)"$'
)


def test_manifest_mixes_exposed_unexposed_and_one_unknown(scenario: Generated) -> None:
    with scenario.files.manifest.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["a_number", "flight_date", "destination"]
    a_numbers = [normalize_a_number(r["a_number"]) for r in rows]
    assert len(set(a_numbers)) == len(a_numbers) >= 60
    assert all(r["flight_date"] == "2022-12-14" for r in rows)
    unknown = [a for a in a_numbers if a not in scenario.persons]
    assert unknown == [scenario.truth["manifest"]["unknown"]]
    exposed_anywhere = {r["a_number"] for r in scenario.truth["workbook"]["records"]}
    exposed_anywhere |= {r["a_number"] for r in scenario.truth["cuba_list"]["records"]}
    expected = sorted(a for a in a_numbers if a in exposed_anywhere)
    assert expected == scenario.truth["manifest"]["exposed"]
    known = [scenario.persons[a] for a in a_numbers if a in scenario.persons]
    assert 0 < len(expected) < len(known)
    assert any(p["final_order"] == "true" for p in known)
    assert any(p["final_order"] == "false" for p in known)


def _parsed_log(scenario: Generated) -> list[dict[str, str]]:
    lines = scenario.files.access_log.read_text(encoding="utf-8").splitlines()
    parsed = [LOG_LINE.match(line) for line in lines]
    assert all(parsed), "every line is in combined log format"
    return [m.groupdict() for m in parsed if m]


def test_access_log_shows_six_outside_downloads(scenario: Generated) -> None:
    truth = scenario.truth["access_log"]
    entries = _parsed_log(scenario)
    assert len(entries) > 2_000 and len({e["client"] for e in entries}) > 300
    size = scenario.files.workbook.stat().st_size
    posted = datetime.fromisoformat("2022-11-28T09:45:00-05:00")
    removed = datetime.fromisoformat("2022-11-28T14:04:00-05:00")
    full = set()
    for entry in entries:
        at = datetime.strptime(entry["at"], "%d/%b/%Y:%H:%M:%S %z")
        assert at.utcoffset() is not None and at.utcoffset().total_seconds() == -5 * 3600
        if entry["path"] == truth["url"] and entry["status"] == "200":
            assert posted <= at <= removed and entry["size"] == str(size)
            full.add(entry["client"])
    outside = full - set(truth["internal"])
    assert outside == {d["client"] for d in truth["downloaders"]} and len(outside) == 6
    statuses = {e["status"] for e in entries if e["path"] == truth["url"]}
    assert {"200", "206", "304", "404"} <= statuses


def test_mirror_pages_carry_the_rows_the_truth_says(scenario: Generated) -> None:
    pages = sorted(scenario.files.mirror.glob("*.html"))
    assert 25 <= len(pages) <= 35
    truth_pages = {p["file"].rsplit("/", 1)[1]: p for p in scenario.truth["mirror"]["pages"]}
    assert set(truth_pages) == {p.name for p in pages}
    leaking = [p for p in truth_pages.values() if p["rows"]]
    assert 3 <= len(leaking) <= 6
    for page in pages:
        digits = re.sub(r"[^\d]", "", page.read_text(encoding="utf-8"))
        for a_number in truth_pages[page.name]["a_numbers"]:
            assert a_number[1:].lstrip("0") in digits


def test_incidents_are_the_two_of_2022() -> None:
    nov, dec = SCENARIO_INCIDENTS
    assert (nov["id"], dec["id"]) == ("ICE-2022-11-28", "DHS-2022-12-07")
    start = datetime.fromisoformat(nov["exposed_from"])
    end = datetime.fromisoformat(nov["exposed_until"])
    reported = datetime.fromisoformat(nov["discovered_at"])
    assert (start.hour, start.minute, end.hour, end.minute) == (9, 45, 14, 4)
    assert start < reported < end and start.utcoffset() is not None
    assert nov["custody_reference_date"] == "2022-11-19"
    assert nov["notice_languages"] == ["en", "es", "pt-BR"]
    assert dec["notice_languages"] == ["en", "es"]
    assert (nov["originating_component"], dec["originating_component"]) == ("ICE", "DHS")
    assert nov["hold_days"] == dec["hold_days"] == 30
    assert {nov["risk_of_harm"]["breach_type"], dec["risk_of_harm"]["breach_type"]} == {
        "public_posting", "foreign_government"}


def test_incident_documents_are_in_the_scenario(scenario: Generated) -> None:
    for record in SCENARIO_INCIDENTS:
        assert (scenario.files.out / record["disclosed_document"]).is_file()
    assert (scenario.files.out / SCENARIO_INCIDENTS[1]["communication"]).is_file()
    assert SCENARIO_INCIDENTS[0]["disclosed_document"] == scenario.truth["workbook"]["file"]
    assert SCENARIO_INCIDENTS[1]["disclosed_document"] == scenario.truth["cuba_list"]["file"]


def test_incident_records_open_as_incident_specs() -> None:
    from zoneinfo import ZoneInfo

    from spilldesk.intake.incidents import spec_from_mapping

    for record in SCENARIO_INCIDENTS:
        spec = spec_from_mapping(dict(record), ZoneInfo("America/New_York"))
        spec.validate()
        assert spec.risk is not None and spec.risk.level.label() == "high"


def test_summary_agrees_with_the_truth(scenario: Generated) -> None:
    summary, truth = scenario.files.summary, scenario.truth
    assert summary["workbook_rows"] == len(truth["workbook"]["records"])
    assert summary["cuba_in_workbook"] == truth["cuba_list"]["in_workbook"] == 46
    assert summary["namesakes"] == len(truth["namesakes"])
    assert summary["manifest_exposed"] == len(truth["manifest"]["exposed"])
    assert summary["workbook_scaled"] is True  # a 6,000-person registry cannot fill 6,252 rows
    written = scenario.files.summary_file.read_text(encoding="utf-8")
    assert not any(a in written for a in list(scenario.persons)[:500])
