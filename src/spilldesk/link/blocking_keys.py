"""The blocking keys, and their keyed tokens: candidates found without decrypting the registry.

Each blocking rule holds some record columns equal to some registry columns (`BLOCKING_KEYS`:
the engine's rules are written from these pairs). A token is keyed SipHash-2-4 (a pseudorandom
function for short inputs; pandas' `hash_array`, in C), under a key derived from the desk's
blind-index key, of the rule's name and the values of one side's columns: a signed 64-bit
integer, None when any value is missing.
The registry's side is stored per person (`store.linkage_models.PersonBlockingKeys`); a
record's side is computed at linkage with the same code. Equal tokens mean equal values (a
collision, one in 2**64, only adds a candidate that the real comparison then rejects). Tokens
of `family_norm` and `given_norm` let the registry's term frequencies be counted without
decrypting it. The values come from `link.features.comparison_frame`, their one home.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

Side = Literal["l", "r"]


@dataclass(frozen=True)
class BlockingKey:
    """One blocking rule: each record column held equal to a registry column.

    Its tokens are kept in the token column `column` names (its own name if none): keys that
    share a column hold the same registry columns equal (the first owns it), so one stored
    token per person serves all of them (a record's given name against the registry's family
    name, say).
    """

    name: str
    pairs: tuple[tuple[str, str], ...]  # (record column, registry column)
    column: str = ""

    @property
    def rule(self) -> str:
        return " AND ".join(f"l.{left} = r.{right}" for left, right in self.pairs)

    @property
    def token_column(self) -> str:
        return self.column or self.name

    def columns(self, side: Side) -> tuple[str, ...]:
        return tuple(left if side == "l" else right for left, right in self.pairs)


def _key(name: str, *pairs: tuple[str, str] | str, column: str = "") -> BlockingKey:
    return BlockingKey(name, tuple((p, p) if isinstance(p, str) else p for p in pairs), column)


# Every key pairs something of the birth date with something of the name: names alone would
# pair every GARCIA with every other at scale, and a birth date alone is shared by about one
# person in 30,000 (some thirty in a registry of a million). The birth date (as written, or
# with day and month swapped) goes with one name's initial sound (the first letter of its
# phonetic code: Philip and Filip agree), either name against either (given and family names
# swapped): a name mistyped or spelt another way past its first sound is still found.
_DOB_FAMILY, _DOB_GIVEN = "dob_family", "dob_given"
_DOB_KEYS = tuple(
    _key(name, dob, (left, right), column=column)
    for dob, infix in ((("dob", "dob"), ""), (("dob_swapped", "dob"), "_swapped"))
    for name, left, right, column in (
        (f"dob{infix}_family", "family_sound_initial", "family_sound_initial", _DOB_FAMILY),
        (f"dob{infix}_given", "given_sound_initial", "given_sound_initial", _DOB_GIVEN),
        (f"dob{infix}_family_given", "family_sound_initial", "given_sound_initial", _DOB_GIVEN),
        (f"dob{infix}_given_family", "given_sound_initial", "family_sound_initial", _DOB_FAMILY),
    )
)
BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    *_DOB_KEYS,
    # The whole name written the same: a birth date mistyped beyond one part.
    _key("name", "family_key", "given_norm"),
    _key("sound_year", "surname_1_sound", "given_sound", "dob_year"),
    _key("sound_month_day", "surname_1_sound", "given_sound", "dob_month_day"),
    _key("surname_2_1", ("surname_2", "surname_1"), "given_sound", "dob_year"),
    _key("surname_1_2", ("surname_1", "surname_2"), "given_sound", "dob_year"),
    _key(
        "names_swapped",
        ("given_sound", "surname_1_sound"),
        ("surname_1_sound", "given_sound"),
        "dob_year",
    ),
    _key("canon_month", "given_canon", "dob_year", "dob_month", "family_initial"),
)
# The columns whose term frequencies the comparisons use (link/comparisons.py).
FREQUENCY_KEYS: tuple[BlockingKey, ...] = (
    _key("family_norm", "family_norm"),
    _key("given_norm", "given_norm"),
)
# The keys whose tokens a registry person has: each token column's owner.
TOKEN_KEYS = tuple(key for key in BLOCKING_KEYS if key.token_column == key.name)
TOKEN_KEYS += FREQUENCY_KEYS
TOKEN_COLUMNS = tuple(key.name for key in TOKEN_KEYS)
# What a registry row's tokens are computed from (`PersonPII`'s names).
PERSON_FIELDS = ("a_number", "family_name", "given_name", "date_of_birth")


def _hash_key(secret: bytes) -> str:
    """SipHash's 128-bit key as pandas takes it (16 characters that encode to 16 bytes): the
    secret's first 16 bytes, 7 bits each (112 bits of key)."""
    return "".join(chr(byte & 0x7F) for byte in secret[:16])


