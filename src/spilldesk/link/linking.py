"""The linkage entry points: records and a registry frame in, one result per record out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

import pandas as pd

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.link.blocking_keys import (
    BLOCKING_KEYS,
    WholeRegistry,
    side_tokens,
    term_frequencies,
)
from spilldesk.link.decide import CustodyStay, candidates_by_record, decide
from spilldesk.link.engine import score
from spilldesk.link.features import comparison_frame
from spilldesk.link.model import Backend, LinkRecord, LinkResult, LinkSettings

REGISTRY_COLUMNS = (
    "person_id",
    "a_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "country",
)


def _identifier_or_none(value: object) -> str | None:
    """A-numbers in their one normal form; any other identifier compared as written."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    try:
        return normalize_a_number(text)
    except InvalidANumber:
        cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
        return cleaned or None


def _records_frame(records: Sequence[LinkRecord]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(r) for r in records], columns=[*asdict(records[0])])
    return frame.rename(columns={"record_id": "unique_id"})


def _stays(registry: pd.DataFrame, person_ids: set[int]) -> dict[int, CustodyStay]:
    """Custody stays of the persons that could be chosen (not the whole registry)."""
    if "book_in_date" not in registry.columns or not person_ids:
        return {}
    chosen = registry[registry["person_id"].isin(person_ids)]
    book_out = chosen["book_out_date"] if "book_out_date" in chosen.columns else None
    outs = book_out if book_out is not None else [None] * len(chosen)
    return {
        int(person_id): CustodyStay(_as_date(book_in), _as_date(out))
        for person_id, book_in, out in zip(
            chosen["person_id"], chosen["book_in_date"], outs, strict=True
        )
    }


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, str | date) and pd.isna(value)) or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _identifier_hits(records: pd.DataFrame, registry: pd.DataFrame) -> dict[int, int]:
    """Stage 1: records whose normalised identifier is one registry person's."""
    owners = registry.loc[registry["a_number"].notna(), ["a_number", "person_id"]]
    owners = owners.drop_duplicates("a_number", keep="first")
    wanted = records.loc[records["a_number"].notna(), ["unique_id", "a_number"]]
    joined = wanted.merge(owners, on="a_number", how="inner")
    return {int(u): int(p) for u, p in zip(joined["unique_id"], joined["person_id"], strict=True)}


def _identifiers(values: pd.Series) -> pd.Series:
    """Normalise identifiers; those already in the A-number form are kept as they are."""
    text = values.astype("object")
    canonical = text.notna() & text.astype(str).str.fullmatch(r"A\d{9}")
    out = text.where(canonical, None)
    rest = text[~canonical & text.notna()]
    out.loc[rest.index] = rest.map(_identifier_or_none)
    return out


def record_tokens(records: Sequence[LinkRecord], secret: bytes) -> dict[str, list[int | None]]:
    """The records' side of every blocking key, as keyed tokens (`link.blocking_keys`)."""
    frame = comparison_frame(_records_frame(records))
    return side_tokens(frame, secret, "l", BLOCKING_KEYS)


def wanted_tokens(records: Sequence[LinkRecord], secret: bytes) -> dict[str, set[int]]:
    """Each token column's tokens the records look for (keys that share a column pooled)."""
    tokens = record_tokens(records, secret)
    wanted: dict[str, set[int]] = {}
    for key in BLOCKING_KEYS:
        found = wanted.setdefault(key.token_column, set())
        found.update(t for t in tokens[key.name] if t is not None)
    return wanted


def identifier_of(record: LinkRecord) -> str | None:
    """A record's identifier in the form the A-number stage compares."""
    return _identifier_or_none(record.a_number)


def link_frames(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    custody_reference_date: date | None,
    backend: Backend = "duckdb",
    settings: LinkSettings = LinkSettings(),
    whole: WholeRegistry | None = None,
) -> list[LinkResult]:
    """Link a records frame (``unique_id`` + person columns) to a registry frame.

    The registry frame may be a part of the registry that holds every candidate the blocking
    keys find (`matching.linkage`): `whole` then says what the whole registry is (its size
    for the prior, its counts for term frequencies).
    """
    records = records.assign(a_number=_identifiers(records["a_number"]))
    registry = registry.assign(a_number=_identifiers(registry["a_number"]))
    left = comparison_frame(records, settings.extra_columns)
    right = comparison_frame(
        registry.rename(columns={"person_id": "unique_id"}), settings.extra_columns
    )
    scored = score(
        left,
        right,
        backend=backend,
        settings=settings,
        registry_size=whole.size if whole else None,
        frequencies=term_frequencies(left, right, whole) if whole else None,
    )
    candidates = candidates_by_record(scored.pairs, scored.comparisons, settings.max_candidates)
    hits = _identifier_hits(records, registry) if settings.use_identifier else {}
    return decide(
        [int(uid) for uid in records["unique_id"]],
        hits,
        candidates,
        _stays(registry, {c.person_id for found in candidates.values() for c in found}),
        custody_reference_date=custody_reference_date,
        settings=settings,
    )


def link_records(
    records: Sequence[LinkRecord],
    registry: pd.DataFrame,
    *,
    custody_reference_date: date | None,
    backend: Backend = "duckdb",
    settings: LinkSettings = LinkSettings(),
    whole: WholeRegistry | None = None,
) -> list[LinkResult]:
    """One result per record, in the records' order: matched, review or unmatched."""
    if not records:
        return []
    missing = [c for c in REGISTRY_COLUMNS if c not in registry.columns]
    if missing:
        raise ValueError(f"registry frame lacks column(s): {', '.join(missing)}")
    return link_frames(
        _records_frame(records),
        registry,
        custody_reference_date=custody_reference_date,
        backend=backend,
        settings=settings,
        whole=whole,
    )
