"""`generate(out, seed)`: the whole synthetic 2022 scenario, the same bytes for the same seed."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from spilldesk.private_files import write_private
from spilldesk.scenario import access_log, cuba_list, manifest, mirror, selection, workbook
from spilldesk.scenario.incident_records import COMMUNICATION_FILE, CUBA_LIST_FILE, WORKBOOK_FILE
from spilldesk.scenario.population import FacilityPicker, Person, draw_a_numbers, draw_population
from spilldesk.scenario.registry import write_registry
from spilldesk.scenario.representatives import (
    REPRESENTED_SHARE,
    draw_representatives,
    representative_count,
)
from spilldesk.scenario.shared_data import choose_workbook, read_facilities
from spilldesk.scenario.timeline import CUSTODY_REFERENCE, REGISTRY_AS_OF
from spilldesk.scenario.truth import Paths, ground_truth

DEFAULT_PERSONS = 40_000
MIN_PERSONS = 2_000
CUBA_NAMESAKES = 8
STEPS = ("registry", "workbook", "cuba list", "manifest", "access log", "mirror", "truth")
MANIFEST_FILE = "manifests/removal-flight-2022-12-14.csv"
ACCESS_LOG_FILE = "web/access-2022-11-28.log"
NETWORK_OWNERS_FILE = "web/network-owners.csv"
MIRROR_FOLDER = "web/mirror"
TRUTH_FILE = "truth/ground_truth.json"
SUMMARY_FILE = "scenario.json"


@dataclass(frozen=True)
class ScenarioFiles:
    out: Path
    persons: Path
    representatives: Path
    facilities: Path
    workbook: Path
    cuba_list: Path
    communication: Path
    manifest: Path
    access_log: Path
    mirror: Path
    ground_truth: Path
    summary_file: Path
    summary: dict[str, Any]


def _rng(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")  # nosec B311 # reproducible synthetic data


def _assign_representatives(rng: random.Random, people: list[Person], count: int) -> None:
    ids = [f"R{number:05d}" for number in range(1, count + 1)]
    for person in people:
        if rng.random() < REPRESENTED_SHARE:
            person.representative_id = rng.choice(ids)


def _build_people(
    seed: int, persons: int, facilities: list[Any]
) -> tuple[list[Person], selection.Disclosures, str]:
    namesakes = max(3, persons // 700)
    a_numbers = draw_a_numbers(_rng(seed, "a-numbers"), persons + 1)
    unknown = a_numbers.pop()
    base_count = persons - namesakes - CUBA_NAMESAKES
    people = draw_population(_rng(seed, "population"), a_numbers[:base_count], facilities)
    rng = _rng(seed, "selection")
    listed_workbook = selection.choose_workbook(rng, people)
    listed_cubans, overlap = selection.choose_cuba_list(rng, people, listed_workbook)
    picker = FacilityPicker(facilities)
    spare = a_numbers[base_count:]
    disclosures = selection.Disclosures(
        listed_workbook, listed_cubans, overlap,
        selection.make_namesakes(rng, listed_workbook, spare[:namesakes], picker),
        selection.make_cuba_namesakes(rng, listed_cubans, spare[namesakes:], picker),
    )
    people += [p for p, _ in disclosures.namesakes + disclosures.cuba_namesakes]
    people.sort(key=lambda person: person.a_number)
    return people, disclosures, unknown


def _summary(
    seed: int, people: list[Person], reps: int, facilities: int, d: selection.Disclosures,
    extra: dict[str, Any],
) -> dict[str, Any]:
    rows = len(d.workbook)
    return {
        "seed": seed,
        "custody_reference_date": CUSTODY_REFERENCE.isoformat(),
        "registry_as_of": REGISTRY_AS_OF.isoformat(),
        "persons": len(people),
        "representatives": reps,
        "facilities": facilities,
        "workbook_rows": rows,
        "workbook_columns": len(workbook.HEADERS),
        "workbook_scaled": rows < selection.WORKBOOK_ROWS,
        "cuba_list": len(d.cuba_list),
        "cuba_in_workbook": len(d.cuba_in_workbook),
        "cuba_not_in_workbook": len(d.cuba_list) - len(d.cuba_in_workbook),
        "namesakes": len(d.namesakes),
        "cuba_namesakes": len(d.cuba_namesakes),
        **extra,
    }


def generate(
    out: Path,
    seed: int = 2022,
    persons: int = DEFAULT_PERSONS,
    on_step: Callable[[str], None] | None = None,
) -> ScenarioFiles:
    """Write the scenario into `out` (see docs/scenario.md for the files) and return them."""
    if persons < MIN_PERSONS:
        raise ValueError(f"--persons: at least {MIN_PERSONS} are needed for a coherent scenario")
    step = on_step or (lambda _name: None)
    out = Path(out)
    source, facility_sheet = choose_workbook()
    statistics = openpyxl.load_workbook(source)  # read once: facilities, then the copy
    facilities = read_facilities(statistics, facility_sheet)
    step(STEPS[0])
    people, disclosures, unknown = _build_people(seed, persons, facilities)
    reps = draw_representatives(_rng(seed, "representatives"), representative_count(persons))
    _assign_representatives(_rng(seed, "represented"), people, len(reps))
    registry = write_registry(out / "registry", people, reps, facilities)
    step(STEPS[1])
    rows = workbook.workbook_rows(_rng(seed, "workbook"), disclosures.workbook)
    workbook_bytes = workbook.write_workbook(statistics, out / WORKBOOK_FILE, rows)
    step(STEPS[2])
    listed = cuba_list.listed_rows(
        _rng(seed, "cuba-list"), disclosures.cuba_list, disclosures.cuba_in_workbook
    )
    cuba_list.write_cuba_list(out / CUBA_LIST_FILE, listed)
    cuba_list.write_communication(out / COMMUNICATION_FILE, listed)
    step(STEPS[3])
    flight = manifest.choose_manifest(_rng(seed, "manifest"), people, disclosures, unknown)
    manifest.write_manifest(out / MANIFEST_FILE, flight)
    step(STEPS[4])
    log = access_log.make_access_log(_rng(seed, "access-log"), len(workbook_bytes))
    access_log.write_access_log(out / ACCESS_LOG_FILE, log)
    write_private(out / NETWORK_OWNERS_FILE, access_log.network_owners(log))
    step(STEPS[5])
    pages = mirror.make_mirror(_rng(seed, "mirror"), rows)
    mirror.write_mirror(out / MIRROR_FOLDER, pages)
    step(STEPS[6])
    paths = Paths(WORKBOOK_FILE, CUBA_LIST_FILE, COMMUNICATION_FILE, MANIFEST_FILE,
                  ACCESS_LOG_FILE, MIRROR_FOLDER)
    truth = ground_truth(seed, paths, disclosures, rows, listed, flight, log, pages)
    _write_json(out / TRUTH_FILE, truth)
    summary = _summary(seed, people, len(reps), len(facilities), disclosures, {
        "source_workbook": source.name,
        "manifest": len(flight.a_numbers),
        "manifest_exposed": len(flight.exposed),
        "access_log_requests": len(log.lines),
        "workbook_downloads": len(log.downloaders),
        "mirror_pages": len(pages),
        "mirror_pages_with_leaked_rows": sum(1 for page in pages if page.rows),
        "files": _relative_files(out, registry),
    })
    _write_json(out / SUMMARY_FILE, summary)
    return _files(out, registry, summary)


def _relative_files(out: Path, registry: tuple[Path, Path, Path]) -> dict[str, str]:
    names = ("persons", "representatives", "facilities")
    files = {name: str(path.relative_to(out)) for name, path in zip(names, registry, strict=True)}
    files.update({
        "workbook": WORKBOOK_FILE, "cuba_list": CUBA_LIST_FILE,
        "communication": COMMUNICATION_FILE, "manifest": MANIFEST_FILE,
        "access_log": ACCESS_LOG_FILE, "network_owners": NETWORK_OWNERS_FILE,
        "mirror": MIRROR_FOLDER, "ground_truth": TRUTH_FILE,
    })
    return files


def _files(out: Path, registry: tuple[Path, Path, Path], summary: dict[str, Any]) -> ScenarioFiles:
    return ScenarioFiles(
        out=out, persons=registry[0], representatives=registry[1], facilities=registry[2],
        workbook=out / WORKBOOK_FILE, cuba_list=out / CUBA_LIST_FILE,
        communication=out / COMMUNICATION_FILE, manifest=out / MANIFEST_FILE,
        access_log=out / ACCESS_LOG_FILE, mirror=out / MIRROR_FOLDER,
        ground_truth=out / TRUTH_FILE, summary_file=out / SUMMARY_FILE, summary=summary,
    )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_private(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