def _tokens(secret: bytes, messages: Sequence[str]) -> list[int]:
    """Keyed SipHash-2-4 of each message, as signed 64-bit integers (pandas, in C)."""
    import numpy as np
    from pandas.util import hash_array

    values = np.asarray(messages, dtype=object)
    hashed = hash_array(values, encoding="utf8", hash_key=_hash_key(secret), categorize=False)
    tokens: list[int] = hashed.view(np.int64).tolist()
    return tokens


def side_tokens(
    frame: pd.DataFrame,
    secret: bytes,
    side: Side,
    keys: tuple[BlockingKey, ...] = TOKEN_KEYS,
) -> dict[str, list[int | None]]:
    """Each key's tokens for every row of a comparison frame (None where a value is missing)."""
    columns = {
        name: [None if v is None or v != v else v for v in frame[name].tolist()]  # NaN: missing
        for key in keys
        for name in key.columns(side)
    }
    out: dict[str, list[int | None]] = {}
    for key in keys:
        prefix = f"{key.token_column}\x00"
        rows = list(zip(*(columns[name] for name in key.columns(side)), strict=True))
        present = [n for n, values in enumerate(rows) if None not in values]
        hashed = _tokens(secret, [prefix + "\x1f".join(rows[n]) for n in present])
        tokens: list[int | None] = [None] * len(rows)
        for n, found in zip(present, hashed, strict=True):
            tokens[n] = found
        out[key.name] = tokens
    return out


def registry_tokens(
    people: list[Mapping[str, object]], secret: bytes
) -> list[tuple[int | None, ...]]:
    """Registry persons' tokens (one tuple per person, in `TOKEN_COLUMNS` order) from their
    data (`PERSON_FIELDS`)."""
    import pandas as pd

    from spilldesk.link.features import comparison_frame

    if not people:
        return []
    frame = pd.DataFrame(
        {
            "unique_id": range(len(people)),
            **{name: [p.get(name) for p in people] for name in PERSON_FIELDS},
            "sex": None,
            "country": None,
        }
    )
    tokens = side_tokens(comparison_frame(frame), secret, "r")
    return list(zip(*(tokens[name] for name in TOKEN_COLUMNS), strict=True))


@dataclass(frozen=True)
class WholeRegistry:
    """What linkage needs to know of a registry it reads only a part of."""

    size: int  # persons
    secret: bytes  # the tokens' key
    non_null: Mapping[str, int]  # FREQUENCY_KEYS' name -> persons with a value
    # (key name, tokens) -> how many persons have each token (absent: none)
    count: Callable[[str, list[int]], Mapping[int, int]]


def term_frequencies(
    records: pd.DataFrame, registry_part: pd.DataFrame, whole: WholeRegistry
) -> dict[str, pd.DataFrame]:
    """Each frequency column's term frequencies as splink computes them over the records and
    the whole registry (count of the value / count of values), for every value the records
    hold: the comparisons weigh a frequency only where the two names are the same
    (`link.comparisons`), and splink takes the one side's frequency when the other's is
    absent, so a value the records lack is never weighed (`registry_part` is not read)."""
    import pandas as pd

    tables: dict[str, pd.DataFrame] = {}
    for key in FREQUENCY_KEYS:
        column = key.name
        on_records = records[column].dropna().value_counts()
        values = sorted(on_records.index)
        tokens = _tokens(whole.secret, [f"{key.name}\x00{value}" for value in values])
        in_registry = whole.count(key.name, sorted(set(tokens)))
        total = int(records[column].notna().sum()) + whole.non_null[key.name]
        tables[column] = pd.DataFrame(
            {
                column: values,
                f"tf_{column}": [
                    (in_registry.get(t, 0) + int(on_records.get(v, 0))) / total
                    for v, t in zip(values, tokens, strict=True)
                ],
            }
        )
    return tables
