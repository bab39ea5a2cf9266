"""Leak monitoring end to end over a real HTTP server on 127.0.0.1 (no mock): the crawl, the
matching, the hits, their tasks, conditional re-runs, resumed runs, and bad sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.monitor.hits import hit_views, hits_of
from spilldesk.monitor.run import MonitorError, Settings, run_monitor
from spilldesk.store.db import Store
from spilldesk.store.models import AuditEvent, Task
from spilldesk.store.monitor_models import MonitorFingerprint, MonitorRun
from tests.live_server import free_port
from tests.monitor.site import (
    ACTOR,
    EXPECTED,
    EXPOSED,
    INCIDENT,
    make_desk,
    requested,
    serving,
    write_site,
)

pytestmark = pytest.mark.db
FAST = Settings(depth=2, rate=0)


@pytest.fixture
def site(store: Store, tmp_path: Path) -> Path:
    make_desk(store, tmp_path)
    root = tmp_path / "site"
    write_site(root, broken_port=free_port())
    return root


def _found(store: Store, report_hits: list[dict[str, object]], base: str) -> dict[str, set[str]]:
    return {str(h["source"]).removeprefix(base + "/"): {str(p["a_number"]) for p in h["persons"]}
            for h in report_hits}  # type: ignore[attr-defined]


def test_the_crawl_finds_every_repost_and_nothing_else(store: Store, site: Path) -> None:
    with serving(site) as base:
        report = run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST,
                             show_a_numbers=True)
    # Tables, pasted text, prose, a hidden block, CSV and XLSX attachments; never the
    # namesakes, the people this incident did not expose, names alone, or what robots.txt
    # forbids.
    assert _found(store, report.hits, base) == EXPECTED
    problems = "\n".join(report.problems)
    assert "/private/list.html: robots.txt disallows it" in problems
    assert "/error: HTTP 500" in problems
    assert "/away: redirects off the host" in problems
    by_source = {str(h["source"]).removeprefix(base + "/"): h for h in report.hits}
    assert by_source["prose.html"]["persons"][0]["matched_on"] == ["name_dob"]
    assert by_source["hidden.html"]["location"]["hidden"] is True
    assert by_source["files/leak.xlsx"]["location"]["sheet"] == "Sheet"
    with store.session() as session:
        tasks = list(session.execute(select(Task).where(Task.action == "request_takedown"))
                     .scalars())
        assert sorted(t.subject for t in tasks) == sorted(
            f"leak hit {h['reference']}" for h in report.hits)
        assert {t.component for t in tasks} == {"PRIVACY"}
        actions = {e.action for e in session.execute(select(AuditEvent)).scalars()}
    assert {"monitor.hit", "monitor_hit.bulk_read", "person.bulk_read"} <= actions


def test_a_second_run_asks_conditionally_and_keeps_the_same_hits(store: Store,
                                                                 site: Path) -> None:
    with serving(site) as base:
        first = run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST)
        second = run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST)
    assert first.documents_checked == 10 and first.unchanged == 0
    # Every page answered 304 Not Modified: nothing read again, every hit seen again.
    assert second.documents_checked == 0 and second.unchanged == 10
    assert [h["reference"] for h in second.hits] == [h["reference"] for h in first.hits]
    assert all(h["last_seen"] > h["first_seen"] for h in second.hits)
    with store.session() as session:
        assert len(hits_of(session, INCIDENT)) == len(EXPECTED)
        count = session.execute(select(Task).where(Task.action == "request_takedown")).all()
        assert len(count) == len(EXPECTED)


def test_a_changed_page_is_read_again(store: Store, site: Path) -> None:
    with serving(site) as base:
        run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST)
        page = site / "table.html"
        page.write_text(page.read_text().replace("</table>", "</table><p>updated</p>"))
        import os
        os.utime(page, (page.stat().st_atime, page.stat().st_mtime + 10))
        again = run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST)
    assert again.documents_checked == 1
    with store.session() as session:
        sources = [h.source.removeprefix(base + "/") for h in hits_of(session, INCIDENT)]
    assert sources.count("table.html") == 2  # new content: a hit of its own (its own hash)


def test_a_stopped_run_is_resumed_where_it_stopped(store: Store, site: Path) -> None:
    def stop_after_four(done: int, known: int, address: str) -> None:
        if done == 4:
            raise KeyboardInterrupt

    with serving(site) as base:
        with pytest.raises(KeyboardInterrupt):
            run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST,
                        progress=stop_after_four)
        before = len(requested())
        resumed = run_monitor(store, INCIDENT, [base + "/"], actor=ACTOR, settings=FAST,
                              show_a_numbers=True)
        asked_again = requested()[before:]
    assert resumed.resumed and resumed.documents_checked == 10
    assert "/" not in asked_again and "/table.html" not in asked_again
    assert _found(store, resumed.hits, base) == EXPECTED
    with store.session() as session:
        runs = list(session.execute(select(MonitorRun)).scalars())
    assert [r.status for r in runs] == ["finished"]


def test_bad_sources_are_lines_of_the_report(store: Store, site: Path, tmp_path: Path) -> None:
    (site / "latin1.html").write_bytes(
        "<p>Jos\xe9 P\xe9rez <b>born 23 November 1979 <i>unclosed".encode("latin-1"))
    (site / "garbage.pdf").write_bytes(b"%PDF-1.7 not really a pdf")
    dead = f"http://127.0.0.1:{free_port()}/gone.html"
    small = Settings(depth=0, rate=0, max_bytes=1 << 20)
    with serving(site) as base:
        report = run_monitor(store, INCIDENT,
                             [dead, base + "/endless", base + "/latin1.html",
                              base + "/garbage.pdf", base + "/missing.html",
                              str(tmp_path / "nowhere")],
                             actor=ACTOR, settings=small, show_a_numbers=True)
    problems = "\n".join(report.problems)
    assert f"{dead}: cannot fetch: host unreachable" in problems
    assert "/endless: over the 1,048,576-byte limit; not read" in problems
    assert "/garbage.pdf: not read:" in problems
    assert "/missing.html: HTTP 404" in problems
    assert "nowhere: not a URL, a folder or a file" in problems
    # Malformed, non-UTF-8 HTML is read: José Pérez's name and date of birth are a hit.
    assert _found(store, report.hits, base) == {"latin1.html": {EXPOSED[1].a_number}}


def test_robots_can_be_overridden_and_feeds_are_followed(store: Store, site: Path,
                                                         tmp_path: Path) -> None:
    with serving(site) as base:
        feed = tmp_path / "watch.rss"
        feed.write_text(
            "<?xml version=\"1.0\"?><rss><channel><title>w</title>"
            f"<item><link>{base}/private/list.html</link></item>"
            f"<item><link>{base}/pasted.html</link></item></channel></rss>")
        report = run_monitor(store, INCIDENT, [str(feed)], actor=ACTOR,
                             settings=Settings(depth=0, rate=0, robots=False),
                             show_a_numbers=True)
    assert _found(store, report.hits, base) == {
        "private/list.html": {EXPOSED[2].a_number}, "pasted.html": EXPECTED["pasted.html"]}


def test_the_monitor_keeps_fingerprints_never_the_data(store: Store, site: Path) -> None:
    with serving(site) as base:
        run_monitor(store, INCIDENT, [base + "/table.html"], actor=ACTOR, settings=FAST)
    with store.session() as session:
        rows = list(session.execute(select(MonitorFingerprint)).scalars())
        blind = store.keyring.blind_index("a_number", EXPOSED[0].a_number)
    stored = " ".join(f"{r.kind} {r.role} {r.digest}" for r in rows)
    assert rows and {r.kind for r in rows} == {"a_number", "name_dob"}
    for person in EXPOSED:
        assert person.a_number[1:] not in stored and person.family.split()[0] not in stored
    assert blind not in stored  # not joinable with the registry's blind indexes


def test_an_incident_nobody_is_exposed_by_cannot_be_monitored(store: Store,
                                                              site: Path) -> None:
    with pytest.raises(MonitorError, match="nothing to look for|not found"):
        run_monitor(store, "NO-SUCH", [str(site)], actor=ACTOR, settings=FAST)


def test_the_commands_mask_a_numbers_unless_asked(store: Store, site: Path) -> None:
    runner = CliRunner()
    with serving(site) as base:
        result = runner.invoke(app, ["monitor", "run", INCIDENT, base + "/", "--depth", "2",
                                     "--rate", "0", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) >= {"incident", "documents_checked", "hits"}
    assert len(document["hits"]) == len(EXPECTED)
    hit = document["hits"][0]
    assert set(hit) >= {"source", "location", "persons", "evidence_sha256", "first_seen"}
    everyone = {p.a_number for p in EXPOSED}
    assert not any(p.a_number in result.stdout or p.a_number[1:] in result.stdout
                   for p in EXPOSED)
    listed = runner.invoke(app, ["monitor", "hits", INCIDENT, "--json", "--show-a-numbers"])
    shown = {p["a_number"] for h in json.loads(listed.stdout)["hits"] for p in h["persons"]}
    assert shown <= everyone and len(shown) == 8
    table = runner.invoke(app, ["monitor", "hits", INCIDENT])
    assert table.exit_code == 0 and "A*****" in table.output
    unknown = runner.invoke(app, ["monitor", "hits", "NOPE"])
    assert unknown.exit_code == 2 and "incident NOPE: not found" in unknown.output
    with store.session() as session:
        views = hit_views(session, hits_of(session, INCIDENT), actor=ACTOR, purpose="test")
    assert all(p["a_number"].startswith("A*****") for v in views for p in v["persons"])


def test_after_a_key_rotation_the_reposts_are_still_found(store: Store, site: Path) -> None:
    # The fingerprints are made with a key derived from the index key: a rotation must not
    # leave them under the old one, or every later document would silently match no one.
    from spilldesk.store.rotation import rotate_keys

    first = run_monitor(store, INCIDENT, [str(site)], actor=ACTOR, settings=FAST)
    rotate_keys(store, actor=ACTOR)
    again = run_monitor(store, INCIDENT, [str(site)], actor=ACTOR, settings=FAST)
    found = {str(h["source"]) for h in first.hits}
    assert found and {str(h["source"]) for h in again.hits} == found
