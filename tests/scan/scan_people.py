"""Synthetic people for planting: names made of syllables (so no detector can know them from a
list), random A-numbers and birth dates. Seeded, so every run plants the same people."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from spilldesk.scenario.shared_data import real_workbooks as shipped_workbooks

_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "br"]
_VOWELS = ["a", "e", "i", "o", "u", "ia", "ue"]
COUNTRIES = ["Cuba", "Mexico", "Honduras", "Guatemala", "Brazil", "Haiti", "Venezuela"]
HEADERS_EN = [
    "Last Name",
    "First Name",
    "A-Number",
    "Date of Birth",
    "Citizenship",
    "Gender",
    "Facility",
    "AOR",
    "Book In Date",
    "Custody",
    "Case Status",
    "Fear Screening",
    "Final Order",
]
HEADERS_ES = ["Apellidos", "Nombre", "Número A", "Fecha de Nacimiento", "Nacionalidad", "Sexo"]


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))
    ).title()


@dataclass(frozen=True)
class Person:
    family: str
    given: str
    a_number: str  # A + 9 digits
    born: dt.date
    country: str
    sex: str

    def row_en(self, style: int = 0) -> list[str]:
        a = (
            self.a_number
            if style % 2 == 0
            else f"{self.a_number[1:4]}-{self.a_number[4:7]}-{self.a_number[7:]}"
        )
        return [
            self.family,
            self.given,
            a,
            self.born.strftime("%m/%d/%Y"),
            self.country,
            self.sex,
            "SOUTH TEXAS ICE PROCESSING CENTER",
            "SNA",
            "2022-11-01",
            "Detained",
            "Removal proceedings",
            "Positive",
            "No",
        ]

    def row_es(self) -> list[str]:
        return [
            self.family,
            self.given,
            self.a_number,
            self.born.strftime("%d/%m/%Y"),
            self.country,
            self.sex,
        ]

    def line(self) -> str:
        return f"Name: {self.given} {self.family}, A# {self.a_number}, DOB {self.born:%m/%d/%Y}"


def people(count: int, seed: int = 7) -> list[Person]:
    rng = random.Random(seed)
    return [
        Person(
            _word(rng) + " " + _word(rng),
            _word(rng),
            f"A{rng.randint(10_000_000, 999_999_999):09d}",
            dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20_000)),
            rng.choice(COUNTRIES),
            rng.choice("MF"),
        )
        for _ in range(count)
    ]


def real_workbooks() -> list[Path]:
    """The 89 real ICE workbooks shipped in the package (spilldesk/data/ice-detention-stats)."""
    return shipped_workbooks()
