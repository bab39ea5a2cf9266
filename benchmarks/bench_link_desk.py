"""`spilldesk link` as a whole process on a desk whose registry was imported with
`spilldesk registry import` (issue #18): wall time, CPU, peak memory, precision and recall.

    python benchmarks/bench_link_desk.py [--registry 1000000] [--records 6252] [--postgres URL]

The registry is `scenario.noisy_registry.make_registry` (seed 7, like bench_linkage.py scale),
written as a persons file and imported by the CLI; the records are `make_disclosed` of people
in custody on 2022-11-19 (seed 11), stored as one incident's disclosed records (not timed).
Then `spilldesk link` runs in a fresh wrapper process (getrusage RUSAGE_CHILDREN: that one
process's peak RSS). Reading and decrypting are included: the command reads the registry's
blocking tokens, decrypts the candidates and a sample, scores and stores the outcomes.
Precision and recall are against the records' true persons. Target: ≤ 15 s and ≤ 2 GB at
1,000,000 persons.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_registry import (  # noqa: E402
    CLI,
    MEASURE,
    ROOT,
    _drop_postgres,
    _env,
    _fresh_postgres,
)
from figures import write_figures  # noqa: E402

INCIDENT = "BENCH-LINK"
REFERENCE = "2022-11-19"
TARGET_SECONDS, TARGET_MB = 15.0, 2048.0
ACTOR = "bench:link-desk"


def _measure(env: dict[str, str], *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *CLI, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"spilldesk {' '.join(args)} failed: {result['err']}")
    return result


def _registry_file(size: int, count: int, path: Path):  # type: ignore[no-untyped-def]
    from spilldesk.scenario.noisy_registry import make_disclosed, make_registry

    registry = make_registry(size, seed=7)
    frame = registry.rename(columns={"country": "country_of_citizenship"}).drop(
        columns=["person_id"]
    )
    frame["custody"] = [
        "detained" if o != o or o is None else "released" for o in frame.book_out_date
    ]
    frame.to_csv(path, index=False)
    in_custody = (registry.book_in_date <= REFERENCE) & (
        registry.book_out_date.isna() | (registry.book_out_date >= REFERENCE)
    )
    return registry, make_disclosed(registry[in_custody], count, seed=11)


def _disclose(  # type: ignore[no-untyped-def]
    work: Path, database: str | None, registry, records
) -> dict[int, int]:
    """The records as one incident's disclosed records; record id -> true person id."""
    from zoneinfo import ZoneInfo

    from spilldesk.config import Settings
    from spilldesk.intake.incidents import IncidentSpec, open_incident
    from spilldesk.store.db import open_store
    from spilldesk.store.models import DisclosedDocument
    from spilldesk.store.people import add_disclosed_record, find_people

    environ = {"SPILLDESK_DATABASE_URL": database} if database else {}
    store = open_store(Settings.load(work, environ))
    et = ZoneInfo("America/New_York")
    a_numbers = dict(zip(registry.person_id, registry.a_number, strict=True))
    truth: dict[int, int] = {}
    try:
        with store.session() as session:
            open_incident(
                session,
                IncidentSpec(
                    id=INCIDENT,
                    title="bench",
                    exposed_from=datetime(2022, 11, 28, 9, tzinfo=et),
                    exposed_until=datetime(2022, 11, 28, 14, tzinfo=et),
                    custody_reference_date=date.fromisoformat(REFERENCE),
                ),
                actor=ACTOR,
            )
            document = DisclosedDocument(
                incident_id=INCIDENT,
                file_name="bench.xlsx",
                sha256="b" * 64,
                size=1,
                data_elements=["a_number", "date_of_birth", "family_name", "given_name"],
                record_count=len(records),
                created_by=ACTOR,
            )
            session.add(document)
            session.flush()
            owners = find_people(session, [a_numbers[int(p)] for p in records.true_person_id])
            for number, row in enumerate(records.itertuples(), start=2):
                fields = {
                    k: str(v)
                    for k, v in {
                        "a_number": row.a_number,
                        "family_name": row.family_name,
                        "given_name": row.given_name,
                        "date_of_birth": row.date_of_birth,
                        "sex": row.sex,
                        "country_of_citizenship": row.country,
                    }.items()
                    if v is not None and v == v
                }
                record = add_disclosed_record(
                    session,
                    fields,
                    document_id=document.id,
                    incident_id=INCIDENT,
                    source_part="sheet",
                    source_sheet="Detainees",
                    source_row=number,
                    hidden=False,
                    link_status="pending",
                )
                truth[record.id] = owners[a_numbers[int(row.true_person_id)]].id
    finally:
        store.close()
    return truth


