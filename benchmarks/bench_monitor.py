"""Leak monitoring: precision and recall of (page, person) hits, throughput, memory.

A generated corpus of web pages (a registry of persons, some exposed by the incident) where
the exposed persons' records reappear reformatted: HTML tables, pasted text with dashed
A-numbers and day-first dates, prose ("born 4 March 1988", names in either order, upper case,
accents dropped), CSV attachments, hidden blocks. Beside them: namesakes (an exposed person's
name with another date of birth), registry people the incident did not expose (with their
A-numbers and dates of birth), and ordinary pages. Scored on (page, person) pairs.

Throughput: a 10,000-page folder read through the gate and matched (documents/s, MB/s, CPU),
and a crawl of the first 1,000 pages over HTTP on 127.0.0.1; the monitor's resident memory
sampled through the 10,000-page run (flat when it does not grow with the corpus).

    python benchmarks/bench_monitor.py [--pages 10000] [--scored 1500]
"""

from __future__ import annotations

import argparse
import html
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from unidecode import unidecode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import write_figures  # noqa: E402

from spilldesk.config import Settings  # noqa: E402
from spilldesk.intake.incidents import IncidentSpec, open_incident  # noqa: E402
from spilldesk.intake.registry import import_file  # noqa: E402
from spilldesk.monitor.run import Settings as Crawl  # noqa: E402
from spilldesk.monitor.run import run_monitor  # noqa: E402
from spilldesk.scenario.timeline import EASTERN  # noqa: E402
from spilldesk.store.db import Store, initialise  # noqa: E402
from spilldesk.store.models import Exposure  # noqa: E402
from spilldesk.store.people import find_people  # noqa: E402

ACTOR = "bench:monitor"
INCIDENT = "BENCH"
FAMILY = ["GARCÍA", "RODRÍGUEZ", "PÉREZ", "GONZÁLEZ", "HERNÁNDEZ", "LÓPEZ", "MARTÍNEZ", "DÍAZ",
          "SÁNCHEZ", "RAMÍREZ", "CRUZ", "MORALES", "ORTIZ", "CASTILLO", "SILVA", "SANTOS",
          "OLIVEIRA", "SOUZA", "JEAN", "PIERRE", "LOUIS", "MENDOZA", "REYES", "FLORES", "VARGAS",
          "CASTRO", "ROMERO", "HERRERA", "MEDINA", "AGUILAR", "DE LA CRUZ", "NGUYEN", "KHAN"]
GIVEN = ["JOSÉ", "MARÍA", "YOANDY", "YUNIOR", "DAYANA", "ODALYS", "RAÚL", "ERNESTO", "ARIEL",
         "MAIKEL", "ANA", "JUAN", "CARLOS", "LUIS", "ROSA", "ELENA", "PAULO", "JOÃO", "FABIOLA",
         "WILNER", "MIGUEL", "ANDRÉS", "SOFÍA", "VALENTINA", "DIEGO", "KEVIN", "BRAYAN", "LIAM"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
FILLER = ("The detention statistics page was updated on Monday. Advocates asked the agency to "
          "explain how the spreadsheet came to be posted. Case Nos. 22-1187 and 22-1190 were "
          "argued on Nov 30, 2022. Call 555-0199 for directions; the office opens at 9. ")


@dataclass(frozen=True)
class Someone:
    a_number: str
    family: str
    given: str
    born: date


def _people(rng: random.Random, count: int) -> list[Someone]:
    made = []
    for n in range(count):
        family = rng.choice(FAMILY) + (f" {rng.choice(FAMILY)}" if rng.random() < 0.5 else "")
        given = rng.choice(GIVEN) + (f" {rng.choice(GIVEN)}" if rng.random() < 0.4 else "")
        born = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 17000))
        made.append(Someone(f"A{300000000 + n * 7:09d}", family, given, born))
    return made


