"""Issue #17, "Gate text speed": Hyperscan finds where the patterns can match, `re` confirms.
Both engines must give every detector the same matches, hence the same hits; a Hyperscan
that is installed but fails makes the gate error, never pass."""

from __future__ import annotations

import io
import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spilldesk.scan import Limits, Verdict
from spilldesk.scan.detectors import DETECTORS, address, find_all, phone, same_length_lower
from spilldesk.scan.detectors import engine as engine_module
from spilldesk.scan.detectors.engine import EngineError, Scan, bare
from spilldesk.scan.scanner import walk_document

hyperscan = pytest.importorskip("hyperscan")

PIECES = [
    "DOB: 12/05/1980",
    "Nacido el 3 de marzo de 1975",
    "Tel: +52 55 1234 5678",
    "A# 123-456-789",
    "SSN 123 45 6789",
    "social security 123456789",
    "passport X1234567",
    "Ciudadanía: México",
    "Calle Reforma 123",
    "Mr. O'Brien-Smith",
    "Dear Maria Garcia",
    "\x1c",
    "\x1f",
    "\u00a0",
    "-",
    "212-555-0188x123",
    "jane.doe@example.org",
    "1.2.3.4",
    "2021-01-01",
    "Sep 4, 1990",
    "born 4 Sep 1990",
    "A123456789",
    "123456789",
    "12345678",
    "4111 1111 1111 1111",
    "(555) 123-4567",
    "Señora Núñez",
    "Mrs. Jane Smith",
    "12 Main St.",
    "500 N Elm Street",
    "ssn: 078-05-1120",
    "123-45-6789",
    "123-45-6789-1",
    "John Smith",
    "Alien registration",
    "nationality: Honduras",
    "Avenida Juárez 55",
    "call 555.123.4567",
]
SEPARATORS = [" ", "", ", ", ". ", "\n", "-", "/", "\t", "\x1d"]


def crafted(seed: int, pieces: int, ascii_only: bool) -> str:
    rng = random.Random(seed)
    choices = [p for p in PIECES if p.isascii()] if ascii_only else PIECES
    return "".join(rng.choice(choices) + rng.choice(SEPARATORS) for _ in range(pieces))


