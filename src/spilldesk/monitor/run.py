"""A monitoring run: read every document the sources lead to and record the hits.

Sources are http(s) URLs (crawled on the same host to `depth` links), RSS/Atom feeds (a URL
or a file; their entries are fetched), folders and single files. Each document is read by
the gate's readers in a worker process and compared by fingerprint only; its outcome (and
any hit) is committed on its own, so a run that stops is resumed by the next `monitor run`
with the same sources, which skips what the stopped run already checked. Anything a source
does wrong is one line of the run's report, and the run goes on.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.monitor.candidates import Reading, read_candidates, read_candidates_each
from spilldesk.monitor.fingerprints import (
    Fingerprints,
    MonitorError,
    MonitorNotFound,
    load_fingerprints,
    refresh_fingerprints,
)
from spilldesk.monitor.hits import (
    Matched,
    hit_views,
    hits_of,
    match_groups,
    record_hit,
    seen_again,
)
from spilldesk.monitor.web import (
    FEED_SUFFIXES,
    Fetched,
    Fetcher,
    Problem,
    feed_links,
    page_links,
)
from spilldesk.scan import Limits, ScanError, walk
from spilldesk.store.audit import record_event
from spilldesk.store.db import Store
from spilldesk.store.models import Incident
from spilldesk.store.monitor_models import MonitorDocument, MonitorRun

__all__ = ["MonitorError", "RunReport", "Settings", "run_monitor"]

BATCH = 32  # a folder's files read by one worker, recorded in one transaction
Progress = Callable[[int, int, str], None]
"""Called after each document: (documents done, documents known so far, address)."""


@dataclass(frozen=True)
class Settings:
    depth: int = 1
    rate: float = 2.0  # requests per second to one host
    max_bytes: int = 50 << 20
    seconds: float = 60.0
    robots: bool = True


@dataclass
class RunReport:
    incident: str
    run_id: int
    resumed: bool
    documents_checked: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)
    persons: int = 0  # fingerprinted persons of the incident

    def to_json(self) -> dict[str, Any]:
        return {"incident": self.incident, "run": self.run_id, "resumed": self.resumed,
                "documents_checked": self.documents_checked, "unchanged": self.unchanged,
                "fingerprinted_persons": self.persons, "problems": self.problems,
                "hits": self.hits}


@dataclass(frozen=True)
class _Item:
    address: str
    depth: int
    web: bool


def run_monitor(desk: Store, incident: str, sources: list[str], *, actor: str,
                settings: Settings = Settings(), limits: Limits | None = None,
                progress: Progress | None = None, show_a_numbers: bool = False) -> RunReport:
    chosen = limits or Limits.from_environment()
    with desk.session() as session:
        if session.get(Incident, incident) is None:
            raise MonitorNotFound(f"incident {incident}: not found")
        refresh_fingerprints(session, incident, actor=actor)
        prints = load_fingerprints(session, incident)
        if not prints.persons:
            raise MonitorError(f"incident {incident}: nobody is exposed by it yet "
                               "(link its disclosed records first); nothing to look for")
        run, resumed = _run_for(session, incident, sources, settings.depth, actor)
        done = {d.address: list(d.links) for d in session.execute(
            select(MonitorDocument).where(MonitorDocument.run_id == run.id)).scalars()}
        report = RunReport(incident, run.id, resumed, persons=prints.persons,
                           documents_checked=run.documents_checked, unchanged=run.unchanged,
                           problems=list(run.problems))
    crawl = _Crawl(desk, report, prints, settings, chosen, actor, done, progress)
    try:
        crawl.go(sources)
    finally:
        crawl.fetcher.close()
    with desk.session() as session:
        row = _run_row(session, report.run_id)
        row.status, row.finished_at = "finished", clock.now()
        row.documents_checked, row.unchanged = report.documents_checked, report.unchanged
        row.problems = report.problems
        found = hits_of(session, incident, run_id=report.run_id)
        row.hits = len(found)
        report.hits = hit_views(session, found, actor=actor, purpose="monitor run",
                                show_a_numbers=show_a_numbers)
        record_event(session, actor=actor, action="monitor.run", object_type="monitor_run",
                     object_id=report.run_id,
                     detail={"incident": incident, "documents": report.documents_checked,
                             "hits": len(found), "problems": len(report.problems)})
    return report


def _run_for(session: Session, incident: str, sources: list[str], depth: int,
             actor: str) -> tuple[MonitorRun, bool]:
    """The stopped run with these sources (to resume), or a new one."""
    query = select(MonitorRun).where(MonitorRun.incident_id == incident,
                                     MonitorRun.status == "running").order_by(MonitorRun.id)
    for run in session.execute(query).scalars():
        if run.sources == sources and run.depth == depth:
            return run, True
    run = MonitorRun(incident_id=incident, sources=sources, depth=depth, status="running",
                     documents_checked=0, unchanged=0, hits=0, problems=[], created_by=actor,
                     created_at=clock.now())
    session.add(run)
    session.flush()
    return run, False


class _Crawl:
    def __init__(self, desk: Store, report: RunReport, prints: Fingerprints, settings: Settings,
                 limits: Limits, actor: str, done: dict[str, list[str]],
                 progress: Progress | None) -> None:
        self.desk, self.report, self.prints, self.settings = desk, report, prints, settings
        self.limits, self.actor, self.done, self.progress = limits, actor, done, progress
        self.fetcher = Fetcher(rate=settings.rate, max_bytes=settings.max_bytes,
                               seconds=settings.seconds, robots=settings.robots)
        self.queue: deque[_Item] = deque()
        self.seen: set[str] = set()
        self.count = 0

    def go(self, sources: list[str]) -> None:
        for source in sources:
            self._start(source)
        while self.queue:
            item = self.queue.popleft()
            if item.address in self.done:  # checked before the run stopped: follow its links
                self._follow(item, self.done[item.address])
                continue
            if item.web:
                self._web(item)
                self._advanced(1, item.address)
            else:
                batch = [item]
                while (self.queue and not self.queue[0].web and len(batch) < BATCH
                       and self.queue[0].address not in self.done):
                    batch.append(self.queue.popleft())
                self._files(batch)
                self._advanced(len(batch), batch[-1].address)

    def _advanced(self, documents: int, address: str) -> None:
        self.count += documents
        if self.progress:
            self.progress(self.count, self.count + len(self.queue), address)

    def _add(self, address: str, depth: int, web: bool) -> None:
        if address not in self.seen:
            self.seen.add(address)
            self.queue.append(_Item(address, depth, web))

    def _start(self, source: str) -> None:
        if source.lower().startswith(("http://", "https://")):
            self._add(source, 0, True)
            return
        path = Path(source)
        if path.is_dir():
            for file in walk([path]):
                self._add(str(file), 0, False)
        elif path.is_file() and path.suffix.lower() in FEED_SUFFIXES:
            try:
                data = path.read_bytes()
            except OSError as error:
                self._problem(source, f"cannot read the feed: {error.strerror}")
                return
            for url in feed_links(data, path.resolve().as_uri()):
                self._add(url, 0, True)
        elif path.is_file():
            self._add(str(path), 0, False)
        else:
            self._problem(source, "not a URL, a folder or a file; skipped")

    def _follow(self, item: _Item, links: list[str]) -> None:
        if item.depth < self.settings.depth:
            for url in links:
                self._add(url, item.depth + 1, True)

    def _problem(self, address: str, message: str) -> None:
        self.report.problems.append(f"{address}: {message}")

    def _web(self, item: _Item) -> None:
        with self.desk.session() as session:
            known = _document(session, self.report.incident, item.address)
            etag = known.etag if known else None
            modified = known.last_modified if known else None
        try:
            fetched = self.fetcher.fetch(item.address, etag=etag, last_modified=modified)
        except Problem as problem:
            self._problem(item.address, str(problem))
            self._save(item.address, "problem", None, [])
            return
        if fetched.status == 304 and known is not None:
            self.report.unchanged += 1
            with self.desk.session() as session:
                seen_again(session, self.report.incident, item.address, self.report.run_id)
            self._save(item.address, "unchanged", fetched, list(known.links))
            self._follow(item, list(known.links))
            return
        if fetched.is_feed:
            links = feed_links(fetched.body, fetched.url)
            self._save(item.address, "read", fetched, links)
            for url in links:  # a feed's entries are what it points to, wherever they are
                self._add(url, item.depth + 1 if item.depth else 0, True)
            return
        links = page_links(fetched.body, fetched.url) if fetched.name().endswith(".html") else []
        with tempfile.TemporaryDirectory(prefix="spilldesk-monitor-") as folder:
            path = Path(folder) / fetched.name()
            path.write_bytes(fetched.body)
            self._read(item.address, path, item.address, fetched, links)
        self._follow(item, links)

    def _files(self, batch: list[_Item]) -> None:
        """A folder's files, read in turn by one worker and recorded in one transaction."""
        files = [(Path(item.address), item.address) for item in batch]
        readings = read_candidates_each(files, self.prints_key, self.limits)
        with self.desk.session() as session:
            for item, reading in zip(batch, readings, strict=True):
                self._outcome(session, item.address, reading, None, [])

    def _read(self, address: str, path: Path, name: str, fetched: Fetched | None,
              links: list[str]) -> None:
        try:
            reading: Reading | ScanError = read_candidates(path, name, self.prints_key,
                                                           self.limits)
        except ScanError as error:
            reading = error
        with self.desk.session() as session:
            self._outcome(session, address, reading, fetched, links)

    def _outcome(self, session: Session, address: str, reading: Reading | ScanError,
                 fetched: Fetched | None, links: list[str]) -> None:
        if isinstance(reading, ScanError):
            self._problem(address, f"not read: {reading}")
            self._record(session, address, "problem", fetched, links)
            return
        self.report.documents_checked += 1
        matched = match_groups(self.prints, reading.groups)
        for member in reading.uninspectable:
            self._problem(member, "embedded file in a format the gate does not read")
        self._record(session, address, "hit" if matched.persons else "read", fetched, links,
                     reading, matched)

    @property
    def prints_key(self) -> bytes:
        return self.desk.keyring.fingerprint_key()

    def _save(self, address: str, outcome: str, fetched: Fetched | None,
              links: list[str]) -> None:
        with self.desk.session() as session:
            self._record(session, address, outcome, fetched, links)

    def _record(self, session: Session, address: str, outcome: str, fetched: Fetched | None,
                links: list[str], reading: Reading | None = None,
                matched: Matched | None = None) -> None:
        """The document's outcome (and its hit) and the run's counts, in the caller's
        transaction: what is committed is never checked again by a resumed run."""
        document = _document(session, self.report.incident, address)
        if document is None:
            document = MonitorDocument(incident_id=self.report.incident, address=address,
                                       run_id=self.report.run_id, size=0, outcome=outcome)
            session.add(document)
        document.run_id, document.outcome, document.links = self.report.run_id, outcome, links
        document.checked_at = clock.now()
        if fetched is not None and outcome != "problem":
            document.etag, document.last_modified = fetched.etag, fetched.last_modified
        if reading is not None:
            document.sha256, document.size = reading.sha256, reading.size
        if matched is not None and matched.persons and reading is not None:
            record_hit(session, self.report.incident, address, reading.sha256,
                       reading.size, matched, run_id=self.report.run_id, actor=self.actor)
        run = _run_row(session, self.report.run_id)
        run.documents_checked, run.unchanged = (self.report.documents_checked,
                                                self.report.unchanged)
        run.problems = list(self.report.problems)


def _document(session: Session, incident: str, address: str) -> MonitorDocument | None:
    query = select(MonitorDocument).where(MonitorDocument.incident_id == incident,
                                          MonitorDocument.address == address)
    return session.execute(query).scalar_one_or_none()


def _run_row(session: Session, run_id: int) -> MonitorRun:
    run = session.get(MonitorRun, run_id)
    if run is None:  # removed while the run went on: nothing of this run may be recorded
        raise MonitorError(f"monitoring run {run_id} is no longer in the desk")
    return run


def latest_runs(session: Session, incident: str, limit: int = 5) -> list[dict[str, Any]]:
    """The incident's last runs, newest first: what they read and what went wrong."""
    query = (select(MonitorRun).where(MonitorRun.incident_id == incident)
             .order_by(MonitorRun.id.desc()).limit(limit))
    return [{"run": r.id, "status": r.status, "sources": r.sources, "depth": r.depth,
             "documents_checked": r.documents_checked, "unchanged": r.unchanged,
             "hits": r.hits, "problems": r.problems, "started_at": r.created_at,
             "finished_at": r.finished_at, "by": r.created_by}
            for r in session.execute(query).scalars()]
