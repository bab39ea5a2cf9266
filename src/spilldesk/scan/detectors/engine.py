"""Where the gate's patterns can match, found by Hyperscan; `re` confirms there.

Python's `re` tries a pattern at every character that could begin it (every digit, every
capital), so on PII-dense text it reads at ~3 MB/s. Hyperscan (a compiled automaton, one
database a pattern, each pass ~1-4 ms a MB) has no look-behinds and no `\\b`. So each pattern
goes to Hyperscan *bare*: its look-arounds removed, it matches at least everything the
pattern matches (a pattern read over the whole text keeps its final negative look-ahead as
one consumed character, so that Hyperscan reports one end per candidate, not one per
character; a short pattern keeps a leading negative look-behind of one class as one consumed
character or the text's start, so that a date's digits inside an SSN report nothing).
Hyperscan reports the stretches of the text that hold a bare match (leftmost
start to end, overlapping ones merged), and `re` runs the real pattern in those stretches
only, its search cut a look-ahead's width past each. The matches are the ones
`pattern.finditer(text, start, end)` gives, match for match:

- a match of the real pattern is a match of the bare one, so it lies inside a stretch;
- look-behinds and `\\b` still see the whole text before the stretch (`pos` does not cut it);
- a match whose look-ahead read as far as the cut is searched again without the cut (rare).

`re` alone reads a pattern where a Hyperscan pass would cost more than it saves: one that
begins with punctuation (`re` jumps from one `-` or `@` to the next), one whose candidates
crowd the text (each report is a call into Python; see _CROWDED), and a context-only pattern
whose windows cover little of the text. A pattern too large for leftmost starts gets a pass
that only says whether it can match (`_Compiled.with_starts`). `tests/scan/test_engine.py`
checks all of this for every pattern, on crafted and generated text.

Only ASCII text goes to Hyperscan (its classes are then exactly `re`'s, once `\\s` is given
the four separators `re` also counts); other text, short texts, any pattern Hyperscan cannot
compile, and platforms without its wheel are read by `re` alone: slower, same matches. If
Hyperscan is installed but fails (load, compile or scan), EngineError is raised and the
file's verdict is `error`, never a pass.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import chain
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from spilldesk.scan.errors import EngineError

_BROKEN: ImportError | None = None
try:  # a core dependency wherever PyPI has its wheel (x86_64, macOS): see pyproject.toml
    import hyperscan
except ImportError as error:  # pragma: no cover - depends on the platform
    hyperscan = None  # type: ignore[assignment]
    if not (isinstance(error, ModuleNotFoundError) and error.name == "hyperscan"):
        _BROKEN = error  # installed but cannot load: every scan raises EngineError

# "hyperscan", or "re" where the package has no wheel (not installed): the same matches.
ENGINE = "hyperscan" if hyperscan is not None or _BROKEN is not None else "re"
_LOOK = ("(?<!", "(?<=", "(?!", "(?=")
# Shorter texts (a cell, a line) are read by `re` alone: below ~2 KB a pass per pattern
# costs more than it saves (measured on the dense corpus, cut in pieces of 0.1-10 KB).
SHORT = 2048
# At most one context window in this many characters for `Scan._few` (a window is ~100).
_FEW_WINDOWS = 1024
_LONG = 80  # characters: see bare()
_PYTHON_SPACES = "\\x1c-\\x1f"  # ASCII characters `re`'s \s matches and Hyperscan's does not


def bare(pattern: str, whole_text: bool = False) -> tuple[str, int]:
    """The pattern without look-arounds and `\\b`, and how far its look-aheads read.

    `whole_text`: for a pattern read over the whole text (never cut short at a window's end),
    a final `(?![...]...)` becomes `(?:[^...]|\\z)`: the character after a match is then part
    of the bare match, so Hyperscan reports one end per candidate rather than one per
    character of it (a capitalised run of 20 letters: 1 report, not 19)."""
    reach = 1  # `\b` reads one character past a match's end
    # Not for a long pattern (the month and street words): Hyperscan measured slower on
    # those with a class before them, for no fewer reports.
    head, at = _preceded_by_none_of(pattern) if len(pattern) < _LONG else ("", 0)
    out: list[str] = [head] if head else []
    in_class = False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            escape = pattern[at : at + 2]
            if escape == "\\b" and not in_class:
                at += 2
                continue
            if escape == "\\s":
                out.append("\\s" + _PYTHON_SPACES if in_class else f"[\\s{_PYTHON_SPACES}]")
            else:
                out.append(escape)
            at += 2
            continue
        if in_class:
            in_class = char != "]" or pattern[at - 1] == "["
            out.append(char)
            at += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            at += 1
            if pattern[at : at + 1] == "^":
                out.append("^")
                at += 1
            if pattern[at : at + 1] == "]":
                out.append("]")
                at += 1
            continue
        look = next((p for p in _LOOK if pattern.startswith(p, at)), None)
        if look is not None:
            close = _closing(pattern, at)
            if look in ("(?!", "(?="):
                inner = pattern[at + len(look) : close]
                reach = max(reach, sre_parse.parse(inner).getwidth()[1])
                if whole_text and look == "(?!" and close == len(pattern) - 1:
                    out.append(_followed_by_none_of(inner))
            at = close + 1
            continue
        out.append(char)
        at += 1
    return "".join(out), reach


def _preceded_by_none_of(pattern: str) -> tuple[str, int]:
    """A leading `(?<!C)`, or `E(?<!CE)` after a first element E, as a consumed character
    or the text's start: `(?:^|[^C])` (then E), and where in the pattern to go on; else
    ("", 0). A match of the pattern at p then lies in the bare match from p - 1 (or 0): the
    same stretch, one character longer, and no report for a place the look-behind refuses
    (a date's digits inside an SSN: ~20,000 reports a MB of dense text fewer)."""
    first = ""
    if not pattern.startswith("(?<!"):
        if pattern.startswith("\\d"):
            first = "\\d"
        elif pattern[:1].isascii() and pattern[:1].isalnum():
            first = pattern[0]  # a letter or digit, as the `A` of an A-number
        elif pattern.startswith("[") and not pattern.startswith("[^"):
            end = pattern.find("]", 1)
            first = pattern[: end + 1] if end > 1 else ""
        if not first or "\\" in first[1:-1].replace("\\d", "") or not pattern.startswith(
            "(?<!", len(first)
        ):
            return "", 0
    opening = len(first)
    close = _closing(pattern, opening)
    inner = pattern[opening + 4 : close]
    if first:
        if not inner.endswith(first):
            return "", 0
        inner = inner[: -len(first)]
    none_of = _none_of(inner)
    if none_of is None:
        return "", 0
    return f"(?:^|{none_of}){first}", close + 1


def _none_of(one: str) -> str | None:
    """A regex for one character that `one` (a single class: `[...]`, `\\w` or `\\d`) does not
    match, or None for anything else."""
    if one in ("\\w", "\\d"):
        return one.upper()
    if (
        one.startswith("[")
        and not one.startswith("[^")
        and one.endswith("]")
        and one.find("]", 1) == len(one) - 1
        and "\\s" not in one
        and sre_parse.parse(one).getwidth() == (1, 1)
    ):
        return f"[^{one[1:-1]}]"
    return None


def _followed_by_none_of(inner: str) -> str:
    """What a final `(?!inner)` lets follow, as a consumed character or the text's end (only
    when inner's first alternative is one character class; else nothing: left out)."""
    first = inner.split("|")[0]
    if "(" in first or "\\s" in first or sre_parse.parse(first).getwidth() != (1, 1):
        return ""
    if first.startswith("[") and not first.startswith("[^") and first.endswith("]"):
        return f"(?:[^{first[1:-1]}]|\\z)"
    if first in ("\\w", "\\d"):
        return f"(?:{first.upper()}|\\z)"
    return ""


def _closing(pattern: str, opening: int) -> int:
    """The index of the `)` that closes the group opened at `opening`."""
    depth, at, in_class = 0, opening, False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[at + 1 : at + 2] == "]":
                at += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return at
        at += 1
    raise ValueError(f"unbalanced group in pattern {pattern!r}")


def _punctuation_head(regex: re.Pattern[str]) -> bool:
    """Does the pattern begin with a punctuation character (`-`, `@`)? `re` then looks only
    where that character is, as fast as Hyperscan's pass, and on dense text faster: each
    place Hyperscan reports costs a call into Python (measured on the dense corpus: SSN
    `dashed` 4.9 vs 12.7 ms a MB, e-mail 4.3 vs 17.7; on sparse text the same)."""
    op, value = sre_parse.parse(regex.pattern)[0]
    return op is sre_constants.LITERAL and not chr(value).isalnum()


def _database(bare_pattern: str, flags: int) -> hyperscan.Database | None:
    """The pattern's database, or None where Hyperscan cannot compile it."""
    try:
        database = hyperscan.Database()
        database.compile(expressions=[bare_pattern.encode("latin-1")], flags=[flags])
    except (UnicodeEncodeError, hyperscan.error):
        return None
    return database


class _Compiled:
    """The Hyperscan database of every registered pattern that it can compile."""

    def __init__(self, patterns: Iterable[tuple[re.Pattern[str], bool]]) -> None:
        self.ids: dict[re.Pattern[str], int] = {}
        self.reach: list[int] = []
        self.whole_text: list[bool] = []
        self.shortest: list[int] = []  # the fewest characters a match holds
        # False where the pattern is too large for leftmost starts (Hyperscan's "Pattern is
        # too large" with SOM): its pass then only tells whether it can match in the text at
        # all, and where it can, `re` reads the whole text.
        self.with_starts: list[bool] = []
        # One database a pattern: compiled together, a few (the street pattern with the month
        # words) take Hyperscan seconds; apart, all take ~0.1 s, and the extra passes cost
        # ~10 ms a MB.
        self.databases: list[hyperscan.Database] = []
        for regex, whole_text in patterns:
            if regex in self.ids or regex.flags & ~re.UNICODE or _punctuation_head(regex):
                continue
            text, reach = bare(regex.pattern, whole_text)
            database = _database(text, hyperscan.HS_FLAG_SOM_LEFTMOST)
            self.with_starts.append(database is not None)
            database = database or _database(text, 0)
            if database is None:
                self.with_starts.pop()
                continue  # read by `re` alone
            self.ids[regex] = len(self.databases)
            self.reach.append(reach)
            self.whole_text.append(whole_text)
            self.shortest.append(max(1, sre_parse.parse(regex.pattern).getwidth()[0]))
            self.databases.append(database)
        self.count = len(self.databases)


_REGISTERED: list[tuple[re.Pattern[str], bool]] = []
# A database holds one scratch space: two threads must not scan with it at once.
_SCANNING = threading.Lock()
_WORD_SETS: list[tuple[str, ...]] = []


def register(*patterns: re.Pattern[str], windowed: bool = False) -> None:
    """Patterns a detector reads through `Scan.finditer` (before the first scan); `windowed`
    if it reads them in stretches of the text (`finditer(regex, start, end)`)."""
    _REGISTERED.extend((pattern, not windowed) for pattern in patterns)
    _compiled.cache_clear()


def register_words(words: tuple[str, ...]) -> None:
    """Context words a detector looks up through `Scan.words` (lower case)."""
    if words not in _WORD_SETS:
        _WORD_SETS.append(words)
        _word_database.cache_clear()


@cache
def _compiled() -> _Compiled:
    try:
        return _Compiled(_REGISTERED)
    except Exception as error:  # noqa: BLE001 - any failure must stop the gate
        raise EngineError(f"hyperscan could not compile the gate's patterns: {error}") from error


@cache
def _word_database() -> tuple[hyperscan.Database, list[tuple[int, int]]]:
    """Every ASCII context word of every set in one database (id -> (set, word length));
    a word with other characters cannot occur in ASCII text."""
    expressions: list[bytes] = []
    owners: list[tuple[int, int]] = []
    for index, words in enumerate(_WORD_SETS):
        for word in words:
            if word.isascii():
                expressions.append("".join(f"\\x{ord(c):02x}" for c in word).encode())
                owners.append((index, len(word)))
    try:
        database = hyperscan.Database()
        database.compile(expressions=expressions, ids=list(range(len(expressions))))
    except Exception as error:  # noqa: BLE001 - any failure must stop the gate
        raise EngineError(f"hyperscan could not compile the context words: {error}") from error
    return database, owners


# Where a pattern's first _SAMPLE stretches lie within _SAMPLE * _CROWDED characters, `re`
# reads it alone in that text: a candidate every ~128 characters (names and phone numbers in
# dense text) costs less through `re`'s own scan than as a report and a search each
# (measured on the dense corpus: phone 39 vs 53 ms a MB, name runs 33 vs 40).
_SAMPLE, _CROWDED = 64, 128


def _merge_into(starts: list[int], ends: list[int], crowded: list[bool]):  # type: ignore[no-untyped-def]
    """A Hyperscan match handler that gathers a pattern's reports as merged stretches, and
    stops the scan (noting it in `crowded`) once they prove crowded."""

    # Read once a scan (a call per report: tens of thousands a MB of dense text).
    add_start, add_end = starts.append, ends.append
    sample, crowded_end = _SAMPLE, _SAMPLE * _CROWDED

    def on_match(_id: int, start: int, end: int, _flags: int, _context: object) -> bool:
        if not ends or start > ends[-1]:  # the common case: a new stretch
            add_start(start)
            add_end(end)
            if len(ends) == sample and end < crowded_end:
                crowded.append(True)
                return True  # stops the scan: Hyperscan raises ScanTerminated
            return False
        # Reports come by ascending end; merge the stretches this one overlaps.
        while ends and start <= ends[-1]:
            ends.pop()
            earlier = starts.pop()
            if earlier < start:
                start = earlier
        starts.append(start)
        ends.append(end)
        return False

    return on_match


def _stop_at_first(stopped: list[bool]):  # type: ignore[no-untyped-def]
    """A Hyperscan match handler that stops the scan at the first report (noted in `stopped`)."""

    def on_match(_id: int, _start: int, _end: int, _flags: int, _context: object) -> bool:
        stopped.append(True)
        return True

    return on_match


class Scan:
    """One text and, with Hyperscan, where each registered pattern can match in it (each
    pattern's pass made when a detector first asks) and where the context words are."""

    __slots__ = ("text", "lowered", "_data", "_stretches", "_compiled", "_words")

    def __init__(self, text: str, lowered: str | None = None, engine: str | None = None) -> None:
        self.text = text
        self.lowered = lowered if lowered is not None else text.lower()
        self._stretches: dict[int, tuple[list[int], list[int]] | None] = {}
        self._words: list[list[tuple[int, int]]] | None = None
        self._compiled: _Compiled | None = None
        self._data = b""
        # `engine`: forced (the tests); by default Hyperscan where installed, for long texts.
        wanted = engine or (ENGINE if len(text) >= SHORT else "re")
        if wanted == "hyperscan" and text and text.isascii():
            if _BROKEN is not None:
                raise EngineError(f"hyperscan is installed but cannot load: {_BROKEN}")
            self._compiled = _compiled()
            self._data = text.encode("ascii")

    @property
    def compiled(self) -> bool:
        """Is the text read with Hyperscan (else with `re` alone)?"""
        return self._compiled is not None

    def _scan(self, compiled: _Compiled, id_: int) -> tuple[list[int], list[int]] | None:
        """The pattern's stretches, or None where `re` reads it alone: its stretches are
        crowded, or (a pattern without starts) it can match somewhere."""
        starts: list[int] = []
        ends: list[int] = []
        stopped: list[bool] = []
        found: tuple[list[int], list[int]] | None = (starts, ends)
        handler = _merge_into(starts, ends, stopped)
        if not compiled.with_starts[id_]:
            handler = _stop_at_first(stopped)
        try:
            with _SCANNING:
                compiled.databases[id_].scan(self._data, match_event_handler=handler)
        except Exception as error:  # noqa: BLE001 - any failure must stop the gate
            if not stopped:  # only a handler's own stop is not a failure
                raise EngineError(f"hyperscan could not scan a text: {error}") from error
            found = None
        self._stretches[id_] = found
        return found

    def words(self, words: tuple[str, ...]) -> list[tuple[int, int]] | None:
        """(end, start) of every occurrence of the words in the lower-cased text, sorted;
        None when the text is not read with Hyperscan or the set was not registered."""
        if self._compiled is None or words not in _WORD_SETS:
            return None
        if self._words is None:
            database, owners = _word_database()
            found: list[list[tuple[int, int]]] = [[] for _ in _WORD_SETS]
            # Per word: where its places go and its length (one lookup a place found).
            into = [(found[index].append, size) for index, size in owners]

            def on_word(id_: int, _start: int, end: int, _flags: int, _context: object) -> None:
                append, size = into[id_]
                append((end, end - size))

            try:
                with _SCANNING:
                    database.scan(self.lowered.encode("ascii"), match_event_handler=on_word)
            except Exception as error:  # noqa: BLE001 - any failure must stop the gate
                raise EngineError(f"hyperscan could not scan a text: {error}") from error
            for occurrences in found:
                occurrences.sort()
            self._words = found
        return self._words[_WORD_SETS.index(words)]

    def finditer_in(
        self, regex: re.Pattern[str], windows: list[tuple[int, int]]
    ) -> Iterator[re.Match[str]]:
        """`finditer(regex, start, end)` for each of the (sorted, disjoint) windows in turn.

        Windows that cover little of the text (a context word here and there) are read by
        `re` alone: a Hyperscan pass over the whole text would cost more than they do."""
        if self._compiled is None or regex not in self._compiled.ids or self._few(windows):
            text = self.text
            return chain.from_iterable(regex.finditer(text, s, e) for s, e in windows)
        return self._matches(regex, windows)

    def _few(self, windows: list[tuple[int, int]]) -> bool:
        """Do the windows cover less than a sixteenth of the text (and so few that adding
        them up is cheap)?"""
        size = len(self.text)
        return len(windows) * _FEW_WINDOWS < size and sum(e - s for s, e in windows) * 16 < size

    def finditer(
        self, regex: re.Pattern[str], start: int = 0, end: int | None = None
    ) -> Iterator[re.Match[str]]:
        """What `regex.finditer(self.text, start, end)` gives, match for match."""
        stop = len(self.text) if end is None else end
        compiled = self._compiled
        if compiled is None or regex not in compiled.ids:
            return regex.finditer(self.text, start, stop)
        id_ = compiled.ids[regex]
        if not (compiled.whole_text[id_] and stop < len(self.text)):
            if id_ not in self._stretches:
                self._scan(compiled, id_)
            if self._stretches[id_] is None:  # `re` reads it alone: its own iterator, as is
                return regex.finditer(self.text, start, stop)
        return self._matches(regex, [(start, stop)])

    def _matches(
        self, regex: re.Pattern[str], spans: list[tuple[int, int]]
    ) -> Iterator[re.Match[str]]:
        text, size = self.text, len(self.text)
        compiled = self._compiled
        id_ = compiled.ids.get(regex) if compiled is not None else None
        stretches = None
        if (
            id_ is not None
            and compiled is not None
            and not (compiled.whole_text[id_] and any(end < size for _, end in spans))
        ):
            if id_ not in self._stretches:
                self._scan(compiled, id_)
            stretches = self._stretches[id_]
        if id_ is None or compiled is None or stretches is None:
            for start, end in spans:
                yield from regex.finditer(text, start, end)
            return
        starts, ends = stretches
        reach, shortest = compiled.reach[id_], compiled.shortest[id_]
        search, count, first = regex.search, len(starts), 0
        for start, end in spans:  # sorted and disjoint: the stretches are walked once
            stop = end if end < size else size
            first = bisect_right(ends, start, first)  # the first stretch ending after start
            if first == count:
                return  # no stretch ends after here: no match in this span or a later one
            pos, index = start, first
            while index < count and starts[index] < stop:
                high = ends[index]
                if pos < starts[index]:
                    pos = starts[index]
                limit = high + reach if high + reach < stop else stop
                # A match lies whole in a stretch: none begins in its last `shortest - 1`
                # places; and none begins after its end.
                while pos + shortest <= high and (match := search(text, pos, limit)) is not None:
                    found, after = match.span()
                    if found >= high:
                        break  # the next stretch's (its search there is not cut here)
                    if limit < stop and after + reach > limit:
                        # Its look-ahead read to the cut: ask the whole span (rare).
                        match = search(text, found, stop)
                        if match is None:
                            pos = stop
                            break
                        found, after = match.span()
                    yield match
                    pos = after if after > found else after + 1
                index += 1
