"""Disclosed records → registry persons: exact on A-number, then Fellegi–Sunter (splink).

The engine (splink, pandas, DuckDB) loads on first use, not on import: every command line
imports this package's light types, and only linkage needs the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spilldesk.link.model import Candidate, LinkRecord, LinkResult, LinkSettings

if TYPE_CHECKING:
    from spilldesk.link.linking import link_frames, link_records

__all__ = ["Candidate", "LinkRecord", "LinkResult", "LinkSettings", "link_frames", "link_records"]


def __getattr__(name: str) -> Any:
    if name in ("link_frames", "link_records"):
        from spilldesk.link import linking

        return getattr(linking, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
