"""Linkage on pseudopeople's simulated censuses, with an immigration registry's name noise.

    python benchmarks/bench_pseudopeople.py

pseudopeople (peers' environment) writes its 2020 and 2030 decennial censuses from the sample
data inside its wheel (nothing is downloaded), each with pseudopeople's own default noise:
typos, OCR and phonetic errors, nicknames, fake names, blanks, day and month swapped, wrong
digits. The 2020 census is the registry, its names in their Spanish or Portuguese spelling
(García, José: `noisy_registry.passport_spelling`). The 2030 census is the disclosed records,
each name through `noisy_registry.disclosed_name`: accents dropped, compound family names
joined, split, cut to the first or reordered, given and family swapped, nicknames, typos.
A simulant id shared by both is the ground truth; a 2030 person not in the 2020 sample (born
or moved in since) has no true match. One row per simulant on each side (pseudopeople's
duplicated rows dropped). No identifiers: names, birth date, sex and address decide.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from spilldesk.scenario.noisy_registry import FOLD, disclosed_name, passport_spelling

sys.path.insert(0, str(Path(__file__).parent))
from bench_linkage import ecm, ours, vanilla_splink  # noqa: E402
from figures import write_figures  # noqa: E402
from peers import run_peer, version  # noqa: E402

RECORD_IDS = 1_000_000  # records' ids start here, so that no id is a registry person's
EXTRAS = ("address_1",)
COMMAND = "python benchmarks/bench_pseudopeople.py"


def _text(value: object) -> str | None:
    return None if pd.isna(value) or str(value).strip() == "" else str(value)


def _iso_date(value: object) -> str | None:
    """pseudopeople's MM/DD/YYYY as YYYY-MM-DD; a date with a letter in it (OCR noise) is
    unreadable, as a record's parser would find it; a noised month past 12 is kept."""
    text = _text(value)
    if text is None or len(text) != 10 or text[2] != "/" or text[5] != "/":
        return None
    if not (text[:2] + text[3:5] + text[6:]).isdigit():
        return None
    return f"{text[6:]}-{text[:2]}-{text[3:5]}"


def _frame(census: pd.DataFrame, ids: np.ndarray, id_column: str) -> pd.DataFrame:
    address = [" ".join(p for p in (_text(n), _text(s)) if p) or None
               for n, s in zip(census["street_number"], census["street_name"], strict=True)]
    return pd.DataFrame({
        id_column: ids,
        "a_number": None,
        "family_name": census["last_name"].map(_text).to_numpy(),
        "given_name": census["first_name"].map(_text).to_numpy(),
        "date_of_birth": census["date_of_birth"].map(_iso_date).to_numpy(),
        "sex": census["sex"].map({"Female": "F", "Male": "M"}).to_numpy(),
        "country": None,
        "address_1": address,
    })


def _disclosed(family: object, given: object, rng: np.random.Generator
               ) -> tuple[str | None, str | None]:
    noisy = disclosed_name(_text(family) or "", _text(given) or "", rng)
    return noisy[0] or None, noisy[1] or None


def censuses(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[int, int]], dict]:
    """Registry (2020), disclosed records (2030) and the true (record, person) pairs."""
    run_peer("peer_linkage.py", "census", folder)
    read = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    old = pd.read_csv(folder / "census_2020.csv", **read).drop_duplicates("simulant_id")
    new = pd.read_csv(folder / "census_2030.csv", **read).drop_duplicates("simulant_id")
    registry = _frame(old, np.arange(1, len(old) + 1), "person_id")
    for column in ("family_name", "given_name"):
        registry[column] = [passport_spelling(v) if isinstance(v, str) else None
                            for v in registry[column]]
    records = _frame(new, np.arange(RECORD_IDS, RECORD_IDS + len(new)), "unique_id")
    rng = np.random.default_rng(31)
    noisy = [_disclosed(f, g, rng) for f, g in zip(records.family_name, records.given_name,
                                                   strict=True)]
    records["family_name"] = [f for f, _ in noisy]
    records["given_name"] = [g for _, g in noisy]
    person = dict(zip(old["simulant_id"], registry["person_id"], strict=True))
    truth = {
        (int(uid), int(person[sim]))
        for uid, sim in zip(records["unique_id"], new["simulant_id"], strict=True)
        if sim in person
    }
    names = registry["family_name"].fillna("").str.cat(registry["given_name"].fillna(""))
    sizes = {
        "registry": len(registry),
        "records": len(records),
        "true_pairs": len(truth),
        "registry_accented": int((names != names.map(lambda v: v.translate(FOLD))).sum()),
        "records_compound": int(records["family_name"].fillna("").str.contains("[ -]").sum()),
    }
    return records, registry, truth, sizes


