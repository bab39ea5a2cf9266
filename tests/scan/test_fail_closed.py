"""Issue #10, "Readers fail closed": a part the readers cannot read makes the file's verdict
`error` (exit 2) with the part named, never a skipped part; extraction fails exactly then;
a workbook that claims the whole grid is refused before any library builds it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.scan import Limits, ScanError, Verdict, extract_records, scan_bytes, scan_path
from tests.scan.crafted import (
    CHARTSHEET,
    DIALOGSHEET,
    WORKSHEET,
    numeric_cell_holding_text,
    person_rows,
    reference_less_rows,
    rows_xml,
    sheet_xml,
    whole_grid_claim,
    workbook,
    zipped,
)

runner = CliRunner()
STATS = ("Summary", sheet_xml(rows_xml([["AOR", "ADP"], ["SNA", "31"]])))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_sheet_the_parser_rejects_is_an_error_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "book.xlsx", numeric_cell_holding_text())
    result = runner.invoke(app, ["scan", str(path), "--format", "json"])
    assert result.exit_code == 2, result.output
    entry = json.loads(result.stdout)["files"][0]
    assert entry["verdict"] == "error"
    assert f"{path}: sheet 'People' could not be read" in entry["error"]
    assert "re-save it" in entry["error"] and "Traceback" not in result.output
    for family, _, a_number, _ in person_rows()[1:]:
        assert family not in result.output and a_number not in result.output


def test_extraction_refuses_what_the_scanner_calls_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "book.xlsx", numeric_cell_holding_text())
    with pytest.raises(ScanError) as caught:
        extract_records(path)
    message = str(caught.value)
    assert "sheet 'People' could not be read" in message and "\n" not in message
    assert scan_path(path).error == message


def test_chart_and_dialog_sheets_are_known_from_relationships_not_from_failures() -> None:
    rejected = sheet_xml('<row r="1"><c r="A1" t="n"><v>abc</v></c></row>')
    for kind in (CHARTSHEET, DIALOGSHEET):
        data = workbook([STATS, ("Chart1", rejected)], kinds=[WORKSHEET, kind])
        assert scan_bytes(data, "charted.xlsx").verdict is Verdict.PASS
    same_part_as_a_worksheet = workbook([STATS, ("Chart1", rejected)])
    report = scan_bytes(same_part_as_a_worksheet, "book.xlsx")
    assert report.verdict is Verdict.ERROR
    assert "sheet 'Chart1' could not be read" in (report.error or "")


def test_text_hidden_in_a_chart_sheet_part_is_still_judged() -> None:
    data = workbook([STATS, ("Chart1", sheet_xml(rows_xml(person_rows(6))))],
                    kinds=[WORKSHEET, CHARTSHEET])
    report = scan_bytes(data, "charted.xlsx")
    assert report.verdict is Verdict.BLOCK
    assert any(f.location.hidden and f.location.part == "chartsheet" for f in report.findings)


def test_the_whole_grid_claim_is_refused_before_it_is_built() -> None:
    # With a 256 MiB worker, building the grid would kill the worker: the message would say so.
    report = scan_bytes(whole_grid_claim(), "grid.xlsx", limits=Limits(memory=256 << 20))
    assert report.verdict is Verdict.ERROR
    assert "grid.xlsx: sheet 'Stats' spans 1,048,576 rows × 16,384 columns" in (report.error or "")
    assert "over the limit" in (report.error or "")


# Runs a command and prints its exit code and peak RSS (KiB), as /usr/bin/time does: from a
# small process, because Linux counts in a child's ru_maxrss the memory it had before exec
# (a copy of this test process, which may be large by then).
MEASURE = (
    "import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); _, s, u = os.wait4(p.pid, 0);"
    " print(os.waitstatus_to_exitcode(s), u.ru_maxrss, file=sys.stderr)"
)


def test_the_whole_grid_claim_through_the_cli_in_bounded_memory(tmp_path: Path) -> None:
    path = write(tmp_path, "grid.xlsx", whole_grid_claim())
    spilldesk = Path(sys.executable).with_name("spilldesk")
    run = subprocess.run([sys.executable, "-c", MEASURE, str(spilldesk), "scan", str(path)],
                         capture_output=True, text=True, check=True)
    code, peak = map(int, run.stderr.split()[-2:])
    assert code == 2, run.stdout + run.stderr
    assert "over the limit" in run.stdout and "Traceback" not in run.stdout + run.stderr
    assert peak < 400 * 1024  # KiB: the CLI and its worker, never the grid


def test_extraction_of_the_whole_grid_claim_raises_a_one_line_scan_error(tmp_path: Path) -> None:
    path = write(tmp_path, "grid.xlsx", whole_grid_claim())
    with pytest.raises(ScanError) as caught:
        extract_records(path, limits=Limits(memory=256 << 20))
    assert "over the limit" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("sst", [
    '<sst xmlns="{ns}" uniqueCount="4294967295"><si><t>a</t></si></sst>',
    '<x:sst xmlns:x="{ns}" count="1" uniqueCount="50000000"><x:si><x:t>a</x:t></x:si></x:sst>',
])
def test_a_shared_string_count_no_part_could_hold_is_refused(sst: str) -> None:
    # calamine reserves room for every declared string: 4294967295 of them is 96 GiB.
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    data = workbook([STATS], extra={"xl/sharedStrings.xml": sst.format(ns=main).encode()})
    report = scan_bytes(data, "strings.xlsx", limits=Limits(memory=512 << 20))
    assert report.verdict is Verdict.ERROR
    assert "part xl/sharedStrings.xml declares" in str(report.error), report.error


def test_cells_per_sheet_and_per_workbook_are_capped() -> None:
    people = sheet_xml(rows_xml(person_rows(12)))  # 13 rows x 4 columns = 52 cells
    assert scan_bytes(workbook([("P", people)]), "a.xlsx",
                      limits=Limits(max_sheet_cells=52)).verdict is Verdict.BLOCK
    over = scan_bytes(workbook([("P", people)]), "a.xlsx", limits=Limits(max_sheet_cells=51))
    assert over.verdict is Verdict.ERROR
    assert "sheet 'P' spans 13 rows × 4 columns" in str(over.error)
    two = scan_bytes(workbook([("P", people), ("Q", people)]), "b.xlsx",
                     limits=Limits(max_file_cells=100))
    assert two.verdict is Verdict.ERROR and "limit per workbook" in str(two.error)


def test_a_cell_beyond_the_spreadsheet_grid_is_an_error() -> None:
    beyond = sheet_xml('<row r="2"><c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row>')
    report = scan_bytes(workbook([("S", beyond)]), "wide.xlsx")
    assert report.verdict is Verdict.ERROR and "beyond a spreadsheet's" in str(report.error)


def test_cells_without_references_are_measured_where_calamine_puts_them() -> None:
    sheet = sheet_xml(reference_less_rows(person_rows(12)))
    assert scan_bytes(workbook([("P", sheet)]), "plain.xlsx").verdict is Verdict.BLOCK
    refused = scan_bytes(workbook([("P", sheet)]), "plain.xlsx", limits=Limits(max_sheet_cells=51))
    assert refused.verdict is Verdict.ERROR and "13 rows × 4 columns" in str(refused.error)


def test_a_part_that_is_not_well_formed_xml_is_an_error_naming_it() -> None:
    broken = {"docProps/core.xml": b"<cp:coreProperties><dc:creator>unclosed"}
    report = scan_bytes(workbook([STATS], extra=broken), "props.xlsx")
    assert report.verdict is Verdict.ERROR
    assert report.error == "props.xlsx: part docProps/core.xml is not well-formed XML; re-save it"


def test_json_nested_beyond_the_limit_is_an_error_not_a_skip() -> None:
    records = [{"name": f"{f} {g}", "a_number": a, "dob": d} for f, g, a, d in person_rows(4)[1:]]
    document: object = records
    for _ in range(70):
        document = {"level": document}
    report = scan_bytes(json.dumps(document).encode(), "deep.json")
    assert report.verdict is Verdict.ERROR and "nested deeper than 64" in str(report.error)


def test_an_inert_member_is_skipped_alike_by_the_scanner_and_extraction(tmp_path: Path) -> None:
    data = zipped({"photo.png": b"PK\x03\x04 not a picture, not a package", "a.txt": b"hello"})
    path = write(tmp_path, "bundle.zip", data)
    assert scan_path(path).verdict is Verdict.PASS
    assert extract_records(path).records == []


def test_an_object_in_an_unsupported_format_is_review_and_listed_by_extraction(
    tmp_path: Path,
) -> None:
    rows = "\n".join(",".join(r) for r in person_rows(5))
    data = zipped({"list.csv": rows.encode(), "tool.exe": bytes(range(256)) * 8})
    path = write(tmp_path, "bundle.zip", data)
    assert scan_path(path).verdict is Verdict.BLOCK  # the list blocks; the exe asks for review
    assert scan_path(path).members[1].verdict is Verdict.REVIEW
    extraction = extract_records(path)
    assert len(extraction.records) == 5 and extraction.uninspectable == [f"{path}!/tool.exe"]
