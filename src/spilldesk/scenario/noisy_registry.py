"""A seeded synthetic registry and noisy disclosed records, for tests and benchmarks.

The noise is the kind this population's records carry: accents dropped, typos, the second
surname dropped or the surnames swapped, given and family name swapped, nicknames, day and
month swapped, A-numbers missing or mistyped, Cyrillic names written in their own script.
No real person's data: names are drawn from common-name lists. `passport_spelling` and
`disclosed_name` put the same name noise on names from elsewhere (the pseudopeople benchmark).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = _words(
    "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores "
    "Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ramos Ruiz Mendoza Vásquez "
    "Castillo Jiménez Moreno Romero Herrera Medina Aguilar Vargas Castro Guzmán Fernández "
    "Juárez Muñoz Salazar Rojas Contreras Domínguez Luna Ortega Guerrero Estrada Delgado "
    "Figueroa Cortés Núñez Mejía Soto Ríos Campos Vega Cabrera Carrillo Sandoval Peña Navarro "
    "Maldonado Acosta Pineda Ayala Espinoza Valencia Fuentes Molina Cárdenas Orozco Serrano "
    "Villanueva Zamora Santiago Silva Souza Oliveira Pereira Costa Almeida Barbosa Ferreira "
    "Alves Lima Carvalho Calderón Zúñiga Ibarra Trujillo Escobar Montoya Galindo Bautista"
)
PARTICLE_SURNAMES = ("de la Cruz", "del Valle", "de León", "de los Santos", "da Silva")
GIVEN = _words(
    "José Juan Luis Carlos Jesús Miguel Francisco Jorge Pedro Manuel Antonio Alejandro "
    "Eduardo Roberto Ricardo Fernando Javier Rafael Mario Óscar Santiago Guadalupe María "
    "Ana Rosa Carmen Sofía Lucía Isabel Elena Marta Gabriela Patricia Daniela Andrea Paola "
    "Mariana Valeria Fabiola Yesenia Wilmer Kevin Brayan Edwin Nelson Henry Walter Marvin "
    "Elmer Ronaldo Darwin Yoel Yunior Yanelis Yordanis Dayana Lázaro Reinaldo Osmany"
)
CYRILLIC = (
    ("Шевченко", "SHEVCHENKO"),
    ("Щербаков", "SHCHERBAKOV"),
    ("Жуков", "ZHUKOV"),
    ("Хабибуллин", "KHABIBULLIN"),
    ("Цветков", "TSVETKOV"),
    ("Юсупов", "YUSUPOV"),
)
CYRILLIC_GIVEN = (("Юрий", "YURIY"), ("Дмитрий", "DMITRIY"), ("Сергей", "SERGEY"))
NICKNAMES = {
    "José": "Pepe",
    "Francisco": "Paco",
    "Jesús": "Chuy",
    "Guadalupe": "Lupe",
    "Eduardo": "Lalo",
    "Alejandro": "Alex",
    "Roberto": "Beto",
}
COUNTRIES = ("MEX", "GTM", "HND", "SLV", "CUB", "VEN", "COL", "NIC", "ECU", "BRA", "HTI", "PER")
FOLD = str.maketrans("áéíóúÁÉÍÓÚñÑü", "aeiouAEIOUnNu")
# The accented spelling of every name above, keyed by its folded capitals (GARCIA → García).
ACCENTED = {word.translate(FOLD).upper(): word for word in (*SURNAMES, *GIVEN)}


def make_registry(size: int, seed: int = 7, *, reference: str = "2022-11-19") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.7
    weights /= weights.sum()
    first = rng.choice(len(SURNAMES), size, p=weights)
    second = rng.choice(len(SURNAMES), size, p=weights)
    surnames = np.array(SURNAMES, dtype=object)
    family = surnames[first] + " " + surnames[second]
    particle = rng.random(size) < 0.03
    family[particle] = np.array(PARTICLE_SURNAMES, dtype=object)[rng.integers(0, 5, particle.sum())]
    given = np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), size)]
    double = rng.random(size) < 0.3
    given[double] = (
        given[double]
        + " "
        + np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), double.sum())]
    )
    slavic = rng.random(size) < 0.01
    family[slavic] = np.array([c[1] for c in CYRILLIC], dtype=object)[
        rng.integers(0, len(CYRILLIC), slavic.sum())
    ]
    given[slavic] = np.array([c[1] for c in CYRILLIC_GIVEN], dtype=object)[
        rng.integers(0, len(CYRILLIC_GIVEN), slavic.sum())
    ]
    birth = np.datetime64("1950-01-01") + rng.integers(0, 20000, size).astype("timedelta64[D]")
    ref = np.datetime64(reference)
    book_in = ref - rng.integers(-60, 400, size).astype("timedelta64[D]")
    book_out = book_in + rng.integers(1, 500, size).astype("timedelta64[D]")
    still_in = rng.random(size) < 0.6
    a_numbers = rng.choice(9 * 10**8, size, replace=False) + 10**8
    return pd.DataFrame(
        {
            "person_id": np.arange(1, size + 1, dtype="int64"),
            "a_number": ["A" + f"{n:09d}" for n in a_numbers],
            "family_name": family,
            "given_name": given,
            "date_of_birth": birth.astype(str),
            "sex": np.where(rng.random(size) < 0.8, "M", "F"),
            "country": np.where(slavic, "RUS", np.array(COUNTRIES)[rng.integers(0, 12, size)]),
            "book_in_date": book_in.astype(str),
            "book_out_date": np.where(still_in, None, book_out.astype(str)),
        }
    )


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    op = int(rng.integers(0, 3))
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + "AEIOURSTN"[int(rng.integers(0, 9))] + text[i + 1 :]


def _noisy_name(family: str, given: str, rng: np.random.Generator) -> tuple[str, str]:
    roll = rng.random(8)
    if roll[0] < 0.3:
        family, given = family.translate(FOLD), given.translate(FOLD)
    if roll[1] < 0.08:
        family = _typo(family, rng)
    if roll[2] < 0.08:
        given = _typo(given, rng)
    parts = family.split(" ")
    if roll[3] < 0.1 and len(parts) == 2:
        family = parts[0]
    elif roll[4] < 0.04 and len(parts) == 2:
        family = f"{parts[1]} {parts[0]}"
    first_given = given.split(" ")[0]
    if roll[5] < 0.05 and first_given in NICKNAMES:
        given = NICKNAMES[first_given]
    for cyr, lat in CYRILLIC + CYRILLIC_GIVEN:
        if roll[6] < 0.5:
            family, given = family.replace(lat, cyr), given.replace(lat, cyr)
    if roll[7] < 0.03:
        family, given = given, family
    return family, given


def passport_spelling(name: str) -> str:
    """The name with the accents its Spanish or Portuguese spelling carries, word by word
    (Garcia Lopez → García López); words not in the lists above are kept as written."""
    words = []
    for word in name.split(" "):
        accented = ACCENTED.get(word.upper())
        if accented is None:
            words.append(word)
        else:
            words.append(accented.upper() if word.isupper() else accented)
    return " ".join(words)


def disclosed_name(family: str, given: str, rng: np.random.Generator) -> tuple[str, str]:
    """A name as a disclosed record writes it: a compound family name joined (hyphen or
    nothing) or a hyphenated one split, then the noise of `make_disclosed` (accents dropped,
    typos, second surname dropped, surnames swapped, nicknames, given and family swapped)."""
    roll = rng.random(2)
    if roll[0] < 0.1:
        if "-" in family:
            family = family.replace("-", " ")
        elif family.count(" ") == 1:
            family = family.replace(" ", "-" if roll[1] < 0.5 else "")
    return _noisy_name(family, given, rng)


def _noisy_dob(dob: str, rng: np.random.Generator) -> str:
    roll = rng.random()
    year, month, day = dob.split("-")
    if roll < 0.05 and int(day) <= 12:
        return f"{year}-{day}-{month}"
    if roll < 0.08:
        return f"{int(year) + int(rng.choice([-1, 1])):04d}-{month}-{day}"
    return dob


def make_disclosed(
    registry: pd.DataFrame, count: int, seed: int = 11, *, with_a_numbers: float = 0.9
) -> pd.DataFrame:
    """``count`` noisy records about distinct registry persons; ``person_id`` is the truth."""
    rng = np.random.default_rng(seed)
    picked = registry.iloc[rng.choice(len(registry), count, replace=False)]
    rows = []
    for index, person in enumerate(picked.itertuples(index=False), start=1):
        family, given = _noisy_name(person.family_name, person.given_name, rng)
        a_number = person.a_number if rng.random() < with_a_numbers else None
        if a_number is not None and rng.random() < 0.02:
            a_number = a_number[:-1] + str((int(a_number[-1]) + 1) % 10)
        rows.append(
            {
                "unique_id": index,
                "a_number": a_number,
                "family_name": family,
                "given_name": given,
                "date_of_birth": _noisy_dob(person.date_of_birth, rng),
                "sex": person.sex,
                "country": person.country,
                "true_person_id": person.person_id,
            }
        )
    return pd.DataFrame(rows)
