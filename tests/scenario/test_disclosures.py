"""The Nov 28 workbook and the Dec 7 list: who is in them, and how they are written."""

from __future__ import annotations

import re
from datetime import date, datetime

import openpyxl
from unidecode import unidecode

from spilldesk.domain.anumber import normalize_a_number
from spilldesk.domain.dates import parse_date
from spilldesk.scenario.shared_data import choose_workbook
from tests.scenario.conftest import Generated

REFERENCE = date(2022, 11, 19)


def _in_custody_on(person: dict[str, str], day: date) -> bool:
    book_in = date.fromisoformat(person["book_in_date"])
    out = person["book_out_date"]
    return book_in <= day and (not out or date.fromisoformat(out) > day)


def _person_sheet(scenario: Generated):  # type: ignore[no-untyped-def]
    truth = scenario.truth["workbook"]
    workbook = openpyxl.load_workbook(scenario.files.workbook, read_only=True)
    return workbook, workbook[truth["sheet"]]


def test_workbook_keeps_the_real_statistics_sheets(scenario: Generated) -> None:
    source, _ = choose_workbook()
    real = openpyxl.load_workbook(source, read_only=True).sheetnames
    workbook, _ = _person_sheet(scenario)
    assert workbook.sheetnames[: len(real)] == real
    assert len(workbook.sheetnames) == len(real) + 1


def test_person_sheet_rows_match_the_truth(scenario: Generated) -> None:
    truth = scenario.truth["workbook"]
    _, sheet = _person_sheet(scenario)
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 20 and rows[0][:3] == ("Last Name", "First Name", "A-Number")
    assert len(rows) - 1 == len(truth["records"]) == scenario.files.summary["workbook_rows"]
    header = rows[0]
    for record in truth["records"]:
        cells = dict(zip(header, rows[record["row"] - 1], strict=True))
        a_number = normalize_a_number(str(cells["A-Number"]))
        assert a_number == record["a_number"]
        person = scenario.persons[a_number]
        assert cells["Last Name"] == unidecode(person["family_name"]).upper()
        born = parse_date(str(cells["Date of Birth"]))
        assert born == date.fromisoformat(person["date_of_birth"])
        assert isinstance(cells["Book In Date"], datetime)
        assert cells["Book In Date"].date().isoformat() == person["book_in_date"]


def test_person_sheet_reads_the_same_with_calamine(scenario: Generated) -> None:
    from python_calamine import CalamineWorkbook

    truth = scenario.truth["workbook"]
    book = CalamineWorkbook.from_path(str(scenario.files.workbook))
    rows = book.get_sheet_by_name(truth["sheet"]).to_python()
    assert len(rows) == len(truth["records"]) + 1 and len(rows[0]) == 20
    last = truth["records"][-1]
    assert normalize_a_number(str(rows[last["row"] - 1][2]).removesuffix(".0")) == last["a_number"]
    assert all(isinstance(row[11], date) for row in rows[1:])


def test_a_numbers_are_written_several_ways(scenario: Generated) -> None:
    _, sheet = _person_sheet(scenario)
    written = [row[0] for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3,
                                                  values_only=True)]
    shapes = {re.sub(r"\d", "9", str(value)) for value in written}
    assert {"999999999", "A999999999", "A-999-999-999"} <= shapes
    assert any(isinstance(value, int) and value < 100_000_000 for value in written)


def test_everyone_in_the_workbook_was_in_custody_on_nov_19(scenario: Generated) -> None:
    records = scenario.truth["workbook"]["records"]
    assert len({r["a_number"] for r in records}) == len(records)
    for record in records:
        assert _in_custody_on(scenario.persons[record["a_number"]], REFERENCE)


def test_some_have_since_been_released_or_removed(scenario: Generated) -> None:
    truth = scenario.truth["workbook"]
    for key, custody in (("removed_since_reference", "removed"),
                         ("released_since_reference", "released")):
        assert truth[key]
        for a_number in truth[key]:
            person = scenario.persons[a_number]
            assert person["custody"] == custody
            assert date.fromisoformat(person["book_out_date"]) > REFERENCE


def test_few_were_removed_after_the_discovery(scenario: Generated) -> None:
    truth = scenario.truth["workbook"]
    after = truth["removed_after_discovery"]
    assert set(after) <= set(truth["removed_since_reference"])
    assert len(after) < max(len(truth["removed_since_reference"]) / 4, 1)
    for a_number in truth["removed_since_reference"]:
        removed_on = date.fromisoformat(scenario.persons[a_number]["book_out_date"])
        assert (removed_on > date(2022, 11, 28)) == (a_number in after)