def _desk(folder: Path, people: list[Someone], exposed: int) -> Store:
    os.environ.pop("SPILLDESK_DATABASE_URL", None)
    os.environ.pop("SPILLDESK_KEY_FILE", None)
    store = initialise(Settings.load(folder / "desk"))
    path = folder / "persons.csv"
    rows = ["a_number,family_name,given_name,date_of_birth,country_of_citizenship,posture"]
    rows += [f"{p.a_number},{p.family},{p.given},{p.born},CUB,removal_proceedings"
             for p in people]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = IncidentSpec(id=INCIDENT, title="bench",
                        exposed_from=_at(9, 45), exposed_until=_at(14, 4))
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=EASTERN)
        open_incident(session, spec, actor=ACTOR)
        found = find_people(session, [p.a_number for p in people[:exposed]])
        session.add_all(Exposure(incident_id=INCIDENT, person_id=found[p.a_number].id,
                                 source="linkage", created_by=ACTOR) for p in people[:exposed])
    return store


def _at(hour: int, minute: int) -> datetime:
    return datetime(2022, 11, 28, hour, minute, tzinfo=EASTERN)


# --- how people repost records ------------------------------------------------------------


def _spelled(p: Someone, rng: random.Random) -> tuple[str, str]:
    family, given = p.family, p.given
    if rng.random() < 0.3:
        family, given = unidecode(family), unidecode(given)
    if rng.random() < 0.5:
        family, given = family.title(), given.title()
    return family, given


def _dashed(a: str) -> str:
    return f"{a[1:4]}-{a[4:7]}-{a[7:]}"


def _table(records: list[tuple[Someone, bool]], rng: random.Random) -> str:
    head = "<tr><th>Last Name</th><th>First Name</th><th>A-Number</th><th>DOB</th></tr>"
    body = ""
    for p, with_id in records:
        family, given = _spelled(p, rng)
        body += (f"<tr><td>{html.escape(family)}</td><td>{html.escape(given)}</td>"
                 f"<td>{p.a_number if with_id else ''}</td><td>{p.born:%m/%d/%Y}</td></tr>")
    return f"<table>{head}{body}</table>"


def _pasted(records: list[tuple[Someone, bool]], rng: random.Random) -> str:
    lines = []
    for p, with_id in records:
        family, given = _spelled(p, rng)
        number = f" | A {_dashed(p.a_number)}" if with_id else ""
        lines.append(f"{family.upper()}, {given.upper()}{number} | {p.born:%d.%m.%Y}")
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>"


def _prose(records: list[tuple[Someone, bool]], rng: random.Random) -> str:
    out = []
    for p, with_id in records:
        family, given = _spelled(p, rng)
        number = f", A# {p.a_number[1:]}" if with_id else ""
        if rng.random() < 0.5:
            text = (f"{given.title()} {family.title()}, born {p.born.day} "
                    f"{MONTHS[p.born.month - 1]} {p.born.year}{number}, was moved.")
        else:
            text = (f"{family.upper()} {given.title()} (DOB {p.born:%Y-%m-%d}){number} "
                    "is still held.")
        out.append(f"<p>{html.escape(text)} {FILLER[:rng.randrange(40, 200)]}</p>")
    return "".join(out)


def _hidden(records: list[tuple[Someone, bool]], rng: random.Random) -> str:
    items = "".join(f"<li>{html.escape(p.given)} {html.escape(p.family)} "
                    f"{p.a_number if with_id else ''} {p.born:%Y-%m-%d}</li>"
                    for p, with_id in records)
    return f"<p>We will not republish it.</p><div style=\"display:none\"><ul>{items}</ul></div>"


STYLES = (_table, _pasted, _prose, _hidden)