def _scores(work: Path, database: str | None, truth: dict[int, int]) -> dict[str, object]:
    from sqlalchemy import select

    from spilldesk.config import Settings
    from spilldesk.store.db import open_store
    from spilldesk.store.models import AuditEvent, DisclosedRecord

    environ = {"SPILLDESK_DATABASE_URL": database} if database else {}
    store = open_store(Settings.load(work, environ))
    try:
        with store.session(writing=False) as session:
            rows = session.execute(
                select(DisclosedRecord.id, DisclosedRecord.link_status, DisclosedRecord.person_id)
            ).all()
            read = (
                session.execute(
                    select(AuditEvent.detail)
                    .where(AuditEvent.action == "person.bulk_read")
                    .order_by(AuditEvent.seq.desc())
                )
                .scalars()
                .first()
            )
    finally:
        store.close()
    matched = [(rid, pid) for rid, status, pid in rows if status == "matched"]
    correct = sum(1 for rid, pid in matched if truth[rid] == pid)
    return {
        "matched": len(matched),
        "review": sum(1 for r in rows if r[1] == "review"),
        "unmatched": sum(1 for r in rows if r[1] == "unmatched"),
        "precision": correct / max(len(matched), 1),
        "recall": correct / len(truth),
        "decrypted": (read or {}).get("count"),
    }


def run(size: int, count: int, database: str | None, root: Path) -> dict[str, object]:
    persons = root / "persons.csv"
    started = time.perf_counter()
    registry, records = _registry_file(size, count, persons)
    generated = time.perf_counter() - started
    work = root / "desk"
    env = _env(work, ROOT / "src", database)
    subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
    load_import = os.getloadavg()[0]
    imported = _measure(env, "registry", "import", str(persons))
    truth = _disclose(work, database, registry, records)
    load_link = os.getloadavg()[0]
    linked = _measure(env, "link", INCIDENT, "--json")
    return {
        "registry": size,
        "records": len(records),
        "generate_s": generated,
        "import": imported,
        "load_import": load_import,
        "link": linked,
        "load_link": load_link,
        **_scores(work, database, truth),
    }


def figures(result: dict, where: str) -> str:
    link, imported = result["link"], result["import"]
    wall_ok = "met" if link["wall"] <= TARGET_SECONDS else "missed"
    rss_ok = "met" if link["rss_mb"] <= TARGET_MB else "missed"
    return (
        f"Whole process `spilldesk link` ({where}) on a desk whose registry of "
        f"{result['registry']:,} persons was imported with `spilldesk registry import`; "
        f"{result['records']:,} disclosed records of people in custody (noisy copies, "
        "`make_disclosed`). Reading the blocking tokens, decrypting the candidates and a "
        "sample, scoring and storing the outcomes are all inside the measured process. "
        f"Targets: ≤ {TARGET_SECONDS:.0f} s and ≤ 2 GB peak RSS at 1,000,000 persons.\n\n"
        "| step | wall | CPU | peak RSS | load |\n|---|---|---|---|---|\n"
        f"| `spilldesk registry import` | {imported['wall']:.1f} s | {imported['cpu']:.1f} s | "
        f"{imported['rss_mb']:,.0f} MB | {result['load_import']:.1f} |\n"
        f"| `spilldesk link` | **{link['wall']:.1f} s** ({wall_ok}) | {link['cpu']:.1f} s | "
        f"**{link['rss_mb']:,.0f} MB** ({rss_ok}) | {result['load_link']:.1f} |\n\n"
        f"Persons decrypted by the link (its audited bulk read): {result['decrypted']:,} of "
        f"{result['registry']:,}. Outcomes: matched {result['matched']:,}, review "
        f"{result['review']:,}, unmatched {result['unmatched']:,}; precision "
        f"{result['precision']:.4f}, recall {result['recall']:.4f} (matched to the record's "
        "true person / all records)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=6252)
    parser.add_argument("--postgres", help="run on PostgreSQL (a fresh database beside URL's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = _fresh_postgres(args.postgres, "bench_link_desk") if args.postgres else None
        try:
            result = run(args.registry, args.records, database, Path(tmp))
        finally:
            if args.postgres:
                _drop_postgres(args.postgres, "bench_link_desk")
    print(json.dumps(result, indent=1), flush=True)
    where = "PostgreSQL" if args.postgres else "SQLite"
    area = "link-desk-postgres" if args.postgres else "link-desk"
    command = "python benchmarks/bench_link_desk.py " + " ".join(sys.argv[1:])
    write_figures(
        area,
        f"Linkage at scale, whole desk process, {where}",
        figures(result, where),
        command.strip(),
    )


if __name__ == "__main__":
    main()
