"""Nicknames and spelling variants of given names, mapped to one canonical form.

A small shipped list (Spanish, Portuguese, English and Slavic hypocorisms) rather than
``pseudopeople``'s: that package pulls a simulation framework we do not otherwise need.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from spilldesk.domain.names import normalize_name


@cache
def _canonical_by_variant() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("spilldesk.link").joinpath("nicknames.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        canonical = normalize_name(row["canonical"])
        table.setdefault(canonical, canonical)
        for variant in row["variants"].split():
            table.setdefault(normalize_name(variant), canonical)
    return table


def canonical_given_name(name: str) -> str:
    """The canonical form of a (normalised) given name; the name itself when unknown."""
    return _canonical_by_variant().get(name, name)