def hits(text: str, engine: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    with monkeypatch.context() as patched:
        patched.setattr(engine_module, "ENGINE", engine)
        return [tuple(hit) for hit in find_all(text)]


def test_bare_patterns_drop_look_arounds_and_keep_classes() -> None:
    assert bare(r"[+(\d](?<![\w+/.(-][+(\d])\d{3}(?![\w/-]|\.\d)") == (
        r"(?:^|[^\w+/.(-])[+(\d]\d{3}",
        2,
    )
    assert bare(r"\b\w+@x\.org\b") == (r"\w+@x\.org", 1)
    # `re`'s \s also matches the ASCII separators \x1c-\x1f: the bare form must too.
    assert bare(r"a\s[\sb]") == (r"a[\s\x1c-\x1f][\s\x1c-\x1fb]", 1)
    # Read over the whole text, a final negative look-ahead becomes a consumed character.
    assert bare(r"\d{3}(?![\w-])", whole_text=True) == (r"\d{3}(?:[^\w-]|\z)", 1)
    assert bare(r"\d{3}(?!\w)", whole_text=True) == (r"\d{3}(?:\W|\z)", 1)
    # A leading negative look-behind of one class (at the start, or right after a first
    # element that it repeats) becomes a consumed character or the text's start.
    assert bare(r"(?<![\w/.-])\d{2}") == (r"(?:^|[^\w/.-])\d{2}", 1)
    assert bare(r"\d(?<![\w.,-]\d)\d{8}") == (r"(?:^|[^\w.,-])\d\d{8}", 1)
    assert bare(r"A(?<!\wA)\d") == (r"(?:^|\W)A\d", 1)
    # Not for other look-behinds: left out, as before.
    assert bare(r"\d(?<![\w-]\w)\d") == (r"\d\d", 1)
    assert bare(r"(?<![\s-])\d") == (r"\d", 1)
    assert bare(r"(?<=\d-)\d") == (r"\d", 1)


@pytest.mark.parametrize("crowding", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_every_registered_pattern_matches_as_re_does(
    seed: int, crowding: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With crowded patterns left to `re` (the default) and with every pattern read through
    Hyperscan's stretches however crowded (the crafted text is dense)."""
    if not crowding:
        monkeypatch.setattr(engine_module, "_SAMPLE", 10**9)
    text = crafted(seed, 3000, ascii_only=True)
    scan = Scan(text, same_length_lower(text), engine="hyperscan")
    assert scan.compiled
    windows = [(0, len(text)), (7, 950), (len(text) // 2, len(text) - 3), (100, 101)]
    for regex, _whole in engine_module._REGISTERED:
        for start, end in windows:
            mine = [m.span() for m in scan.finditer(regex, start, end)]
            assert mine == [m.span() for m in regex.finditer(text, start, end)], regex.pattern
    compiled = engine_module._compiled()
    crowded = [
        id_
        for id_, stretches in scan._stretches.items()
        if stretches is None and compiled.with_starts[id_]
    ]
    assert bool(crowded) is crowding  # both ways of reading were used


def test_a_crowded_pattern_is_left_to_re_and_a_sparse_one_is_not() -> None:
    """A candidate every few characters stops the pattern's Hyperscan pass early."""
    crowded = " ".join(["call 212-555-0188"] * 200)
    sparse = (" " + "x" * 300).join(["call 212-555-0188"] * 200)
    dialled = next(p.regex for p in phone.DETECTOR.patterns if p.name == "dialled")
    for text, expected in ((crowded, True), (sparse, False)):
        scan = Scan(text, text.lower(), engine="hyperscan")
        spans = [m.span() for m in scan.finditer(dialled)]
        assert spans == [m.span() for m in dialled.finditer(text)]
        assert (scan._stretches[engine_module._compiled().ids[dialled]] is None) is expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 -./()+#:@AaBZx,\n\x1cSsnN", max_size=80))
def test_matches_agree_on_any_ascii_text(text: str) -> None:
    scan = Scan(text, text.lower(), engine="hyperscan")
    assert scan.compiled or not text
    for regex, whole in engine_module._REGISTERED:
        end = None if whole else len(text) - 1
        assert [m.span() for m in scan.finditer(regex, 1, end)] == [
            m.span() for m in regex.finditer(text, 1, len(text) if end is None else end)
        ], regex.pattern


@pytest.mark.parametrize("ascii_only", [True, False])
def test_both_engines_give_the_same_hits(ascii_only: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    for seed in range(3):
        text = crafted(100 + seed, 2500, ascii_only)
        assert hits(text, "hyperscan", monkeypatch) == hits(text, "re", monkeypatch)


def test_a_detector_alone_finds_what_it_finds_through_find_all() -> None:
    text = crafted(7, 2000, ascii_only=True)
    lowered = same_length_lower(text)
    scan = Scan(text, lowered, engine="hyperscan")
    for detector in DETECTORS:
        alone = [tuple(h) for h in detector.find(text, lowered)]
        assert alone == [tuple(h) for h in detector.find(text, lowered, scan)], detector.entity


def test_context_words_are_found_as_str_find_finds_them() -> None:
    text = crafted(9, 2000, ascii_only=True)
    lowered = text.lower()
    scan = Scan(text, lowered, engine="hyperscan")
    for words in engine_module._WORD_SETS:
        expected = sorted(
            (m.start() + len(w), m.start())
            for w in words
            for m in re.finditer(f"(?={re.escape(w)})", lowered)
        )
        assert scan.words(words) == expected


def test_a_broken_hyperscan_makes_the_verdict_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed but failing (its library will not load, a scan fails): the gate errors."""
    text = b" ".join([b"Dear Mr. Smith, your SSN 123-45-6789 and A# 123-456-789 are on file."] * 40)
    assert len(text) >= engine_module.SHORT
    monkeypatch.setattr(engine_module, "ENGINE", "hyperscan")
    monkeypatch.setattr(engine_module, "_BROKEN", ImportError("libhs.so.5: cannot open"))
    with pytest.raises(EngineError):
        find_all(text.decode())
    report = walk_document(lambda: io.BytesIO(text), "letter.txt", Limits())
    assert report.verdict is Verdict.ERROR and "hyperscan" in (report.error or "")

    monkeypatch.setattr(engine_module, "_BROKEN", None)

    class Failing:
        def scan(self, *_args: object, **_kwargs: object) -> None:
            raise hyperscan.ScanTerminated("simulated")

    compiled = engine_module._compiled()
    monkeypatch.setattr(compiled, "databases", [Failing()] * len(compiled.databases))
    report = walk_document(lambda: io.BytesIO(text), "letter.txt", Limits())
    assert report.verdict is Verdict.ERROR and "hyperscan" in (report.error or "")


def test_threads_may_scan_at_once() -> None:
    """One scratch space a database: scans from several threads take turns, none fails."""
    texts = [crafted(200 + seed, 1500, ascii_only=True) for seed in range(4)]
    alone = [find_all(text, "hyperscan") for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda text: find_all(text, "hyperscan"), texts * 3))
    assert together == alone * 3


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -.+_@aZ\n\u0660", max_size=90))
def test_a_back_pattern_searched_from_its_reach_finds_what_a_search_from_the_start_does(
    text: str,
) -> None:
    """`back` is searched only `back_reach` characters before a match: no match of it can
    begin earlier, so the search finds the match a search from the text's start finds."""
    backs = [p for d in DETECTORS for p in getattr(d, "patterns", []) if p.back is not None]
    assert backs
    for pattern in backs:
        assert pattern.back is not None
        for end in range(len(text) + 1):
            far = pattern.back.search(text, 0, end)
            near = pattern.back.search(text, max(0, end - pattern.back_reach), end)
            assert (far and far.span()) == (near and near.span()), pattern.name


def test_a_pattern_too_large_for_starts_is_read_by_re_only_where_it_can_match() -> None:
    """Hyperscan cannot give the Spanish street pattern leftmost starts: its pass only tells
    whether it can match; where it cannot, nothing is read; where it can, `re` reads."""
    calle = next(p.regex for p in address.DETECTOR.patterns if p.name == "calle")
    compiled = engine_module._compiled()
    assert not compiled.with_starts[compiled.ids[calle]]
    for text, readable in (("x " * 2000, False), ("x " * 2000 + "Calle Reforma 123", True)):
        scan = Scan(text, text.lower(), engine="hyperscan")
        assert [m.span() for m in scan.finditer(calle)] == [m.span() for m in calle.finditer(text)]
        assert (scan._stretches[compiled.ids[calle]] is None) is readable


@pytest.mark.parametrize("seed", range(3))
def test_back_ends_where_a_match_starts_in_one_place_at_most(seed: int) -> None:
    """`PatternDetector` searches the nearest characters first for a pattern's `back`: that
    gives the whole reach's answer only if `back` can end at a match's start in one place.
    Checked at every place of crafted text (with long e-mail local parts) for every `back`."""
    rng = random.Random(seed)
    text = crafted(seed, 400, ascii_only=False) + "".join(
        rng.choice(["x" * rng.randint(20, 70) + "@example.org ", "a.b+c-d_" * 9 + "@x.io "])
        for _ in range(40)
    )
    for detector in DETECTORS:
        for pattern in getattr(detector, "patterns", []):
            if pattern.back is None:
                continue
            for start in range(1, len(text) + 1):
                low = max(0, start - pattern.back_reach)
                places = [at for at in range(low, start) if pattern.back.match(text, at, start)]
                assert len(places) <= 1, (pattern.name, start, places)
