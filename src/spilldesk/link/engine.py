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
from spilldesk.link.blocking_keys import BLOCKING_KEYS
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


IDENTIFIER_RULE = "l.a_number = r.a_number"  # looked up by the A-number's blind index


def blocking_rules(settings: LinkSettings) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Keys that keep recall at registry scale: exact, phonetic and date-variant."""
    rules = [key.rule for key in BLOCKING_KEYS]
    if settings.use_identifier:
        rules.insert(0, IDENTIFIER_RULE)
    # splink accepts SQL strings here although its annotation names only creators.
    return [*rules, *settings.extra_blocking]  # type: ignore[list-item]


# Each EM session leaves out the comparisons its blocking rule forces to agree; the keys are
# the columns the rule holds equal (so the pairs can be counted and the registry cut to them).
TRAINING_RULES: dict[str, tuple[str, ...]] = {
    "l.dob = r.dob": ("dob",),
    "l.surname_1_sound = r.surname_1_sound AND l.given_sound = r.given_sound"
    " AND l.dob_year = r.dob_year": ("surname_1_sound", "given_sound", "dob_year"),
}


def _pairs_on(records: pd.DataFrame, registry: pd.DataFrame, keys: tuple[str, ...]) -> int:
    counts = registry[list(keys)].dropna().value_counts().rename("n").reset_index()
    return int(records[list(keys)].dropna().merge(counts, on=list(keys))["n"].sum())


def _settings(settings: LinkSettings, registry_size: int) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=person_comparisons(
            use_identifier=settings.use_identifier, extra_columns=settings.extra_columns
        ),
        blocking_rules_to_generate_predictions=blocking_rules(settings),
        # A disclosed record is about one registry person (kept below 1 for tiny registries).
        probability_two_random_records_match=1.0 / (registry_size + 1),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )


def _linker(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    backend: Backend,
    settings: LinkSettings,
    registry_size: int | None = None,
) -> tuple[Linker, list[SplinkDataFrame]]:
    api = database_api(backend)
    left = api.register(records, table_name=RECORDS)
    right = api.register(registry, table_name=REGISTRY)
    creator = _settings(settings, len(registry) if registry_size is None else registry_size)
    return Linker([left, right], creator, log_level=None), [left, right]


def _register_frequencies(linker: Linker, frequencies: dict[str, pd.DataFrame]) -> None:
    """Term frequencies counted over the whole registry, for a registry frame that is a part
    of it (each frame: the column's values and `tf_<column>`, as splink computes them)."""
    api = linker._db_api
    for column, table in frequencies.items():
        registered = api.register(table, table_name=f"{REGISTRY}_tf_{column}")
        linker.table_management.register_term_frequency_lookup(registered, column)


def _training_registry(records: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """The registry persons a training rule can pair with a record.

    EM on these gives the very pairs it would get from the whole registry (each rule is an
    equality on its keys), at a fraction of the cost.
    """
    keep = pd.Series(False, index=registry.index)
    for keys in TRAINING_RULES.values():
        wanted = records[list(keys)].dropna().drop_duplicates().assign(_hit=True)
        hits = registry[list(keys)].merge(wanted, on=list(keys), how="left")["_hit"]
        keep |= hits.notna().to_numpy()
    return registry[keep.to_numpy()]


def _expectation_maximisation(
    linker: Linker, inputs: list[SplinkDataFrame], settings: LinkSettings, rules: list[str]
) -> Linker:
    for rule in rules:
        snapshot = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                fix_probability_two_random_records_match=True,
                # The training registry is a subset: its term frequencies are not the
                # registry's, so m is learnt without them (prediction applies them).
                estimate_without_term_frequencies=True,
                max_pairs=settings.em_max_pairs,
                record_sample_proportion=1.0,
            )
        except (ValueError, EMTrainingException):
            # splink refuses a rule that pairs nobody (one record, no birth dates) and an m
            # that underflows to 0 (a level no match reaches, common in small incidents),
            # leaving the model half-trained: resume from the snapshot.
            _log.info("EM session on %s kept the previous m-probabilities", rule)
            linker = Linker(inputs, snapshot, log_level=None)
    return linker


def _trained_model(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    settings: LinkSettings,
    registry_size: int | None,
) -> dict[str, Any]:
    """The model (u and m probabilities), learnt in DuckDB whatever the backend.

    Training reads a sample of pairs and the registry persons a training rule can pair
    with a record: small next to prediction, and in the frames already in memory. Learnt
    in one engine, the model is the same for every backend (each engine draws splink's
    random sample of pairs with its own hash, so models learnt in two engines differ a
    little, and so would a few borderline matches)."""
    linker, inputs = _linker(records, registry, "duckdb", settings, registry_size)
    # One pass over the sampled pairs: splink's default keeps resampling until every level
    # has 100 non-matching pairs, which rare levels (surnames swapped) never reach.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.u_max_pairs, seed=settings.seed, min_count_per_level=None, num_chunks=1
    )
    subset = _training_registry(records, registry)
    api = inputs[0].db_api
    training_inputs = [inputs[0], api.register(subset, table_name=f"{REGISTRY}_training")]
    trainer = Linker(training_inputs, linker.misc.save_model_to_json(), log_level=None)
    # Too few pairs teach EM nothing but noise: those sessions keep the prior m-probabilities.
    rules = [
        rule
        for rule, keys in TRAINING_RULES.items()
        if _pairs_on(records, registry, keys) >= settings.em_min_pairs
    ]
    trainer = _expectation_maximisation(trainer, training_inputs, settings, rules)
    model: dict[str, Any] = trainer.misc.save_model_to_json()
    return model


def _with_probabilities(model: dict[str, Any], trained: dict[str, Any]) -> dict[str, Any]:
    """`model` (a backend's settings) with the m and u probabilities of `trained` (the same
    comparisons and levels, learnt in DuckDB), level by level."""
    learnt = {c["output_column_name"]: c["comparison_levels"] for c in trained["comparisons"]}
    for comparison in model["comparisons"]:
        levels = learnt[comparison["output_column_name"]]
        if len(levels) != len(comparison["comparison_levels"]):
            raise ValueError(f"{comparison['output_column_name']}: levels differ by engine")
        for level, taught in zip(comparison["comparison_levels"], levels, strict=True):
            if level["label_for_charts"] != taught["label_for_charts"]:
                raise ValueError(f"{comparison['output_column_name']}: levels differ by engine")
            for probability in ("m_probability", "u_probability"):
                if probability in taught:
                    level[probability] = taught[probability]
    model["probability_two_random_records_match"] = trained[
        "probability_two_random_records_match"
    ]
    return model


def score(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    backend: Backend,
    settings: LinkSettings,
    registry_size: int | None = None,
    frequencies: dict[str, pd.DataFrame] | None = None,
) -> ScoredPairs:
    """Score every blocked (record, registry person) pair above a small floor.

    `registry` may be a part of the registry (the candidates and a sample): `registry_size`
    then gives the prior and `frequencies` the whole registry's term frequencies.
    """
    trained = _trained_model(records, registry, settings, registry_size)
    # Training ran embedded; the pairs are scored where the backend says, with the
    # comparisons written in its SQL dialect and the probabilities learnt.
    untrained, inputs = _linker(records, registry, backend, settings, registry_size)
    model = _with_probabilities(untrained.misc.save_model_to_json(), trained)
    linker = Linker(inputs, model, log_level=None)
    if frequencies:
        _register_frequencies(linker, frequencies)
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
