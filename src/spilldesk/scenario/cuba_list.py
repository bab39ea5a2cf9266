"""The Dec 7, 2022 list of Cuban nationals named for removal, and DHS's communication about it.

Written the way a diplomatic list is: Spanish headers, `APELLIDO1 APELLIDO2, NOMBRES` in upper
case, day-first dates, no A-numbers; with the noise such lists carry (accents dropped, the
second surname missing, typos, a few day/month swaps).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from unidecode import unidecode

from spilldesk.scenario.population import Person
from spilldesk.scenario.xlsx import save_reproducibly

SHEET = "Relacion"
HEADERS = ("No.", "NOMBRE COMPLETO", "FECHA DE NACIMIENTO", "SEXO", "NACIONALIDAD")
ACCENTS_DROPPED = 0.5
SECOND_SURNAME_MISSING = 0.2
TYPO = 0.1
DAY_MONTH_SWAPS = 4


@dataclass(frozen=True)
class ListedRow:
    row: int  # spreadsheet row; the header is row 1
    number: int  # the list's own "No." column
    a_number: str
    in_workbook: bool
    noise: tuple[str, ...]
    cells: tuple[object, ...]


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard inside a word of at least four letters."""
    at = rng.randint(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def _with_typo(rng: random.Random, full_name: str) -> str:
    words = full_name.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long_words:
        return full_name
    index = rng.choice(long_words)
    words[index] = _typo(rng, words[index])
    return " ".join(words)


def listed_name(rng: random.Random, person: Person) -> tuple[str, list[str]]:
    noise: list[str] = []
    surnames = list(person.name.surnames)
    if len(surnames) > 1 and rng.random() < SECOND_SURNAME_MISSING:
        surnames = surnames[:1]
        noise.append("second_surname_missing")
    text = f"{' '.join(surnames)}, {person.name.given}".upper()
    if rng.random() < ACCENTS_DROPPED:
        plain = unidecode(text)
        if plain != text:
            noise.append("accents_dropped")
        text = plain
    if rng.random() < TYPO:
        typed = _with_typo(rng, text)
        if typed != text:
            noise.append("typo")
        text = typed
    return text, noise


def _swappable(person: Person) -> bool:
    day = person.date_of_birth
    return day.day <= 12 and day.day != day.month


def listed_rows(
    rng: random.Random, people: list[Person], in_workbook: set[str]
) -> list[ListedRow]:
    swappable = [p.a_number for p in people if _swappable(p)]
    swapped = set(rng.sample(swappable, min(DAY_MONTH_SWAPS, len(swappable))))
    rows = []
    for index, person in enumerate(people):
        name, noise = listed_name(rng, person)
        born = person.date_of_birth.strftime("%d/%m/%Y")
        if person.a_number in swapped:
            born = person.date_of_birth.strftime("%m/%d/%Y")
            noise.append("day_month_swapped")
        sex = "F" if person.sex == "F" else "M"
        cells = (index + 1, name, born, sex, "CUBANA" if sex == "F" else "CUBANO")
        rows.append(
            ListedRow(index + 2, index + 1, person.a_number, person.a_number in in_workbook,
                      tuple(noise), cells)
        )
    return rows


def write_cuba_list(path: Path, rows: list[ListedRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # a new workbook always has its first sheet
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = SHEET
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row.cells)
    return save_reproducibly(workbook, path, creator="DHS")


def write_communication(path: Path, rows: list[ListedRow]) -> str:
    """The outgoing letter: it reveals which listed people were in the Nov 28 disclosure."""
    numbers = textwrap.fill(", ".join(str(row.number) for row in rows if row.in_workbook), 90)
    text = f"""U.S. Department of Homeland Security
Washington, DC 20528

December 7, 2022

Embassy of the Republic of Cuba
Consular Section
2630 16th Street NW
Washington, DC 20009

Subject: Removal flight coordination - list of {len(rows)} Cuban nationals

Dear Consul:

Further to our discussions on the resumption of removal flights, please find attached the
list of {len(rows)} Cuban nationals previously provided for removal processing
(file 2022-12-07-cuba-list.xlsx).

Please note that the individuals listed under the following numbers (column "No.") were part
of the personal information inadvertently posted on ICE.gov on November 28, 2022:
{numbers}.

We remain available to discuss the schedule of the next flight.

Sincerely,

Office of International Affairs
U.S. Department of Homeland Security
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text
