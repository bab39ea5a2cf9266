"""The linkage entry points: records and a registry frame in, one result per record out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

import pandas as pd

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
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


def _stays(registry: pd.DataFrame) -> dict[int, CustodyStay]:
    if "book_in_date" not in registry.columns:
        return {}
    book_out = registry.get("book_out_date", pd.Series([None] * len(registry)))
    stays: dict[int, CustodyStay] = {}
    for person_id, book_in, out in zip(
        registry["person_id"], registry["book_in_date"], book_out, strict=True
    ):
        stays[int(person_id)] = CustodyStay(_as_date(book_in), _as_date(out))
    return stays


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, str | date) and pd.isna(value)) or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _identifier_hits(records: pd.DataFrame, registry: pd.DataFrame) -> dict[int, int]:
    """Stage 1: records whose normalised A-number is one registry person's."""
    owner: dict[str, int] = {}
    for person_id, a_number in zip(registry["person_id"], registry["a_number"], strict=True):
        if a_number is not None:
            owner.setdefault(a_number, int(person_id))
    return {
        int(uid): owner[a_number]
        for uid, a_number in zip(records["unique_id"], records["a_number"], strict=True)
        if a_number is not None and a_number in owner
    }


def link_frames(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    custody_reference_date: date | None,
    backend: Backend = "duckdb",
    settings: LinkSettings = LinkSettings(),
) -> list[LinkResult]:
    """Link a records frame (``unique_id`` + person columns) to a registry frame."""
    records = records.assign(a_number=records["a_number"].map(_identifier_or_none))
    registry = registry.assign(a_number=registry["a_number"].map(_identifier_or_none))
    left = comparison_frame(records, settings.extra_columns)
    right = comparison_frame(
        registry.rename(columns={"person_id": "unique_id"}), settings.extra_columns
    )
    scored = score(left, right, backend=backend, settings=settings)
    candidates = candidates_by_record(scored.pairs, scored.comparisons, settings.max_candidates)
    hits = _identifier_hits(records, registry) if settings.use_identifier else {}
    return decide(
        [int(uid) for uid in records["unique_id"]],
        hits,
        candidates,
        _stays(registry),
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
    )