def test_namesakes_share_names_but_were_not_in_custody(scenario: Generated) -> None:
    in_workbook = {r["a_number"] for r in scenario.truth["workbook"]["records"]}
    namesakes = scenario.truth["namesakes"]
    assert namesakes and any(n["same_date_of_birth"] for n in namesakes)
    for namesake in namesakes:
        twin, original = (scenario.persons[namesake[k]] for k in ("a_number", "shares_names_with"))
        assert original["a_number"] in in_workbook and twin["a_number"] not in in_workbook
        assert (twin["family_name"], twin["given_name"]) == (
            original["family_name"], original["given_name"])
        assert not _in_custody_on(twin, REFERENCE)


def _list_rows(scenario: Generated) -> list[tuple[object, ...]]:
    truth = scenario.truth["cuba_list"]
    workbook = openpyxl.load_workbook(scenario.files.cuba_list, read_only=True)
    return list(workbook[truth["sheet"]].iter_rows(values_only=True))


def test_cuba_list_is_103_cubans_46_of_them_in_the_workbook(scenario: Generated) -> None:
    truth = scenario.truth["cuba_list"]
    in_workbook = {r["a_number"] for r in scenario.truth["workbook"]["records"]}
    records = truth["records"]
    assert len(records) == 103 and (truth["in_workbook"], truth["not_in_workbook"]) == (46, 57)
    assert len({r["a_number"] for r in records}) == 103
    for record in records:
        person = scenario.persons[record["a_number"]]
        assert person["country_of_citizenship"] == "CUB"
        assert record["in_workbook"] == (record["a_number"] in in_workbook)
        assert person["final_order"] == "true"  # named for removal


def test_cuba_list_is_written_like_a_diplomatic_list(scenario: Generated) -> None:
    rows = _list_rows(scenario)
    assert rows[0] == ("No.", "NOMBRE COMPLETO", "FECHA DE NACIMIENTO", "SEXO", "NACIONALIDAD")
    assert len(rows) == 104
    assert not any(re.search(r"\d{8,9}", str(cell)) for row in rows for cell in row)
    by_row = {r["row"]: r for r in scenario.truth["cuba_list"]["records"]}
    noise_seen: set[str] = set()
    for index, row in enumerate(rows[1:], start=2):
        record = by_row[index]
        noise_seen.update(record["noise"])
        name = str(row[1])
        assert name == name.upper() and ", " in name
        person = scenario.persons[record["a_number"]]
        born = date.fromisoformat(person["date_of_birth"])
        day_first = parse_date(str(row[2]), day_first=True)
        if "day_month_swapped" in record["noise"]:
            assert parse_date(str(row[2])) == born and day_first != born
        else:
            assert day_first == born
    assert {"accents_dropped", "second_surname_missing", "typo", "day_month_swapped"} <= noise_seen


def test_cuba_list_noise_rates_are_plausible(scenario: Generated) -> None:
    records = scenario.truth["cuba_list"]["records"]
    missing = sum("second_surname_missing" in r["noise"] for r in records)
    typos = sum("typo" in r["noise"] for r in records)
    assert 8 <= missing <= 35 and 3 <= typos <= 20


def test_cuba_namesakes_make_real_ambiguities(scenario: Generated) -> None:
    listed = {r["a_number"] for r in scenario.truth["cuba_list"]["records"]}
    namesakes = scenario.truth["cuba_namesakes"]
    assert 5 <= len(namesakes) <= 12
    assert any(n["same_date_of_birth"] for n in namesakes)
    for namesake in namesakes:
        twin = scenario.persons[namesake["a_number"]]
        original = scenario.persons[namesake["shares_names_with"]]
        assert twin["country_of_citizenship"] == "CUB" and twin["a_number"] not in listed
        assert original["a_number"] in listed
        assert twin["family_name"] == original["family_name"]


def test_communication_names_the_46_by_list_number(scenario: Generated) -> None:
    text = scenario.files.communication.read_text(encoding="utf-8")
    assert "November 28" in text and "Cuba" in text
    block = text.split("November 28, 2022:")[1].split("\n\n")[0]
    numbers = {int(n) for n in re.findall(r"\d+", block)}
    expected = {r["number"] for r in scenario.truth["cuba_list"]["records"] if r["in_workbook"]}
    assert numbers == expected and len(numbers) == 46
