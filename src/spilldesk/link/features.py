"""Comparison features computed once per distinct value, identically on both sides.

Names are normalised through ``spilldesk.domain.names`` (the one home for that), split
into surnames, reduced to keys without particles or spaces, given a phonetic code and a
canonical nickname; dates of birth are split into parts and given their day/month swap.
Work is done per distinct value, so a million-person registry costs what its distinct
names cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import jellyfish
import numpy as np
import pandas as pd

from spilldesk.domain.names import name_tokens, normalize_name, surnames
from spilldesk.link.nicknames import canonical_given_name

PERSON_COLUMNS = ("a_number", "family_name", "given_name", "date_of_birth", "sex", "country")


def _per_distinct(series: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([func(str(value)) for value in uniques] + [None], dtype=object)
    # Code -1 (missing) picks the trailing None.
    return pd.Series(mapped[codes], index=series.index, dtype="object")


def _blank_to_none(text: str | None) -> str | None:
    return text if text else None


# The name functions are pure and names repeat across batches (a registry is imported 5,000
# rows at a time): each distinct name is worked out once per process, within a bound.
_NAMES = 1 << 17


@lru_cache(maxsize=_NAMES)
def _normalized(name: str) -> str | None:
    return _blank_to_none(normalize_name(name))


@lru_cache(maxsize=_NAMES)
def _joined(name: str) -> str | None:
    return _blank_to_none("".join(name_tokens(name)))


def _family_features(family: pd.Series) -> dict[str, pd.Series]:
    norm = _per_distinct(family, _normalized)
    key = _per_distinct(norm, _joined)
    first = _per_distinct(norm, lambda v: _nth_surname(v, 0))
    second = _per_distinct(norm, lambda v: _nth_surname(v, 1))
    return {
        "family_norm": norm,
        "family_key": key,
        "family_initial": _per_distinct(key, lambda v: v[:1]),
        "surname_1": first,
        "surname_2": second,
        "surname_1_key": _per_distinct(first, lambda v: _joined(v) or v),
        "surname_1_sound": (sound := _per_distinct(first, _phonetic)),
        "family_sound_initial": _per_distinct(sound, lambda v: v[:1]),
    }


@lru_cache(maxsize=_NAMES)
def _nth_surname(family: str, index: int) -> str | None:
    found = surnames(family)
    return found[index] if len(found) > index else None


def _given_features(given: pd.Series) -> dict[str, pd.Series]:
    norm = _per_distinct(given, _normalized)
    first = _per_distinct(norm, _first_token)
    return {
        "given_norm": norm,
        "given_1": first,
        "given_canon": _per_distinct(first, _canonical),
        "given_sound": (sound := _per_distinct(first, _phonetic)),
        "given_sound_initial": _per_distinct(sound, lambda v: v[:1]),
    }


@lru_cache(maxsize=_NAMES)
def _first_token(name: str) -> str | None:
    tokens = name_tokens(name)
    return tokens[0] if tokens else None


@lru_cache(maxsize=_NAMES)
def _phonetic(name: str) -> str | None:
    key = "".join(name_tokens(name)) or name
    return jellyfish.metaphone(key)[:6] or None


@lru_cache(maxsize=_NAMES)
def _canonical(name: str) -> str:
    return canonical_given_name(name)


def _dob_features(dob: pd.Series) -> dict[str, pd.Series]:
    text = dob.where(dob.notna(), None).astype("object")
    year = _per_distinct(text, lambda v: v[0:4] if len(v) >= 4 else None)
    month = _per_distinct(text, lambda v: v[5:7] if len(v) >= 7 else None)
    day = _per_distinct(text, lambda v: v[8:10] if len(v) >= 10 else None)
    full = _per_distinct(text, lambda v: v[0:10] if len(v) >= 10 else None)
    return {
        "dob": full,
        "dob_year": year,
        "dob_month": month,
        "dob_day": day,
        "dob_month_day": _per_distinct(full, lambda v: v[5:10]),
        "dob_swapped": _per_distinct(full, _swap_day_month),
    }


def _swap_day_month(iso: str) -> str | None:
    """The date with day and month swapped (a common transcription error), when that is a
    different date; None for text that is not a whole ISO date (a scanning error such as
    `1994-04-o6` is compared as it is, never a crash)."""
    month, day = iso[5:7], iso[8:10]
    if not (month.isdigit() and day.isdigit()) or month == day or int(day) > 12:
        return None
    return f"{iso[0:4]}-{day}-{month}"


def comparison_frame(frame: pd.DataFrame, extra_columns: Iterable[str] = ()) -> pd.DataFrame:
    """The columns the comparisons and blocking rules read, keyed by ``unique_id``."""
    out: dict[str, pd.Series] = {"unique_id": frame["unique_id"].astype("int64")}
    out["a_number"] = frame["a_number"].astype("object").where(frame["a_number"].notna(), None)
    out |= _family_features(frame["family_name"])
    out |= _given_features(frame["given_name"])
    out |= _dob_features(frame["date_of_birth"])
    for column in ("sex", "country"):
        out[column] = _per_distinct(frame[column], lambda v: _blank_to_none(v.strip().upper()))
    for column in extra_columns:
        out[column] = _per_distinct(frame[column], lambda v: _blank_to_none(normalize_name(v)))
    result = pd.DataFrame(out)
    return result.astype({c: "object" for c in result.columns if c != "unique_id"})
