"""Who is in each disclosure: the Nov 28 workbook, the Dec 7 list, and their namesakes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from spilldesk.domain.posture import Custody, Posture
from spilldesk.scenario import cases
from spilldesk.scenario.nationalities import by_code
from spilldesk.scenario.population import FacilityPicker, Person, Stay, draw_person
from spilldesk.scenario.timeline import CUSTODY_REFERENCE

WORKBOOK_ROWS = 6252
WORKBOOK_SHARE_OF_CUSTODY = 0.40  # the sheet listed part of the people then in custody
CUBA_LIST_IN_WORKBOOK = 46
CUBA_LIST_NOT_IN_WORKBOOK = 57
CUBA = "CUB"


@dataclass
class Disclosures:
    workbook: list[Person]
    cuba_list: list[Person]
    cuba_in_workbook: set[str]
    namesakes: list[tuple[Person, Person]] = field(default_factory=list)  # (namesake, original)
    cuba_namesakes: list[tuple[Person, Person]] = field(default_factory=list)


def _sort_key(person: Person) -> tuple[str, str, str, str]:
    return (person.facility.aor, person.facility.name, person.name.family, person.name.given)


def choose_workbook(rng: random.Random, people: list[Person]) -> list[Person]:
    """People in custody on the reference date, as the sheet listed them (by AOR, facility)."""
    in_custody = [p for p in people if p.in_custody_on(CUSTODY_REFERENCE)]
    rows = min(WORKBOOK_ROWS, int(len(in_custody) * WORKBOOK_SHARE_OF_CUSTODY))
    return sorted(rng.sample(in_custody, rows), key=_sort_key)


def _named_for_removal(rng: random.Random, person: Person) -> None:
    """People on a removal list have a final order; give one to those who had none."""
    if not person.case.final_order:
        person.case = cases.case_for(rng, Posture.FINAL_ORDER_UNEXECUTED)
        if person.case_on_reference is not None:
            person.case_on_reference = person.case


def choose_cuba_list(
    rng: random.Random, people: list[Person], workbook: list[Person]
) -> tuple[list[Person], set[str]]:
    """Detained Cubans named for removal: 46 from the workbook, 57 not (fewer if too few)."""
    in_workbook = {p.a_number for p in workbook}
    detained_cubans = [p for p in people if p.country == CUBA and p.custody is Custody.DETAINED]
    listed = [p for p in detained_cubans if p.a_number in in_workbook]
    others = [p for p in detained_cubans if p.a_number not in in_workbook]
    chosen_in = rng.sample(listed, min(CUBA_LIST_IN_WORKBOOK, len(listed)))
    chosen_out = rng.sample(others, min(CUBA_LIST_NOT_IN_WORKBOOK, len(others)))
    chosen = chosen_in + chosen_out
    rng.shuffle(chosen)
    for person in chosen:
        _named_for_removal(rng, person)
    return chosen, {p.a_number for p in chosen_in}


def _copy_names(
    rng: random.Random,
    original: Person,
    a_number: str,
    stay: Stay,
    picker: FacilityPicker,
    same_birth_date: bool,
) -> Person:
    namesake = draw_person(rng, a_number, stay, picker, by_code(original.country))
    namesake.name = original.name
    namesake.sex = original.sex
    if same_birth_date:
        namesake.date_of_birth = original.date_of_birth
    return namesake


def make_namesakes(
    rng: random.Random, workbook: list[Person], a_numbers: list[str], picker: FacilityPicker
) -> list[tuple[Person, Person]]:
    """Registry people with a workbook person's names who were NOT in custody on Nov 19."""
    originals = rng.sample(workbook, min(len(a_numbers), len(workbook)))
    pairs = []
    for index, (original, a_number) in enumerate(zip(originals, a_numbers, strict=False)):
        stay = Stay.ENDED_BEFORE if index % 3 else Stay.BEGAN_AFTER
        namesake = _copy_names(rng, original, a_number, stay, picker, index % 3 == 0)
        pairs.append((namesake, original))
    return pairs


def make_cuba_namesakes(
    rng: random.Random, cuba_list: list[Person], a_numbers: list[str], picker: FacilityPicker
) -> list[tuple[Person, Person]]:
    """Registry Cubans who share a listed person's names, some with the same birth date."""
    originals = rng.sample(cuba_list, min(len(a_numbers), len(cuba_list)))
    stays = (Stay.SPANS_REFERENCE, Stay.BEGAN_AFTER, Stay.ENDED_BEFORE)
    pairs = []
    for index, (original, a_number) in enumerate(zip(originals, a_numbers, strict=False)):
        namesake = _copy_names(rng, original, a_number, stays[index % 3], picker, index % 2 == 0)
        pairs.append((namesake, original))
    return pairs
