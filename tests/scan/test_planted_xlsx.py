"""Every hiding place in a real ICE workbook: planted person records must block."""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook.defined_name import DefinedName

from spilldesk.scan import Verdict, scan_path
from tests.scan.scan_people import HEADERS_EN, HEADERS_ES, Person, people, real_workbooks

Planter = Callable[[openpyxl.Workbook, list[Person]], None]


def _sheet_of_people(wb: openpyxl.Workbook, crowd: list[Person], title: str = "Detainees") -> None:
    sheet = wb.create_sheet(title)
    sheet.append(HEADERS_EN)
    for index, person in enumerate(crowd):
        sheet.append(person.row_en(index))


def visible_sheet(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    _sheet_of_people(wb, crowd)


def hidden_sheet(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    _sheet_of_people(wb, crowd, "Sheet2")
    wb["Sheet2"].sheet_state = "hidden"


def very_hidden_sheet(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    _sheet_of_people(wb, crowd, "x")
    wb["x"].sheet_state = "veryHidden"


def hidden_columns(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    sheet = wb.worksheets[-1]
    start = sheet.max_column + 5
    for offset, header in enumerate(["Name", "A#", "DOB"]):
        sheet.cell(1, start + offset, header)
        letter = openpyxl.utils.get_column_letter(start + offset)
        sheet.column_dimensions[letter].hidden = True
        for row, person in enumerate(crowd, start=2):
            value = [f"{person.family}, {person.given}", person.a_number, person.born.isoformat()]
            sheet.cell(row, start + offset, value[offset])


def hidden_rows(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    sheet = next(s for s in wb.worksheets if s.title.strip().startswith("Facilities"))
    first = sheet.max_row + 3
    sheet.append([])
    for row, values in enumerate([HEADERS_EN] + [p.row_en(i) for i, p in enumerate(crowd)]):
        for column, value in enumerate(values, start=1):
            sheet.cell(first + row, column, value)
        sheet.row_dimensions[first + row].hidden = True


def comments(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    sheet = wb.worksheets[1]
    for row, person in enumerate(crowd[:4], start=2):
        sheet.cell(row, 30).comment = Comment(person.line(), "Analyst")


def headerless_sheet(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    sheet = wb.create_sheet("Sheet9")
    for person in crowd:
        sheet.append([f"{person.family} {person.given}", person.a_number, person.born])


def spanish_headers(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    sheet = wb.create_sheet("Lista")
    sheet.append(HEADERS_ES)
    for person in crowd:
        sheet.append(person.row_es())


def spanish_full_name_no_ids(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    sheet = wb.create_sheet("Cubanos")
    sheet.append(["Nombre completo", "Fecha de Nacimiento", "Nacionalidad"])
    for person in crowd:
        sheet.append([f"{person.family}, {person.given}", person.born.strftime("%d/%m/%Y"), "Cuba"])


def defined_names(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    for index, person in enumerate(crowd[:4]):
        wb.defined_names[f"subject{index}"] = DefinedName(
            f"subject{index}", attr_text=f'"{person.a_number}"'
        )


def document_properties(wb: openpyxl.Workbook, crowd: list[Person]) -> None:
    for index, person in enumerate(crowd[:4]):
        wb.custom_doc_props.append(StringProperty(name=f"ref{index}", value=person.line()))


PLANTERS: list[Planter] = [
    visible_sheet,
    hidden_sheet,
    very_hidden_sheet,
    hidden_columns,
    hidden_rows,
    comments,
    headerless_sheet,
    spanish_headers,
    spanish_full_name_no_ids,
    defined_names,
    document_properties,
]
HIDDEN = {
    hidden_sheet,
    very_hidden_sheet,
    hidden_columns,
    hidden_rows,
    comments,
    defined_names,
    document_properties,
}


def _spread(count: int) -> list[Path]:
    books = real_workbooks()
    return [books[(i * 37) % len(books)] for i in range(count)]


@pytest.mark.parametrize(
    ("planter", "original"),
    list(zip(PLANTERS, _spread(len(PLANTERS)), strict=True)),
    ids=[p.__name__ for p in PLANTERS],
)
def test_planted_people_block(planter: Planter, original: Path, tmp_path: Path) -> None:
    crowd = people(12, seed=zlib.crc32(planter.__name__.encode()))
    copy = tmp_path / original.name
    shutil.copy(original, copy)
    assert scan_path(copy).verdict is Verdict.PASS
    wb = openpyxl.load_workbook(copy)
    planter(wb, crowd)
    wb.save(copy)
    report = scan_path(copy)
    assert report.verdict is Verdict.BLOCK, [f.to_json() for f in report.findings]
    serious = [f for f in report.findings if f.severity.value != "info"]
    if planter in HIDDEN:
        assert any(f.location.hidden for f in serious)
    text = str([f.to_json() for f in report.findings])
    for person in crowd:
        assert person.a_number not in text and person.family not in text


def test_records_in_hidden_rows_are_counted_and_located(tmp_path: Path) -> None:
    crowd = people(12)
    copy = tmp_path / "book.xlsx"
    shutil.copy(real_workbooks()[0], copy)
    wb = openpyxl.load_workbook(copy)
    hidden_rows(wb, crowd)
    wb.save(copy)
    records = [f for f in scan_path(copy).findings if f.entity == "PERSON_RECORDS"]
    assert [f.rows for f in records] == [12]
    assert records[0].location.sheet.strip().startswith("Facilities")
    assert "hidden rows" in (records[0].location.hidden_how or "")
    assert {"A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME", "NATIONALITY"} <= set(records[0].entities)


def test_two_people_are_review_not_block(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    _sheet_of_people(wb, people(2))
    wb.save(tmp_path / "two.xlsx")
    assert scan_path(tmp_path / "two.xlsx").verdict is Verdict.REVIEW
