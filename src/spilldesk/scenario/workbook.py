"""The Nov 28, 2022 workbook: a real FY23 statistics workbook plus the person sheet.

The person sheet lists people in ICE custody on Nov 19, 2022 the way an ICE data export
writes them: upper-case names without accents, A-numbers written several ways (and, where the
cell was stored as a number, without the leading zero), US dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from unidecode import unidecode

from spilldesk.domain.countries import country_name
from spilldesk.domain.posture import OrderType, Posture
from spilldesk.scenario.cases import Case
from spilldesk.scenario.population import Person
from spilldesk.scenario.sheet_xml import splice_rows
from spilldesk.scenario.timeline import CUSTODY_REFERENCE
from spilldesk.scenario.xlsx import save_reproducibly

PERSON_SHEET = "Detained 11.19.2022"
AS_OF_NOTE = "Data as of 11/19/2022. Source: ICE Integrated Decision Support (IIDS)."
HEADERS = (
    "Last Name", "First Name", "A-Number", "Date of Birth", "Gender", "Country of Citizenship",
    "Country of Birth", "Primary Language", "Detention Facility", "Detention Facility Code",
    "AOR", "Book In Date", "Arresting Agency", "Custody Classification", "Criminality",
    "ICE Threat Level", "Case Category", "Case Status", "Final Order Date",
    "Fear Screening Result",
)
LANGUAGE_NAMES = {
    "es": "SPANISH", "en": "ENGLISH", "pt-BR": "PORTUGUESE", "ht": "HAITIAN CREOLE",
    "fr": "FRENCH", "ru": "RUSSIAN", "hi": "HINDI", "pa": "PUNJABI", "gu": "GUJARATI",
    "zh": "MANDARIN", "mam": "MAM", "kjb": "Q'ANJOB'AL", "quc": "K'ICHE'", "ro": "ROMANIAN",
    "ar": "ARABIC", "wo": "WOLOF",
}
_CATEGORY = {
    Posture.CREDIBLE_FEAR_POSITIVE: "[8G] Expedited Removal - Credible Fear Referral",
    Posture.CREDIBLE_FEAR_NEGATIVE: "[8F] Expedited Removal",
    Posture.REASONABLE_FEAR_NEGATIVE: "[16] Reinstated Final Order",
    Posture.WITHHOLDING_ONLY: "[16] Reinstated Final Order",
    Posture.REMOVAL_PROCEEDINGS: "[3] Deportable - Under Adjudication by IJ",
    Posture.BIA_APPEAL: "[3] Deportable - Under Adjudication by BIA",
}
_ORDER_CATEGORY = {
    OrderType.SECTION_240: "[11] Deportable - Administratively Final Order",
    OrderType.EXPEDITED_REMOVAL: "[8F] Expedited Removal",
    OrderType.REINSTATEMENT: "[16] Reinstated Final Order",
}
_STATUS = {
    Posture.CREDIBLE_FEAR_POSITIVE: "Pending NTA / Referred to IJ",
    Posture.CREDIBLE_FEAR_NEGATIVE: "Final Order",
    Posture.REASONABLE_FEAR_NEGATIVE: "Final Order",
    Posture.WITHHOLDING_ONLY: "Withholding-Only Proceedings Pending",
    Posture.REMOVAL_PROCEEDINGS: "Proceedings Pending - IJ",
    Posture.BIA_APPEAL: "Appeal Pending - BIA",
    Posture.FINAL_ORDER_UNEXECUTED: "Final Order",
}
_FEAR = {
    Posture.CREDIBLE_FEAR_POSITIVE: "Credible Fear - Positive",
    Posture.CREDIBLE_FEAR_NEGATIVE: "Credible Fear - Negative",
    Posture.REASONABLE_FEAR_NEGATIVE: "Reasonable Fear - Negative",
    Posture.WITHHOLDING_ONLY: "Reasonable Fear - Positive",
}
_CRIMINALITY = (
    "1 Convicted Criminal", "2 Pending Criminal Charges", "3 Other Immigration Violator"
)
_AGENCY = ("CBP", "CBP", "CBP", "ICE")


@dataclass(frozen=True)
class WorkbookRow:
    row: int  # as a spreadsheet user sees it: the header is row 1
    a_number: str
    cells: tuple[object, ...]


def written_a_number(rng: random.Random, a_number: str) -> str | int:
    """An A-number as ICE exports wrote it; a number cell loses the leading zero."""
    digits = a_number[1:]
    draw = rng.random()
    if digits.startswith("0") and draw < 0.5:
        return int(digits)
    if draw < 0.55:
        return digits
    if draw < 0.75:
        return "A" + digits
    if draw < 0.90:
        return f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _upper_ascii(text: str) -> str:
    return unidecode(text).upper()


def _category(case: Case) -> str:
    return _CATEGORY.get(case.posture) or _ORDER_CATEGORY[case.order_type]


def _final_order_date(rng: random.Random, person: Person, case: Case) -> datetime | None:
    if not case.final_order:
        return None
    held = max((CUSTODY_REFERENCE - person.book_in).days, 0)
    day = person.book_in + timedelta(days=rng.randint(0, held))
    return datetime(day.year, day.month, day.day)


def person_cells(rng: random.Random, person: Person) -> tuple[object, ...]:
    case = person.case_on_reference or person.case
    country = country_name(person.country).upper()
    book_in = datetime(person.book_in.year, person.book_in.month, person.book_in.day)
    return (
        _upper_ascii(person.name.family), _upper_ascii(person.name.given),
        written_a_number(rng, person.a_number), person.date_of_birth.strftime("%m/%d/%Y"),
        "Female" if person.sex == "F" else "Male", country, country,
        LANGUAGE_NAMES.get(person.language, person.language.upper()), person.facility.name,
        person.facility.code, person.facility.aor, book_in, rng.choice(_AGENCY),
        rng.choice("ABCD"), rng.choices(_CRIMINALITY, (0.25, 0.15, 0.60))[0],
        rng.choice((1, 2, 3, None, None)), _category(case), _STATUS[case.posture],
        _final_order_date(rng, person, case), _FEAR.get(case.posture),
    )


def workbook_rows(rng: random.Random, people: list[Person]) -> list[WorkbookRow]:
    return [
        WorkbookRow(row=index + 2, a_number=person.a_number, cells=person_cells(rng, person))
        for index, person in enumerate(people)
    ]


def write_workbook(workbook: Workbook, path: Path, rows: list[WorkbookRow]) -> bytes:
    """Add the person sheet after the real workbook's statistics sheets and save a copy.

    openpyxl writes the sheet with its header and first row (so that the date styles exist);
    every row is then written straight into the sheet's part (see sheet_xml)."""
    sheet = workbook.create_sheet(PERSON_SHEET)
    sheet.append(HEADERS)
    if rows:
        sheet.append(rows[0].cells)
    for column in ("L", "S"):
        sheet[f"{column}2"].number_format = "m/d/yyyy"
    sheet["A1"].comment = Comment(AS_OF_NOTE, "ERO LESA")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:T{len(rows) + 1}"
    part = f"xl/worksheets/sheet{len(workbook.worksheets)}.xml"
    cells = [row.cells for row in rows]

    def rewrite(name: str, content: bytes) -> bytes:
        return splice_rows(content, cells) if name == part and cells else content

    return save_reproducibly(
        workbook, path, creator="ICE ERO LESA Statistical Tracking Unit", rewrite=rewrite
    )
