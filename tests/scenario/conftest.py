"""One small scenario, generated once for the whole area (the generator is deterministic)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spilldesk.scenario import ScenarioFiles, generate

SMALL = 6_000


@dataclass(frozen=True)
class Generated:
    files: ScenarioFiles
    truth: dict[str, Any]
    persons: dict[str, dict[str, str]]
    representatives: list[dict[str, str]]
    facilities: list[dict[str, str]]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    files = generate(tmp_path_factory.mktemp("scenario"), seed=7, persons=SMALL)
    truth = json.loads(files.ground_truth.read_text(encoding="utf-8"))
    persons = {row["a_number"]: row for row in read_csv(files.persons)}
    return Generated(files, truth, persons, read_csv(files.representatives),
                     read_csv(files.facilities))
