"""Fellegi–Sunter scoring with splink: train on the registry itself, score blocked pairs.

u-probabilities come from random sampling of record × registry pairs, m-probabilities
from expectation maximisation on blocked pairs (no labels), the prior from the sizes (a
disclosed record is about one of the registry's people). Output is one row per scored
(record, person) pair with its probability and per-comparison levels and weights.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from splink import Linker, SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from spilldesk.link.backends import database_api
from spilldesk.link.comparisons import person_comparisons
from spilldesk.link.model import Backend, LinkSettings

logging.getLogger("splink").setLevel(logging.ERROR)
_log = logging.getLogger(__name__)

RECORDS, REGISTRY = "records", "registry"
CANDIDATE_FLOOR = 0.001


@dataclass(frozen=True)
class ScoredPairs:
    pairs: pd.DataFrame  # record_id, person_id, probability, match_weight, <cmp>, <cmp>_weight
    comparisons: tuple[str, ...]


def blocking_rules(settings: LinkSettings) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Keys that keep recall at registry scale: exact, phonetic and date-variant."""
    # Beyond the exact and swapped birth date, every key pairs a phonetic name with a part
    # of the birth date: names alone would pair every GARCIA with every other at scale.
    rules = [
        "l.dob = r.dob",
        "l.dob = r.dob_swapped",
        # The whole name written the same: a birth date mistyped beyond one part.
        "l.family_key = r.family_key AND l.given_norm = r.given_norm",
        "l.surname_1_sound = r.surname_1_sound AND l.given_sound = r.given_sound"
        " AND l.dob_year = r.dob_year",
        "l.surname_1_sound = r.surname_1_sound AND l.given_sound = r.given_sound"
        " AND l.dob_month_day = r.dob_month_day",
        "l.surname_2 = r.surname_1 AND l.given_sound = r.given_sound AND l.dob_year = r.dob_year",
        "l.surname_1 = r.surname_2 AND l.given_sound = r.given_sound AND l.dob_year = r.dob_year",
        "l.given_sound = r.surname_1_sound AND l.surname_1_sound = r.given_sound"
        " AND l.dob_year = r.dob_year",
        "l.given_canon = r.given_canon AND l.dob_year = r.dob_year AND l.dob_month = r.dob_month"
        " AND substr(l.family_key, 1, 1) = substr(r.family_key, 1, 1)",
    ]
    if settings.use_identifier:
        rules.insert(0, "l.a_number = r.a_number")
    # splink accepts SQL strings here although its annotation names only creators.
    return [*rules, *settings.extra_blocking]  # type: ignore[list-item]


def _training_rules() -> list[str]:
    # Each session leaves out the comparisons its blocking rule forces to agree.
    return [
        "l.dob = r.dob",
        "l.surname_1_sound = r.surname_1_sound AND l.given_sound = r.given_sound"
        " AND l.dob_year = r.dob_year",
    ]


def _linker(
    records: pd.DataFrame, registry: pd.DataFrame, backend: Backend, settings: LinkSettings
) -> tuple[Linker, list[SplinkDataFrame]]:
    api = database_api(backend)
    left = api.register(records, table_name=RECORDS)
    right = api.register(registry, table_name=REGISTRY)
    creator = SettingsCreator(
        link_type="link_only",
        comparisons=person_comparisons(
            use_identifier=settings.use_identifier, extra_columns=settings.extra_columns
        ),
        blocking_rules_to_generate_predictions=blocking_rules(settings),
        # A disclosed record is about one registry person (kept below 1 for tiny registries).
        probability_two_random_records_match=1.0 / (len(registry) + 1),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )
    return Linker([left, right], creator, log_level=None), [left, right]


def _train(
    linker: Linker, inputs: list[SplinkDataFrame], settings: LinkSettings, registry_size: int
) -> Linker:
    # One pass over the sampled pairs: splink's default keeps resampling until every level
    # has 100 non-matching pairs, which rare levels (surnames swapped) never reach.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.u_max_pairs, seed=settings.seed, min_count_per_level=None, num_chunks=1
    )
    for rule in _training_rules():
        snapshot = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                fix_probability_two_random_records_match=True,
                max_pairs=settings.em_max_pairs,
                # Only to estimate how many pairs the rule makes, before sampling them.
                record_sample_proportion=0.1 if registry_size > 100_000 else 1.0,
            )
        except (ValueError, EMTrainingException):
            # splink refuses a rule that pairs nobody (one record, no birth dates) and an m
            # that underflows to 0 (a level no match reaches, common in small incidents),
            # leaving the model half-trained: resume from the snapshot.
            _log.info("EM session on %s kept the previous m-probabilities", rule)
            linker = Linker(inputs, snapshot, log_level=None)
    return linker


def score(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    backend: Backend,
    settings: LinkSettings,
) -> ScoredPairs:
    """Score every blocked (record, registry person) pair above a small floor."""
    linker, inputs = _linker(records, registry, backend, settings)
    linker = _train(linker, inputs, settings, len(registry))
    predictions = linker.inference.predict(
        threshold_match_probability=CANDIDATE_FLOOR, warning_mode="never"
    )
    raw: pd.DataFrame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    comparisons = tuple(c.output_column_name for c in linker._settings_obj.comparisons)
    return ScoredPairs(_explain(raw, linker, comparisons), comparisons)


def blocked_pairs(
    records: pd.DataFrame, registry: pd.DataFrame, *, backend: Backend, settings: LinkSettings
) -> pd.DataFrame:
    """The (record_id, person_id) pairs the blocking rules let through, unscored.

    For measuring blocking recall: a true match missing here can never be found.
    """
    linker, _ = _linker(records, registry, backend, settings)
    pairs = linker.inference.deterministic_link().as_pandas_dataframe()  # type: ignore[no-untyped-call]
    flipped = pairs["source_dataset_l"] == REGISTRY
    return pd.DataFrame(
        {
            "record_id": pairs["unique_id_l"].where(~flipped, pairs["unique_id_r"]).astype("int64"),
            "person_id": pairs["unique_id_r"].where(~flipped, pairs["unique_id_l"]).astype("int64"),
        }
    ).drop_duplicates()


def _level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels[comparison.output_column_name] = {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
    return labels


def _explain(raw: pd.DataFrame, linker: Linker, comparisons: tuple[str, ...]) -> pd.DataFrame:
    """Orient pairs as (record, person) and name each comparison's level and weight."""
    flipped = raw["source_dataset_l"] == REGISTRY
    out = pd.DataFrame(
        {
            "record_id": raw["unique_id_l"].where(~flipped, raw["unique_id_r"]).astype("int64"),
            "person_id": raw["unique_id_r"].where(~flipped, raw["unique_id_l"]).astype("int64"),
            "probability": raw["match_probability"].astype(float),
            "match_weight": raw["match_weight"].astype(float),
        }
    )
    labels = _level_labels(linker)
    for name in comparisons:
        out[name] = raw[f"gamma_{name}"].map(labels[name])
        weight = raw[f"mw_{name}"].astype(float)
        tf_column = f"mw_tf_adj_{name}"
        if tf_column in raw.columns:
            weight = weight + raw[tf_column].astype(float)
        out[f"{name}_weight"] = weight.round(3)
    return out
