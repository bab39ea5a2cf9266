"""Stored disclosed-record fields (the scanner's canonical names) → the engine's records."""

from __future__ import annotations

from spilldesk.domain.dates import InvalidDate, parse_partial_date
from spilldesk.domain.names import split_full_name
from spilldesk.link.model import LinkRecord


def _iso_birth_date(fields: dict[str, str]) -> str | None:
    if fields.get("date_of_birth"):
        return fields["date_of_birth"][:10]
    raw = fields.get("date_of_birth_raw")
    if not raw:
        return None
    try:
        partial = parse_partial_date(raw)
    except InvalidDate:
        return None
    parts = [f"{partial.year:04d}", *(f"{p:02d}" for p in (partial.month, partial.day) if p)]
    return "-".join(parts)


def link_record_of(record_id: int, fields: dict[str, str]) -> LinkRecord:
    """The engine's view of a stored record (names split from a full-name column if needed)."""
    family, given = fields.get("family_name"), fields.get("given_name")
    if not family and fields.get("full_name"):
        family, given = split_full_name(fields["full_name"])
    return LinkRecord(
        record_id=record_id,
        a_number=fields.get("a_number") or None,
        family_name=family or None,
        given_name=given or None,
        date_of_birth=_iso_birth_date(fields),
        sex=fields.get("sex") or None,
        country=fields.get("country_of_citizenship") or fields.get("country") or None,
    )


def json_safe(explanation: dict[str, object]) -> dict[str, object]:
    """Infinite weights (an A-number hit nothing could score) become null for JSON."""
    return {
        key: (
            None if isinstance(value, float) and value in (float("inf"), float("-inf")) else value
        )
        for key, value in explanation.items()
    }
