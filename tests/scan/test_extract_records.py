"""extract_records: canonical, normalised fields and where each record came from."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from spilldesk.domain.countries import country_code
from spilldesk.domain.names import split_full_name
from spilldesk.scan import ScanError, extract_records
from tests.scan.scan_people import HEADERS_EN, HEADERS_ES, people, real_workbooks


def test_records_from_a_hidden_sheet_of_a_real_workbook(tmp_path: Path) -> None:
    crowd = people(30, seed=3)
    path = tmp_path / "book.xlsx"
    shutil.copy(real_workbooks()[10], path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.create_sheet("Detainees")
    sheet.sheet_state = "hidden"
    sheet.append(HEADERS_EN)
    for index, person in enumerate(crowd):
        sheet.append(person.row_en(index))
    sheet.append([])
    sheet.append(["Total", "", "", "", "", "", "", "", "", "", "", "", ""])
    workbook.save(path)
    extraction = extract_records(path)
    assert extraction.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(extraction.records) == len(crowd)
    for number, (record, person) in enumerate(zip(extraction.records, crowd, strict=True), 2):
        assert record.source.sheet == "Detainees" and record.source.hidden
        assert record.source.row == number and record.source.part == "sheet"
        assert record.fields["a_number"] == person.a_number
        assert record.fields["family_name"] == person.family
        assert record.fields["given_name"] == person.given
        assert record.fields["date_of_birth"] == person.born.isoformat()
        assert record.fields["date_of_birth_raw"] == person.born.strftime("%m/%d/%Y")
        assert record.fields["country_of_citizenship"] == country_code(person.country)
        assert record.fields["sex"] == person.sex
        assert record.fields["facility"] == "SOUTH TEXAS ICE PROCESSING CENTER"
    expected = {
        "a_number",
        "family_name",
        "given_name",
        "date_of_birth",
        "sex",
        "aor",
        "country_of_citizenship",
        "facility",
        "book_in_date",
        "custody",
        "case_status",
        "fear_screening",
        "final_order",
    }
    assert expected <= set(extraction.data_elements)


def test_spanish_full_name_and_day_first_dates(tmp_path: Path) -> None:
    crowd = people(8, seed=5)
    path = tmp_path / "lista.csv"
    lines = ["Nombre completo;Fecha de Nacimiento;Nacionalidad;Observaciones"]
    lines += [f"{p.family}, {p.given};{p.born:%d/%m/%Y};cubano;ninguna" for p in crowd]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = extract_records(path).records
    assert len(records) == len(crowd)
    for record, person in zip(records, crowd, strict=True):
        family, given = split_full_name(f"{person.family}, {person.given}")
        assert record.fields["full_name"] == f"{person.family}, {person.given}"
        assert (record.fields["family_name"], record.fields["given_name"]) == (family, given)
        assert record.fields["date_of_birth"] == person.born.isoformat()
        assert record.fields["country_of_citizenship"] == "CUB"
        assert record.fields["observaciones"] == "ninguna"
        assert record.source.part == "csv" and record.source.hidden is False


def test_ambiguous_spanish_dates_default_to_day_first(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(
        "Apellidos,Nombre,Fecha de Nacimiento\nPEREZ GARCIA,JUAN,03/04/1990\n"
        "LOPEZ DIAZ,ANA,05/06/1985\n"
    )
    dates = [r.fields["date_of_birth"] for r in extract_records(path).records]
    assert dates == ["1990-04-03", "1985-06-05"]


def test_rows_without_person_data_are_not_records(tmp_path: Path) -> None:
    crowd = people(3)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Title: detainee list"])
    sheet.append(HEADERS_ES)
    for person in crowd:
        sheet.append(person.row_es())
    sheet.append(["", "", "", "", "", ""])
    sheet.append(["Total", "3"])
    sheet.append(["* Footnote: data as of 11/19/2022"])
    workbook.save(tmp_path / "b.xlsx")
    records = extract_records(tmp_path / "b.xlsx").records
    assert [r.source.row for r in records] == [3, 4, 5]
    assert [r.fields["a_number"] for r in records] == [p.a_number for p in crowd]


def test_real_workbook_has_no_records() -> None:
    extraction = extract_records(real_workbooks()[-1])
    assert extraction.records == [] and extraction.data_elements == []


def test_unreadable_file_raises_scan_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ScanError, match="bad.xlsx"):
        extract_records(path)


def test_a_column_that_numbers_the_rows_is_no_data_element(tmp_path: Path) -> None:
    # The Dec 7 list's "No." column: 1, 2, 3, ... says nothing about anyone.
    path = tmp_path / "list.csv"
    path.write_text(
        "No.,Family name,Given name,Date of birth,Case no.\n"
        "1,GARCIA LOPEZ,JUAN,04/03/1990,7\n"
        "2,LOPEZ DIAZ,ANA,05/06/1985,3\n"
        "3,PEREZ RUIZ,LUIS,01/02/1979,12\n"
    )
    extraction = extract_records(path)
    assert "no" not in extraction.data_elements
    assert "case_no" in extraction.data_elements  # numbers that are not a count stay
    assert all("no" not in r.fields for r in extraction.records)


def test_one_reading_gives_records_lines_and_unopened_members(tmp_path: Path) -> None:
    # The egress check reads each file once: records and lines through the scanner's walk.
    import zipfile

    from spilldesk.scan import document_lines, scan_path

    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(
            "list.csv",
            "Family name,Given name,A-number,Date of birth\n"
            "GARCIA LOPEZ,JUAN,A012345678,04/03/1990\n"
            "LOPEZ DIAZ,ANA,A123456789,05/06/1985\n",
        )
        bundle.writestr("letter.txt", "Dear Sir,\nthe leak of personal information\n")
        bundle.writestr("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    extraction = extract_records(path, lines=True)
    assert [r.fields["a_number"] for r in extraction.records] == ["A012345678", "A123456789"]
    assert extraction.lines == document_lines(path)
    texts = [line.text for line in extraction.lines]
    assert "GARCIA LOPEZ JUAN A012345678 04/03/1990" in texts
    assert "the leak of personal information" in texts
    assert extraction.uninspectable == [f"{path}!/old.doc"]
    unopened = [
        member.path
        for member in scan_path(path).flattened()
        if any(f.entity == "UNINSPECTABLE" for f in member.findings)
    ]
    assert unopened == extraction.uninspectable  # where the gate asks for a review
    assert extract_records(path).lines == []  # lines only when asked for
