"""Cell values as text, the same way whichever library read them."""

from __future__ import annotations

import datetime as dt


def cell_text(value: object) -> str:
    """A cell's value as a person would read it; dates in ISO form, whole numbers bare."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value.isoformat()) if not isinstance(value, dt.timedelta) else str(value)
    return str(value).strip()
