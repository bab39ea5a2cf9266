"""The name noise the pseudopeople benchmark puts on names from elsewhere."""

from __future__ import annotations

from collections import Counter

import numpy as np

from spilldesk.scenario.noisy_registry import disclosed_name, passport_spelling


def test_passport_spelling_restores_the_accents_of_known_names_only() -> None:
    assert passport_spelling("Garcia Lopez") == "García López"
    assert passport_spelling("JOSE") == "JOSÉ"
    assert passport_spelling("Maria Kofron") == "María Kofron"
    assert passport_spelling("Smith") == "Smith"


def test_disclosed_name_joins_splits_and_reorders_compound_family_names() -> None:
    rng = np.random.default_rng(3)
    seen = Counter(disclosed_name("García López", "José", rng)[0] for _ in range(2000))
    for written in ("García-López", "GarcíaLópez", "García", "López García", "Garcia Lopez"):
        assert seen[written] > 0, written
    assert seen.most_common(1)[0][0] == "García López"  # the commonest: as it was
    split = Counter(disclosed_name("Smith-Jones", "Anna", rng)[0] for _ in range(500))
    assert split["Smith Jones"] > 0 and split.most_common(1)[0][0] == "Smith-Jones"


def test_disclosed_name_is_seeded() -> None:
    first = [disclosed_name("Alonso Tellez", "Erin", np.random.default_rng(9)) for _ in range(3)]
    again = [disclosed_name("Alonso Tellez", "Erin", np.random.default_rng(9)) for _ in range(3)]
    assert first == again
