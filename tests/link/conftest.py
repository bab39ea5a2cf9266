from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from spilldesk.link import LinkRecord, LinkResult, link_records
from spilldesk.scenario.noisy_registry import make_disclosed, make_registry

REFERENCE = date(2022, 11, 19)


def person(
    person_id: int,
    a_number: str,
    family: str,
    given: str,
    dob: str,
    sex: str,
    country: str,
    book_in: str = "2022-10-01",
    book_out: str | None = None,
) -> dict:
    return {
        "person_id": person_id,
        "a_number": a_number,
        "family_name": family,
        "given_name": given,
        "date_of_birth": dob,
        "sex": sex,
        "country": country,
        "book_in_date": book_in,
        "book_out_date": book_out,
    }


CRAFTED = [
    person(900001, "A111111111", "Díaz Torres", "Lázaro", "1979-07-07", "M", "CUB"),
    person(900002, "A222222222", "SHCHERBAKOV", "YURIY", "1985-03-04", "M", "RUS"),
    person(900003, "A333333333", "de la Cruz Pérez", "María José", "1992-05-10", "F", "HND"),
    person(900004, "A444444441", "Gómez Ruiz", "Yunior", "1988-08-08", "M", "CUB"),
    person(900005, "A444444442", "Gómez Ruiz", "Yunior", "1988-08-08", "M", "CUB"),
    person(
        900006,
        "A666666666",
        "Fuentes Vega",
        "Osmany",
        "1975-01-20",
        "M",
        "CUB",
        book_in="2022-01-01",
        book_out="2022-06-01",
    ),
    person(900007, "A777777777", "Ortega Luna", "Dayana", "1999-12-01", "F", "VEN"),
    person(900008, "A888888888", "Castillo Serrano", "Reinaldo", "1980-04-04", "M", "GTM"),
]


def record(
    record_id: int,
    a_number: str | None,
    family: str,
    given: str,
    dob: str | None,
    sex: str | None = None,
    country: str | None = None,
) -> LinkRecord:
    return LinkRecord(record_id, a_number, family, given, dob, sex, country)


CRAFTED_RECORDS = {
    "conflict": record(1, "A111111111", "Smith", "Janet", "1990-02-02", "F", "USA"),
    "cyrillic": record(2, None, "Щербаков", "Юрий", "1985-03-04", "M", "RUS"),
    "swaps": record(3, None, "PEREZ DE LA CRUZ", "MARIA JOSE", "1992-10-05", "F", "HND"),
    "twins": record(4, None, "GOMEZ RUIZ", "YUNIOR", "1988-08-08", "M", "CUB"),
    "released": record(5, "666-666-666", "Fuentes Vega", "Osmany", "1975-01-20", "M", "CUB"),
    "duplicate_a": record(6, None, "Ortega Luna", "Dayana", "1999-12-01", "F", "VEN"),
    "duplicate_b": record(7, None, "ORTEGA LUNA", "DAYANA", "1999-12-01", "F", "VEN"),
    "nobody": record(8, None, "Zzyzx Qwerty", "Xqzvw", "1901-01-01", "X", "AUS"),
    "given_family_swapped": record(
        9, None, "Reinaldo", "Castillo Serrano", "1980-04-04", "M", "GTM"
    ),
}


@pytest.fixture(scope="session")
def crafted() -> dict[str, LinkRecord]:
    return CRAFTED_RECORDS


@pytest.fixture(scope="session")
def crafted_persons() -> list[dict]:
    return CRAFTED


@pytest.fixture(scope="session")
def to_records():
    return as_records


@pytest.fixture(scope="session")
def registry() -> pd.DataFrame:
    background = make_registry(3000, seed=3)
    return pd.concat([background, pd.DataFrame(CRAFTED)], ignore_index=True)


@pytest.fixture(scope="session")
def noisy(registry: pd.DataFrame) -> pd.DataFrame:
    return make_disclosed(registry.iloc[:3000], 300, seed=5)


def as_records(frame: pd.DataFrame, first_id: int) -> list[LinkRecord]:
    return [
        LinkRecord(
            first_id + i,
            row.a_number,
            row.family_name,
            row.given_name,
            row.date_of_birth,
            row.sex,
            row.country,
        )
        for i, row in enumerate(frame.itertuples(index=False))
    ]


@pytest.fixture(scope="session")
def all_records(noisy: pd.DataFrame) -> list[LinkRecord]:
    return list(CRAFTED_RECORDS.values()) + as_records(noisy, 1000)


@pytest.fixture(scope="session")
def linked(registry: pd.DataFrame, all_records: list[LinkRecord]) -> list[LinkResult]:
    return link_records(all_records, registry, custody_reference_date=REFERENCE)