def write_corpus(root: Path, pages: int, people: list[Someone], exposed: int,
                 rng: random.Random) -> set[tuple[str, str]]:
    """The pages, and the truth: (page name, A-number) of every exposed person reposted."""
    truth: set[tuple[str, str]] = set()
    root.mkdir(parents=True)
    leaked, others = people[:exposed], people[exposed:]
    for n in range(pages):
        name = f"page-{n:05d}.html"
        parts = [f"<p>{FILLER * rng.randrange(2, 12)}</p>"]
        if rng.random() < 0.35:
            style = rng.choice(STYLES)
            chosen = rng.sample(leaked, rng.randrange(1, 9))
            records = [(p, rng.random() < 0.6) for p in chosen]
            # Namesakes: an exposed person's name, another date of birth, no A-number.
            for p in rng.sample(leaked, rng.randrange(0, 3)):
                other = p.born + timedelta(days=rng.choice([-400, -31, 1, 3, 365, 900]))
                records.append((Someone("A000000000", p.family, p.given, other), False))
            # Registry people this incident did not expose, with their identifiers.
            records += [(p, True) for p in rng.sample(others, rng.randrange(0, 3))]
            rng.shuffle(records)
            parts.append(style(records, rng))
            truth |= {(name, p.a_number) for p, _ in records if p in set(chosen)}
        if rng.random() < 0.05:
            # A CSV attachment in the same folder, written as Spanish headers.
            csv_name = f"attach-{n:05d}.csv"
            chosen = rng.sample(leaked, rng.randrange(1, 6))
            body = "Apellido,Nombre,Fecha de Nacimiento\n" + "".join(
                f"{p.family},{p.given},{p.born:%Y-%m-%d}\n" for p in chosen)
            (root / csv_name).write_text(body, encoding="utf-8")
            truth |= {(csv_name, p.a_number) for p in chosen}
        (root / name).write_text(
            f"<!DOCTYPE html><html><head><title>Page {n}</title></head><body>"
            f"{''.join(parts)}</body></html>", encoding="utf-8")
    return truth


# --- measuring --------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scored(store: Store, folder: Path, truth: set[tuple[str, str]]) -> dict[str, float]:
    report = run_monitor(store, INCIDENT, [str(folder)], actor=ACTOR,
                         settings=Crawl(depth=0), show_a_numbers=True)
    found = {(Path(str(h["source"])).name, str(p["a_number"])) for h in report.hits
             for p in h["persons"]}
    right = len(found & truth)
    return {"pairs": len(truth), "found": len(found), "right": right,
            "precision": right / len(found) if found else 0.0,
            "recall": right / len(truth) if truth else 0.0,
            "problems": len(report.problems)}


def throughput(store: Store, sources: list[str], pages: int) -> dict[str, float]:
    samples: list[tuple[int, float]] = []

    def sample(done: int, known: int, address: str) -> None:
        if done in {pages // 4, pages // 2, pages} or done % 1000 == 0:
            samples.append((done, _rss_mb()))

    cpu, started = _cpu(), time.perf_counter()
    report = run_monitor(store, INCIDENT, sources, actor=ACTOR, settings=Crawl(depth=1, rate=0),
                         progress=sample)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": _cpu() - cpu, "documents": report.documents_checked,
            "hits": len(report.hits), "samples": samples}  # type: ignore[dict-item]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--scored", type=int, default=1_500)
    parser.add_argument("--web-pages", type=int, default=1_000)
    parser.add_argument("--persons", type=int, default=6_000)
    args = parser.parse_args()
    rng = random.Random(2022)
    base = Path(tempfile.mkdtemp(prefix="spilldesk-monitor-bench-"))
    try:
        people = _people(rng, args.persons)
        exposed = args.persons * 2 // 3
        store = _desk(base, people, exposed)
        truth = write_corpus(base / "scored", args.scored, people, exposed, rng)
        quality = scored(store, base / "scored", truth)
        namesake_check = _namesake_check(store, base, people, exposed, rng)
        corpus = base / "corpus"
        write_corpus(corpus, args.pages, people, exposed, random.Random(7))
        size = sum(p.stat().st_size for p in corpus.iterdir())
        files = sum(1 for _ in corpus.iterdir())
        load = os.getloadavg()[0]
        folder_run = throughput(store, [str(corpus)], files)
        web = base / "web"
        web.mkdir()
        names = sorted(p.name for p in corpus.iterdir())[: args.web_pages]
        for name in names:
            shutil.copy(corpus / name, web / name)
        web_size = sum((web / n).stat().st_size for n in names)
        (web / "index.html").write_text("".join(f'<a href="/{n}">{n}</a>\n' for n in names))
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(web)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            web_run = throughput(store, [f"http://127.0.0.1:{server.server_address[1]}/"],
                                 len(names) + 1)
        finally:
            server.shutdown()
            server.server_close()
        store.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    _report(args, quality, namesake_check, folder_run, files, size, web_run, len(names),
            web_size, load)


