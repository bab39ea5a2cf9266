"""Fellegi–Sunter comparisons built for this population, as splink comparison creators.

Two surnames (either, both, swapped), accents and transliteration (handled by the
features), typos (Jaro–Winkler, Damerau–Levenshtein), given and family name written in each
other's place, nicknames; dates of birth exact, day/month swapped, one character off, one
part off; citizenship; sex; an identifier with a one-digit typo.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator


def _level(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label)


# Starting m-probabilities per non-null level, best level first (sum to 1).
PRIORS_FAMILY_NAME = (0.70, 0.03, 0.03, 0.12, 0.05, 0.02, 0.02, 0.02, 0.01)
PRIORS_GIVEN_NAME = (0.75, 0.12, 0.02, 0.05, 0.02, 0.02, 0.02)
PRIORS_DATE_OF_BIRTH = (0.85, 0.04, 0.01, 0.04, 0.03, 0.02, 0.01)
PRIORS_IDENTIFIER = (0.95, 0.03, 0.02)


def _comparison(
    name: str,
    levels: list[ComparisonLevelCreator],
    m_priors: tuple[float, ...],
    *,
    fixed: bool = False,
) -> ComparisonCreator:
    """A comparison whose non-null levels start from these m-probabilities (best first).

    EM refines them on blocked pairs; the priors keep a small incident well defined when
    some level is never observed (EM cannot estimate an m for an empty level).
    """
    for level, m in zip(levels[1:], m_priors, strict=True):
        level.configure(m_probability=m, fix_m_probability=fixed)
    return cl.CustomComparison(output_column_name=name, comparison_levels=list(levels))


def _either_null(*columns: str) -> ComparisonLevelCreator:
    condition = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return _level(condition, "null").configure(is_null_level=True)


def family_name() -> ComparisonCreator:
    shared_surname = " OR ".join(
        f"({a}_l = {b}_r)"
        for a, b in [
            ("surname_1", "surname_1"),
            ("surname_1", "surname_2"),
            ("surname_2", "surname_1"),
            ("surname_2", "surname_2"),
        ]
    )
    return _comparison(
        "family_name",
        [
            _either_null("family_norm"),
            _level("family_norm_l = family_norm_r", "exact").configure(
                tf_adjustment_column="family_norm", tf_adjustment_weight=0.6
            ),
            _level("family_key_l = family_key_r", "exact without particles or spaces"),
            _level("surname_1_l = surname_2_r AND surname_2_l = surname_1_r", "surnames swapped"),
            _level(shared_surname, "one surname shared"),
            cll.JaroWinklerLevel("family_key", 0.92).configure(label_for_charts="typo"),
            _level(
                "family_norm_l = given_norm_r OR surname_1_l = given_1_r", "given/family swapped"
            ),
            _level("surname_1_sound_l = surname_1_sound_r", "sounds alike"),
            cll.JaroWinklerLevel("family_key", 0.8).configure(label_for_charts="similar"),
            cll.ElseLevel(),
        ],
        PRIORS_FAMILY_NAME,
    )


def given_name() -> ComparisonCreator:
    return _comparison(
        "given_name",
        [
            _either_null("given_norm"),
            _level("given_norm_l = given_norm_r", "exact").configure(
                tf_adjustment_column="given_norm", tf_adjustment_weight=0.6
            ),
            _level(
                "given_1_l = given_1_r OR given_canon_l = given_canon_r", "first name or nickname"
            ),
            _level(
                "given_1_l = surname_1_r OR given_norm_l = family_norm_r", "given/family swapped"
            ),
            cll.JaroWinklerLevel("given_norm", 0.9).configure(label_for_charts="typo"),
            _level("given_sound_l = given_sound_r", "sounds alike"),
            cll.JaroWinklerLevel("given_norm", 0.75).configure(label_for_charts="similar"),
            cll.ElseLevel(),
        ],
        PRIORS_GIVEN_NAME,
    )


def date_of_birth() -> ComparisonCreator:
    return _comparison(
        "date_of_birth",
        [
            _either_null("dob_year"),
            _level("dob_l = dob_r", "exact"),
            _level("dob_l = dob_swapped_r", "day and month swapped"),
            _level(
                "(dob_l IS NULL OR dob_r IS NULL) AND dob_year_l = dob_year_r"
                " AND (dob_month_l IS NULL OR dob_month_r IS NULL OR dob_month_l = dob_month_r)",
                "partial date agrees",
            ),
            _level("damerau_levenshtein(dob_l, dob_r) <= 1", "one character off"),
            _level(
                "dob_month_day_l = dob_month_day_r"
                " AND abs(cast(dob_year_l as int) - cast(dob_year_r as int)) <= 1",
                "year off by one",
            ),
            _level(
                "(dob_year_l = dob_year_r AND dob_month_l = dob_month_r)"
                " OR (dob_year_l = dob_year_r AND dob_day_l = dob_day_r)"
                " OR dob_month_day_l = dob_month_day_r",
                "one part off",
            ),
            cll.ElseLevel(),
        ],
        PRIORS_DATE_OF_BIRTH,
    )


def identifier() -> ComparisonCreator:
    return _comparison(
        "identifier",
        [
            _either_null("a_number"),
            _level("a_number_l = a_number_r", "exact"),
            _level("damerau_levenshtein(a_number_l, a_number_r) <= 1", "one digit off"),
            cll.ElseLevel(),
        ],
        PRIORS_IDENTIFIER,
        # How often an agency's own identifier is mistyped is not something EM can learn
        # from pairs the identifier itself helped to find.
        fixed=True,
    )


def exact_or_else(column: str) -> ComparisonCreator:
    return _comparison(
        column,
        [
            _either_null(column),
            _level(f"{column}_l = {column}_r", "exact"),
            cll.ElseLevel(),
        ],
        (0.95, 0.05),
    )


def fuzzy_text(column: str) -> ComparisonCreator:
    return _comparison(
        column,
        [
            _either_null(column),
            _level(f"{column}_l = {column}_r", "exact").configure(tf_adjustment_column=column),
            cll.JaroWinklerLevel(column, 0.9).configure(label_for_charts="typo"),
            cll.JaroWinklerLevel(column, 0.7).configure(label_for_charts="similar"),
            cll.ElseLevel(),
        ],
        (0.80, 0.10, 0.05, 0.05),
    )


def person_comparisons(
    *, use_identifier: bool, extra_columns: tuple[str, ...]
) -> list[ComparisonCreator | dict[str, Any]]:
    comparisons: list[ComparisonCreator | dict[str, Any]] = [
        family_name(),
        given_name(),
        date_of_birth(),
    ]
    comparisons += [exact_or_else("sex"), exact_or_else("country")]
    if use_identifier:
        comparisons.append(identifier())
    comparisons += [fuzzy_text(column) for column in extra_columns]
    return comparisons
