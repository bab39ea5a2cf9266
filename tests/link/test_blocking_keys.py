"""The blocking keys' tokens: the rules and the tokens come from one list, equal tokens find
the very pairs the rules block, and a part of the registry scored with the whole registry's
counts gives the whole registry's term frequencies."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from spilldesk.link import link_records
from spilldesk.link.blocking_keys import (
    BLOCKING_KEYS,
    FREQUENCY_KEYS,
    TOKEN_COLUMNS,
    TOKEN_KEYS,
    WholeRegistry,
    registry_tokens,
    side_tokens,
)
from spilldesk.link.engine import blocked_pairs, blocking_rules
from spilldesk.link.features import comparison_frame
from spilldesk.link.linking import record_tokens, wanted_tokens
from spilldesk.link.model import LinkRecord, LinkSettings

SECRET = bytes(range(32))


def _whole(registry: pd.DataFrame) -> WholeRegistry:
    people = registry[["a_number", "family_name", "given_name", "date_of_birth"]]
    rows = registry_tokens(people.to_dict("records"), SECRET)
    columns = {name: [row[i] for row in rows] for i, name in enumerate(TOKEN_COLUMNS)}
    counted = {
        key.name: Counter(t for t in columns[key.name] if t is not None) for key in FREQUENCY_KEYS
    }
    return WholeRegistry(
        size=len(registry),
        secret=SECRET,
        non_null={name: sum(found.values()) for name, found in counted.items()},
        count=lambda name, tokens: {t: counted[name][t] for t in tokens if t in counted[name]},
    )


def test_the_rules_are_written_from_the_keys() -> None:
    rules = blocking_rules(LinkSettings())
    assert rules[1:] == [key.rule for key in BLOCKING_KEYS]
    assert rules[0] == "l.a_number = r.a_number"


def test_equal_tokens_find_the_pairs_the_rules_block(registry, noisy, to_records) -> None:
    records = to_records(noisy, 5_000_000)
    settings = LinkSettings(use_identifier=False)
    frame = pd.DataFrame([r.__dict__ for r in records]).rename(columns={"record_id": "unique_id"})
    blocked = blocked_pairs(
        comparison_frame(frame),
        comparison_frame(registry.rename(columns={"person_id": "unique_id"})),
        backend="duckdb",
        settings=settings,
    )
    left = record_tokens(records, SECRET)
    right = side_tokens(
        comparison_frame(registry.rename(columns={"person_id": "unique_id"})), SECRET, "r"
    )
    found: set[tuple[int, int]] = set()
    for key in BLOCKING_KEYS:
        people: dict[int, list[int]] = {}
        for person, token in zip(registry["person_id"], right[key.token_column], strict=True):
            if token is not None:
                people.setdefault(token, []).append(int(person))
        for record, token in zip(records, left[key.name], strict=True):
            found |= {(record.record_id, p) for p in people.get(token, [])} if token else set()
    assert found == set(zip(blocked["record_id"], blocked["person_id"], strict=True))


def test_whole_registry_counts_give_splinks_own_term_frequencies(
    registry, noisy, to_records
) -> None:
    """The same frame scored with splink's frequencies and with the registry's counted ones:
    every probability is the same."""
    records = to_records(noisy.iloc[:120], 5_000_000)
    own = link_records(records, registry, custody_reference_date=None)
    counted = link_records(records, registry, custody_reference_date=None, whole=_whole(registry))
    assert [(r.status, r.person_id) for r in own] == [(r.status, r.person_id) for r in counted]
    for a, b in zip(own, counted, strict=True):
        assert [(c.person_id, round(c.probability, 9)) for c in a.candidates] == [
            (c.person_id, round(c.probability, 9)) for c in b.candidates
        ]


def test_keys_that_share_a_token_column_hold_its_owners_registry_columns() -> None:
    owners = {key.name: key for key in TOKEN_KEYS}
    for key in BLOCKING_KEYS:
        assert key.columns("r") == owners[key.token_column].columns("r"), key.name


def _blocked(records: list[LinkRecord], registry: pd.DataFrame) -> set[tuple[int, int]]:
    frame = pd.DataFrame([r.__dict__ for r in records]).rename(columns={"record_id": "unique_id"})
    pairs = blocked_pairs(
        comparison_frame(frame),
        comparison_frame(registry.rename(columns={"person_id": "unique_id"})),
        backend="duckdb",
        settings=LinkSettings(use_identifier=False),
    )
    return set(zip(pairs["record_id"], pairs["person_id"], strict=True))


def test_a_birth_date_finds_a_name_spelt_otherwise_past_its_first_sound() -> None:
    """Only the birth date (as written or with day and month swapped) and one name's initial
    sound agree: the names swapped and mistyped, Philip written Filip, Cyrillic script."""
    registry = pd.DataFrame(
        [
            {"person_id": 1, "a_number": None, "family_name": "GARCIA LOPEZ",
             "given_name": "JUAN", "date_of_birth": "1980-03-04", "sex": "M", "country": "MEX"},
            {"person_id": 2, "a_number": None, "family_name": "PETROV", "given_name": "PHILIP",
             "date_of_birth": "1975-11-20", "sex": "M", "country": "RUS"},
            {"person_id": 3, "a_number": None, "family_name": "ORTEGA", "given_name": "ANA",
             "date_of_birth": "1980-03-04", "sex": "F", "country": "VEN"},
        ]
    )
    records = [
        LinkRecord(1, None, "JAUN", "GRACIA LOPES", "1980-04-03", "M", "MEX"),
        LinkRecord(2, None, "BETROFF", "FILLIP", "1975-11-20", "M", "RUS"),
        LinkRecord(3, None, "Петров", "Филипп", "1975-11-20", "M", "RUS"),
    ]
    blocked = _blocked(records, registry)
    assert {(1, 1), (2, 2), (3, 2)} <= blocked
    # The same birth date with no initial sound in common pairs nobody.
    assert (1, 3) not in blocked
    tokens = registry_tokens(
        registry[["a_number", "family_name", "given_name", "date_of_birth"]].to_dict("records"),
        SECRET,
    )
    stored = {column: {row[i] for row in tokens} for i, column in enumerate(TOKEN_COLUMNS)}
    wanted = wanted_tokens(records, SECRET)
    assert all(wanted[column] & stored[column] for column in ("dob_family", "dob_given"))
