"""Publication-gate benchmark: `python benchmarks/bench_gate.py [--quick]`.

Measures (SPEC "Targets", gate):
  1. a 2022-shaped workbook (a real FY23 statistics workbook + a generated 6,252-row x 20-column
     person sheet) judged in <= 1 s, and extract_records on it; openpyxl vs python-calamine for
     the cell values of that workbook (the reader is picked by this measurement);
  2. text throughput (>= 10 MB/s per core) on dense and sparse prose, side by side with
     Presidio's pattern-only pipeline and DataFog's regex annotator;
  3. per-entity precision / recall / F1 of all three on labelled sentences built from
     FEBRL4's people (not from the name lists the detectors ship), at character level;
  4. all 89 real ICE workbooks: total time and verdicts.
The peers are never dependencies of spilldesk: they run in benchmarks/.peers-venv
(`make bench-peers`), in a subprocess. Writes docs/benchmarks/gate.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from spilldesk.scan import extract_records, scan_path
from spilldesk.scan.detectors import DETECTORS, REPORTABLE, find_all, person_name
from spilldesk.scan.detectors import engine as text_engine
from spilldesk.scenario.shared_data import real_workbooks

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402
from peers import PeersMissing, run_peer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BOOKS = [str(path) for path in real_workbooks()]
TEXT_TARGET = 10.0  # MB/s per core on PII-dense text (SPEC)
ENTITIES = ("PERSON_NAME", "EMAIL", "PHONE", "SSN", "A_NUMBER", "DATE_OF_BIRTH",
            "STREET_ADDRESS")
# Each peer's types -> the gate's entity codes (only the types it looks for).
PEER_TYPES = {
    "presidio": {"PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "US_SSN": "SSN"},
    "datafog": {"EMAIL": "EMAIL", "PHONE": "PHONE", "SSN": "SSN", "DOB": "DATE_OF_BIRTH"},
}
PEER_LABELS = {
    "presidio": "Presidio (pattern recognizers, blank spaCy, `entities=` the shared types)",
    "datafog": "DataFog (regex annotator)",
}



def best_of(runs: int, work):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def person_sheet_workbook(folder: Path) -> Path:
    """A real FY23 workbook plus a 6,252 x 20 person sheet, as posted on Nov 28, 2022."""
    source = next(b for b in BOOKS if "FY23" in b)
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.create_sheet("Detainees 11-19-2022")
    headers = [
        "Last Name",
        "First Name",
        "A-Number",
        "Date of Birth",
        "Citizenship",
        "Gender",
        "Facility",
        "AOR",
        "Book In Date",
        "Custody",
        "Case Status",
        "Fear Screening",
        "Final Order",
        "Final Order Date",
        "Language",
        "Criminality",
        "Threat Level",
        "Arresting Agency",
        "Detention Type",
        "Release Reason",
    ]
    sheet.append(headers)
    rng = random.Random(2022)
    for _ in range(6252):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20_000))
        sheet.append(
            [
                f"SURNAME{rng.randint(1, 99999)}",
                f"GIVEN{rng.randint(1, 9999)}",
                f"A{rng.randint(10_000_000, 999_999_999):09d}",
                born.strftime("%m/%d/%Y"),
                rng.choice(["CUBA", "MEXICO", "HONDURAS", "BRAZIL", "HAITI"]),
                rng.choice("MF"),
                "SOUTH TEXAS ICE PROCESSING CENTER",
                "SNA",
                "2022-10-01",
                "Detained",
                "Removal proceedings",
                "Negative",
                "Yes",
                "2022-06-01",
                "Spanish",
                "Non-criminal",
                "Level 3",
                "CBP",
                "Mandatory",
                "",
            ]
        )
    path = folder / "nov28-shaped.xlsx"
    workbook.save(path)
    return path


def bench_workbook(folder: Path) -> list[str]:
    path = person_sheet_workbook(folder)
    judged, report = best_of(3, lambda: scan_path(path))
    extracted, extraction = best_of(3, lambda: extract_records(path))

    def calamine_values() -> int:
        workbook = CalamineWorkbook.from_path(str(path))
        return sum(len(workbook.get_sheet_by_name(n).to_python()) for n in workbook.sheet_names)

    def openpyxl_values() -> int:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for sheet in workbook.worksheets for _ in sheet.iter_rows(values_only=True))
        workbook.close()
        return rows

    calamine, _ = best_of(3, calamine_values)
    openpyxl_time, _ = best_of(3, openpyxl_values)
    records = sum(f.rows or 0 for f in report.findings if f.entity == "PERSON_RECORDS")
    return [
        "### 2022-shaped workbook (real FY23 statistics + 6,252 x 20 person sheet)",
        f"- size: {path.stat().st_size / 1e6:.1f} MB; verdict `{report.verdict.value}`, "
        f"{records} person records found",
        f"- judged (scan_path) in **{judged:.3f} s** (target <= 1 s)",
        f"- extract_records: {len(extraction.records)} records in {extracted:.3f} s",
        f"- cell values only: python-calamine {calamine:.3f} s vs openpyxl (read-only) "
        f"{openpyxl_time:.3f} s -> calamine {openpyxl_time / calamine:.1f}x faster (chosen)",
    ]


def bench_real_workbooks() -> list[str]:
    """All 89 as a user (or a pre-commit hook) judges them: one `spilldesk scan` process, wall
    clock and CPU (its own and its worker's); and through the API, one `scan_path` each (a
    worker forked per call: what isolating every file costs)."""
    command = [sys.executable, "-m", "spilldesk", "scan", "--json", *BOOKS]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"spilldesk scan: exit {done.returncode}: {done.stderr[-300:]}")
    verdicts = Counter(f["verdict"] for f in json.loads(done.stdout)["files"])
    started = time.perf_counter()
    each = Counter(scan_path(book).verdict.value for book in BOOKS)
    api = time.perf_counter() - started
    return [
        "### The real ICE workbooks",
        f"- `spilldesk scan` of all {len(BOOKS)} (one process): {wall:.1f} s by the wall clock, "
        f"{cpu:.1f} s of CPU ({wall / len(BOOKS) * 1000:.0f} ms a workbook); verdicts: "
        f"{dict(verdicts)}",
        f"- `scan_path` once per workbook (a worker forked per call): {api:.1f} s; verdicts: "
        f"{dict(each)}",
    ]


def char_sets(spans_per_text: list[list[list[object]]], mapping: dict[str, str]) -> dict[str, set]:
    chars: dict[str, set[tuple[int, int]]] = {}
    for index, spans in enumerate(spans_per_text):
        for kind, start, end in spans:
            entity = mapping.get(str(kind))
            if entity:
                chars.setdefault(entity, set()).update(
                    (index, c) for c in range(int(start), int(end))
                )
    return chars


def scores(
    gold: dict[str, set], predicted: dict[str, set], entity: str
) -> tuple[float, float, float]:
    truth, guess = gold.get(entity, set()), predicted.get(entity, set())
    hit = len(truth & guess)
    precision = hit / len(guess) if guess else 0.0
    recall = hit / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def cut(corpus: str, lines: int = 100) -> list[str]:
    """The corpus in pieces of `lines` lines, as a sheet's column or a document's page."""
    rows = corpus.split("\n")
    return ["\n".join(rows[i : i + lines]) for i in range(0, len(rows), lines)]


def our_rate(chunks: list[str], engine: str | None = None) -> dict[str, float]:
    find_all("warm up 212-555-0188 jane@example.org " * 60, engine)  # compiles the patterns
    started = time.process_time()  # CPU time of this process: per core, whatever else runs
    for chunk in chunks:
        find_all(chunk, engine)
    return {"bytes": sum(len(c.encode()) for c in chunks), "seconds": time.process_time() - started}


def engines_agree(texts: list[str]) -> int:
    """Hyperscan + re and re alone give the same hits on every text (or the benchmark stops)."""
    if text_engine.ENGINE != "hyperscan":
        raise SystemExit("hyperscan is not installed: reinstall the environment")
    for index, text in enumerate(texts):
        if find_all(text, "hyperscan") != find_all(text, "re"):
            raise SystemExit(f"the engines disagree on labelled text {index}")
    return len(texts)


def mb_per_s(measured: dict[str, float]) -> float:
    return measured["bytes"] / measured["seconds"] / 1e6


def bench_text(folder: Path, quick: bool) -> list[str]:
    size, count = (300_000, 400) if quick else (2_000_000, 2000)
    labelled = folder / "labelled.json"
    run_peer("labelled_text.py", labelled, "--sentences", count, "--dense-bytes", size,
             "--seed", 42)
    data = json.loads(labelled.read_text(encoding="utf-8"))
    sentences = [s["text"] for s in data["sentences"]]
    chunks = {kind: cut(data[kind]) for kind in ("dense", "sparse")}
    given = folder / "peer-in.json"
    given.write_text(json.dumps({"sentences": sentences, **chunks, "threshold": REPORTABLE}))
    answered = folder / "peer-out.json"
    run_peer("peer_gate.py", given, answered, folder)
    peers = json.loads(answered.read_text(encoding="utf-8"))
    agreed = engines_agree(sentences + chunks["dense"] + chunks["sparse"])
    ours = {kind: our_rate(chunks[kind]) for kind in chunks}
    plain = {kind: our_rate(chunks[kind], "re") for kind in chunks}
    lines_rate = our_rate(data["dense"].split("\n"))
    dense = mb_per_s(ours["dense"])
    verdict = "met" if dense >= TEXT_TARGET else "**missed**"
    lines = [
        f"Text: {len(data['dense']) / 1e6:.1f} MB of dense prose (an entity in every sentence) "
        "and as much sparse prose (one sentence in twenty), built from FEBRL4's people "
        "(`benchmarks/labelled_text.py`), read in pieces of 100 lines; CPU time of one "
        "process (per core). Load average during the run: "
        f"{os.getloadavg()[0]:.1f}.",
        "",
        "| reader | dense MB/s | sparse MB/s |",
        "|---|---:|---:|",
        f"| **spilldesk** (`find_all`: Hyperscan, then `re` where it can match) | **{dense:.2f}** "
        f"| {mb_per_s(ours['sparse']):.2f} |",
        f"| spilldesk, `re` alone (no Hyperscan wheel) | {mb_per_s(plain['dense']):.2f} "
        f"| {mb_per_s(plain['sparse']):.2f} |",
        f"| spilldesk, line by line (`re` alone: lines are short) | {mb_per_s(lines_rate):.2f} | |",
    ]
    for name, label in PEER_LABELS.items():
        peer = peers[name]
        lines.append(f"| {label} | {mb_per_s(peer['dense']):.3f} | "
                     f"{mb_per_s(peer['sparse']):.3f} |")
    lines += [
        "",
        f"Both engines give the same hits on all {agreed} texts (the labelled sentences and "
        "every piece of both corpora), checked before the timing.",
        "",
        f"Target ≥ {TEXT_TARGET:g} MB/s per core on dense text: {verdict} ({dense:.2f}). "
        f"spilldesk / Presidio on dense text: {dense / mb_per_s(peers['presidio']['dense']):.0f}x; "
        f"spilldesk / DataFog: {dense / mb_per_s(peers['datafog']['dense']):.1f}x (DataFog "
        "looks for four kinds, spilldesk for nine).",
        "",
        f"Precision / recall / F1 at character level on {len(sentences)} labelled sentences "
        "(names and streets from FEBRL4, not from the lists the detectors ship):",
        "",
        "| entity | gold chars | spilldesk P / R / F1 | Presidio P / R / F1 | DataFog P / R / F1 |",
        "|---|---:|---|---|---|",
    ]
    gold = char_sets([s["spans"] for s in data["sentences"]], {e: e for e in ENTITIES})
    found = [[[h.entity, h.start, h.end] for h in find_all(t) if h.score >= REPORTABLE]
             for t in sentences]
    mine = char_sets(found, {e: e for e in ENTITIES})
    theirs = {name: char_sets(peers[name]["spans"], PEER_TYPES[name]) for name in PEER_TYPES}
    for entity in ENTITIES:
        if not gold.get(entity):
            continue
        cells = [_prf(gold, mine, entity)]
        for name in PEER_TYPES:
            known = entity in PEER_TYPES[name].values()
            cells.append(_prf(gold, theirs[name], entity) if known else "not looked for")
        lines.append(f"| {entity} | {len(gold[entity])} | " + " | ".join(cells) + " |")
    lines += ["", f"Every tool at spilldesk's threshold ({REPORTABLE}): Presidio's phone "
              "recognizer gives 0.4 unless a context word lifts it, and a blank spaCy pipeline "
              "has no lemmas to find one, so its phone numbers stay below the line."]
    return lines


def bench_engines(folder: Path, text: str) -> list[str]:
    """The gate's patterns under RE2 and Hyperscan against `re`, on the dense corpus."""
    from spilldesk.scan.detectors.engine import bare

    patterns = [[f"{d.entity} {p.name}", p.regex.pattern]
                for d in DETECTORS for p in getattr(d, "patterns", [])]
    patterns.append(["PERSON_NAME capitalised run", person_name._RUN.pattern])
    patterns = [[name, source, bare(source)[0]] for name, source in patterns]
    given, answered = folder / "regex-in.json", folder / "regex-out.json"
    given.write_text(json.dumps({"patterns": patterns, "text": text}))
    run_peer("peer_regex.py", given, answered)
    got = json.loads(answered.read_text())
    lines = [
        f"Each pattern alone over the dense corpus (CPU s, best of 3; google-re2 {got['re2']}, "
        f"hyperscan {got['hyperscan']}), as written and without its look-arounds (what RE2 "
        "and Hyperscan can compile; the boundaries would then be checked in Python):",
        "",
        "| pattern | re | RE2 | Hyperscan | re, bare | RE2, bare | Hyperscan, bare |",
        "|---|---:|---|---|---:|---:|---:|",
    ]
    totals: Counter[str] = Counter()
    for row in got["rows"]:
        cells = []
        for engine in ("re", "re2", "hyperscan", "bare_re", "bare_re2", "bare_hyperscan"):
            answer = row[engine]
            if isinstance(answer, str):
                cells.append("no" if engine.startswith("bare") else answer.split(" (")[0])
            else:
                cells.append(f"{answer[0]:.3f} ({answer[1]:,})")
                totals[engine] += answer[0]
        lines.append(f"| {row['name']} | " + " | ".join(cells) + " |")
    compiles = {e: sum(not isinstance(r[e], str) for r in got["rows"])
                for e in ("re2", "hyperscan", "bare_re2", "bare_hyperscan")}
    lines += ["", (
        f"As written, RE2 compiles {compiles['re2']} of {len(got['rows'])} patterns and "
        f"Hyperscan {compiles['hyperscan']} (look-behinds). Without look-arounds: re "
        f"{totals['bare_re']:.3f} s for all, RE2 {totals['bare_re2']:.3f} s for the "
        f"{compiles['bare_re2']} it compiles, Hyperscan {totals['bare_hyperscan']:.3f} s for "
        f"{compiles['bare_hyperscan']}; the patterns as written take {totals['re']:.3f} s with "
        "`re`. Match counts differ where an engine reports matches differently (Hyperscan "
        "reports every end of a match).")]
    return lines


def _prf(gold: dict[str, set], found: dict[str, set], entity: str) -> str:
    precision, recall, f1 = scores(gold, found, entity)
    return f"{precision:.2f} / {recall:.2f} / {f1:.2f}"


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        try:
            text = bench_text(folder, quick)
            data = json.loads((folder / "labelled.json").read_text(encoding="utf-8"))
            text += ["", "### Compiled regex engines", "", *bench_engines(folder, data["dense"])]
        except PeersMissing as missing:
            text = [f"Not measured: {missing}."]
        sections = [bench_workbook(folder), ["### Text", "", *text]]
        if not quick:
            sections.append(bench_real_workbooks())
    body = "\n\n".join("\n".join(section) for section in sections)
    print(body)
    if not quick:  # a quick run is a check that the benchmark works, not a figure
        write_figures("gate", "Publication gate", body, "python benchmarks/bench_gate.py")


if __name__ == "__main__":
    main()
