"""Stage: leak monitoring of the Nov 28 workbook, on Nov 29 and again on Dec 6, 2022.

The scenario's mirror pages (blogs, a forum thread, a transcript, a cached draft: some of them
reposting workbook rows as a table, pasted text, prose or a hidden block) are served on a
local HTTP port, and the desk crawls them from the site's front page, comparing fingerprints
only. A week later it crawls again: every page answers 304 and the hits are the same hits.
The summary scores the hits against the scenario's truth (read here, to score, never by the
desk); no person's data is printed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import select

from spilldesk import clock
from spilldesk.demo.runner import DemoContext, DemoError
from spilldesk.demo.steps.linking import truth
from spilldesk.demo.timeline import MONITORING, MONITORING_AGAIN
from spilldesk.monitor.run import RunReport, Settings, run_monitor
from spilldesk.scenario.generate import MIRROR_FOLDER
from spilldesk.store.models import Exposure
from spilldesk.store.people import read_people

TITLE = "Leak monitoring: the mirror sites crawled for the Nov 28 records"

INCIDENT = "ICE-2022-11-28"
CRAWL = Settings(depth=1, rate=0)  # our own server on loopback: no need to be slow


def run(ctx: DemoContext) -> dict[str, Any]:
    folder = ctx.scenario_dir / MIRROR_FOLDER
    if not folder.is_dir():
        raise DemoError(f"the scenario lacks {MIRROR_FOLDER}")
    with _serving(folder) as base:
        with clock.replaying(MONITORING):
            first = run_monitor(ctx.desk, INCIDENT, [base + "/"], actor=ctx.actor,
                                settings=CRAWL, show_a_numbers=True)
        with clock.replaying(MONITORING_AGAIN):
            again = run_monitor(ctx.desk, INCIDENT, [base + "/"], actor=ctx.actor,
                                settings=CRAWL)
            score = _against_truth(ctx, first, base)  # its audited read, on the same clock
    result = {
        "documents_checked": first.documents_checked, "problems": len(first.problems),
        "hits": len(first.hits),
        "persons_found": len({p["a_number"] for h in first.hits for p in h["persons"]}),
        "matched_on": _matched_on(first),
        "takedown_tasks": len(first.hits),
        "second_run": {"documents_checked": again.documents_checked,
                       "unchanged": again.unchanged, "hits": len(again.hits)},
        "truth": score,
    }
    ctx.say(f"monitoring: {result['documents_checked']} pages read, {result['hits']} hits "
            f"({score['pages_found']} of {score['pages_with_leaks']} leaking pages, "
            f"{score['persons_found']} of {score['persons_expected']} exposed persons, "
            f"{score['extra_persons']} extra); a week later {again.unchanged} pages unchanged")
    return result


def _matched_on(report: RunReport) -> dict[str, int]:
    counts: dict[str, int] = {}
    for hit in report.hits:
        for kind, n in hit["matched_on"].items():
            counts[kind] = counts.get(kind, 0) + n
    return dict(sorted(counts.items()))


def _against_truth(ctx: DemoContext, report: RunReport, base: str) -> dict[str, Any]:
    """(page, person) pairs found against the truth's, counting only persons the incident
    exposed (a reposted row whose person is still in review is not yet the monitor's)."""
    with ctx.desk.session() as session:
        exposed_people = [e.person for e in session.execute(
            select(Exposure).where(Exposure.incident_id == INCIDENT)).scalars()]
        opened = read_people(session, exposed_people, actor=ctx.actor,
                             purpose="demo: score monitoring against the truth")
    exposed = {pii.a_number for pii in opened.values()}
    pages = truth(ctx.scenario_dir).get("mirror", {}).get("pages", [])
    expected = {(Path(p["file"]).name, a) for p in pages for a in p["a_numbers"] if a in exposed}
    found = {(str(h["source"]).removeprefix(base + "/"), p["a_number"])
             for h in report.hits for p in h["persons"]}
    leaking = {Path(p["file"]).name for p in pages if p["a_numbers"]}
    return {
        "pages_with_leaks": len(leaking), "pages_found": len({page for page, _ in found}),
        "persons_expected": len(expected), "persons_found": len(found & expected),
        "missed_persons": len(expected - found), "extra_persons": len(found - expected),
        "precision": round(len(found & expected) / len(found), 4) if found else None,
        "recall": round(len(found & expected) / len(expected), 4) if expected else None,
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """The mirror folder on a web server on 127.0.0.1 (an ephemeral port) for the stage:
    its front page is the folder's listing, linking every page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
