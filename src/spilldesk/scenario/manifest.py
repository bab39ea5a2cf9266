"""The Dec 14, 2022 removal-flight manifest to Havana: exposed and unexposed people mixed,
people with and without final orders, and one A-number the registry does not know."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from spilldesk.domain.posture import Custody
from spilldesk.private_files import write_private
from spilldesk.scenario.population import Person
from spilldesk.scenario.selection import CUBA, Disclosures
from spilldesk.scenario.timeline import REMOVAL_FLIGHT

DESTINATION = "Havana, Cuba (HAV)"
HEADERS = ("a_number", "flight_date", "destination")
FROM_CUBA_LIST = 35
FROM_WORKBOOK_ONLY = 20
WITHOUT_FINAL_ORDER = 3
NAMESAKES = 2
TARGET_SIZE = 130


@dataclass(frozen=True)
class Manifest:
    a_numbers: list[str]
    exposed: list[str]
    unknown: str
    review_candidates: list[str]  # namesakes of listed people: not exposed, but ambiguous


def _sample(rng: random.Random, people: list[Person], count: int) -> list[str]:
    return [p.a_number for p in rng.sample(people, min(count, len(people)))]


def choose_manifest(
    rng: random.Random, people: list[Person], disclosures: Disclosures, unknown: str
) -> Manifest:
    in_workbook = {p.a_number for p in disclosures.workbook}
    listed = {p.a_number for p in disclosures.cuba_list}
    namesakes = {p.a_number for p, _ in disclosures.cuba_namesakes + disclosures.namesakes}
    detained_cubans = [p for p in people if p.country == CUBA and p.custody is Custody.DETAINED]
    workbook_only = [
        p for p in detained_cubans
        if p.a_number in in_workbook and p.a_number not in listed and p.case.final_order
    ]
    known = in_workbook | listed | namesakes
    unexposed = [p for p in detained_cubans if p.a_number not in known]
    ordered = [p for p in unexposed if p.case.final_order]
    not_ordered = [p for p in unexposed if not p.case.final_order]
    cuba_namesakes = [p for p, _ in disclosures.cuba_namesakes if p.custody is Custody.DETAINED]
    chosen = _sample(rng, disclosures.cuba_list, FROM_CUBA_LIST)
    chosen += _sample(rng, workbook_only, FROM_WORKBOOK_ONLY)
    chosen += _sample(rng, not_ordered, WITHOUT_FINAL_ORDER)
    candidates = _sample(rng, cuba_namesakes, NAMESAKES)
    chosen += candidates
    chosen += _sample(rng, ordered, TARGET_SIZE - 1 - len(chosen))
    chosen.append(unknown)
    rng.shuffle(chosen)
    exposed = sorted(a for a in chosen if a in in_workbook or a in listed)
    return Manifest(chosen, exposed, unknown, sorted(candidates))


def write_manifest(path: Path, manifest: Manifest) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    for a_number in manifest.a_numbers:
        writer.writerow((a_number, REMOVAL_FLIGHT.isoformat(), DESTINATION))
    write_private(path, out.getvalue())