def run(folder: Path) -> dict[str, object]:
    import splink.comparison_library as cl

    records, registry, truth, sizes = censuses(folder)
    print("sizes", json.dumps(sizes), flush=True)
    out: dict[str, object] = {"sizes": sizes}
    out["spilldesk"] = ours(records, registry, truth, identifier=False, extras=EXTRAS,
                            blocking=("l.address_1 = r.address_1",))
    print("spilldesk", json.dumps(out["spilldesk"]), flush=True)
    out["vanilla_splink"] = vanilla_splink(
        records, registry, truth, (cl.LevenshteinAtThresholds("address_1", [2]),)
    )
    print("vanilla_splink", json.dumps(out["vanilla_splink"]), flush=True)
    out["recordlinkage_ecm"] = ecm(records, registry, truth, identifier=False, folder=folder)
    print("recordlinkage_ecm", json.dumps(out["recordlinkage_ecm"]), flush=True)
    out["recordlinkage_ecm_dob"] = ecm(records, registry, truth, identifier=False,
                                       folder=folder, block_on=("date_of_birth",))
    print("recordlinkage_ecm_dob", json.dumps(out["recordlinkage_ecm_dob"]), flush=True)
    return out


ENGINES = {
    "spilldesk": "**spilldesk**",
    "vanilla_splink": "vanilla splink (library comparisons, plain blocking)",
    "recordlinkage_ecm": "recordlinkage ECM (its FEBRL4 docs' setup)",
    "recordlinkage_ecm_dob": "recordlinkage ECM, blocking on birth date only",
}


def figures(got: dict) -> str:
    sizes, ours_got = got["sizes"], got["spilldesk"]
    rows = [
        f"| {label} | {got[key]['precision']:.4f} | {got[key]['recall']:.4f} | "
        f"{got[key]['f1']:.4f} | {got[key]['pairs']:,} | {got[key].get('review', '—')} | "
        f"{got[key].get('review_recall', '—')} | {got[key]['seconds']} |"
        for key, label in ENGINES.items()
    ]
    return "\n".join([
        f"pseudopeople {version('pseudopeople')}'s sample data (inside its wheel): the "
        f"decennial census of 2020 as the registry ({sizes['registry']:,} people, "
        f"{sizes['registry_accented']:,} of them with a name in its accented Spanish or "
        f"Portuguese spelling), the census of 2030 as the disclosed records "
        f"({sizes['records']:,}, of whom {sizes['true_pairs']:,} are in the registry; the rest "
        f"have no true match). Both carry pseudopeople's default noise; each record's name "
        f"also went through `noisy_registry.disclosed_name` (accents dropped, compound family "
        f"names joined, split, cut or reordered, given and family swapped, nicknames, typos). "
        f"Fields: given and family name, birth date, sex, street address (people move between "
        f"censuses); no identifier. The simulant ids shared by both censuses are the truth and "
        f"only score. Every engine's links are one-to-one (each record and each registry "
        f"person at most once). Recall counts spilldesk's automatic matches only; "
        f"*with review* also counts a record sent to review whose true person is among the "
        f"candidates shown to the reviewer. splink gets the same fields with its library "
        f"comparisons (the address by Levenshtein ≤ 2) and blocks on birth date, family or "
        f"given name; recordlinkage's ECM is set up as its FEBRL4 documentation does "
        f"(blocking on given name, family name or birth date), and once more blocking on "
        f"birth date only. Load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "| engine | precision | recall | F1 | links | review | recall with review | wall s |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"spilldesk's blocking let through {ours_got['blocking_recall']} of the true pairs "
        f"({ours_got['blocked_pairs']:,} candidate pairs of "
        f"{sizes['records'] * sizes['registry']:,}).",
    ])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        got = run(Path(tmp))
    write_figures("pseudopeople", "Linkage on pseudopeople's censuses", figures(got), COMMAND)


if __name__ == "__main__":
    main()