def _namesake_check(store: Store, base: Path, people: list[Someone], exposed: int,
                    rng: random.Random) -> dict[str, int]:
    """A page of namesakes only (exposed persons' names, other dates of birth, every way of
    writing them): any hit is a false one."""
    folder = base / "namesakes"
    folder.mkdir()
    records = []
    for p in rng.sample(people[:exposed], 300):
        other = p.born + timedelta(days=rng.choice([-3650, -365, -30, -1, 2, 40, 730]))
        records.append((Someone("A000000000", p.family, p.given, other), False))
    for n, style in enumerate(STYLES):
        chunk = records[n * 75:(n + 1) * 75]
        (folder / f"namesakes-{n}.html").write_text(f"<html><body>{style(chunk, rng)}</body>"
                                                    "</html>", encoding="utf-8")
    report = run_monitor(store, INCIDENT, [str(folder)], actor=ACTOR, settings=Crawl(depth=0))
    return {"namesakes": len(records), "hits": sum(h["person_count"] for h in report.hits)}


def _report(args: argparse.Namespace, quality: dict[str, float], namesakes: dict[str, int],
            folder_run: dict[str, float], files: int, size: int, web_run: dict[str, float],
            web_pages: int, web_size: int, load: float) -> None:
    samples = folder_run["samples"]
    memory = ", ".join(f"{mb:.0f} MB at {n:,}" for n, mb in samples)  # type: ignore[union-attr]
    rows = [
        f"| precision of (page, person) hits | {quality['precision']:.4f} | "
        f"{quality['right']:,} right of {quality['found']:,} found; {args.scored:,} pages "
        "scored (aim ≥ 0.98) |",
        f"| recall of (page, person) hits | {quality['recall']:.4f} | {quality['right']:,} of "
        f"{quality['pairs']:,} reposted (page, exposed person) pairs (aim ≥ 0.98) |",
        f"| namesake hits | {namesakes['hits']} | {namesakes['namesakes']} exposed persons' "
        "names with other dates of birth, in tables, pasted text, prose and hidden blocks "
        "(aim 0) |",
        f"| folder: {files:,} documents, {size / 1e6:.1f} MB | "
        f"{folder_run['documents'] / folder_run['seconds']:.0f} documents/s, "
        f"{size / 1e6 / folder_run['seconds']:.2f} MB/s | {folder_run['seconds']:.1f} s wall, "
        f"{folder_run['cpu']:.1f} s CPU (gate worker, matching, recording); "
        f"{folder_run['hits']:,} hits |",
        f"| HTTP crawl on 127.0.0.1: {web_pages + 1:,} pages, {web_size / 1e6:.1f} MB | "
        f"{web_run['documents'] / web_run['seconds']:.0f} documents/s, "
        f"{web_size / 1e6 / web_run['seconds']:.2f} MB/s | {web_run['seconds']:.1f} s wall, "
        f"{web_run['cpu']:.1f} s CPU (fetch, robots.txt, conditional request, gate, match) |",
        f"| monitor's resident memory through the {files:,}-document run | {memory} | "
        "flat: the fingerprints and the queue, never the documents |",
    ]
    print("\n".join(rows))
    write_figures("monitor", "Leak monitoring",
                  "| measure | figure | notes |\n|---|---|---|\n" + "\n".join(rows)
                  + f"\n\nLoad average when the folder run began: {load:.1f} on "
                  f"{os.cpu_count()} cores (a shared machine: wall times include waiting for "
                  "the CPU).", "python benchmarks/bench_monitor.py"
                  + ("" if args.pages == 10_000 else f" --pages {args.pages}"))


if __name__ == "__main__":
    main()
