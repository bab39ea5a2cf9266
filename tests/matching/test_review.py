"""The review queue: list, show (masked / revealed, audited), accept, reject; kept on relink."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.matching.linkage import link_incident
from spilldesk.matching.review import (
    ReviewError,
    accept_review_item,
    list_review_items,
    reject_review_item,
    show_review_item,
)
from spilldesk.scenario.noisy_registry import make_registry
from spilldesk.store.models import AuditEvent, DisclosedRecord, Exposure, ReviewItem
from tests.matching.test_linkage import ACTOR, disclose, open_test_incident, row_of, seed_registry

pytestmark = pytest.mark.db
INCIDENT = "DHS-2022-12-07"


@pytest.fixture
def queue(store, tmp_path):
    """Two registry twins (same names and birth date) and a list naming one of them."""
    registry = make_registry(200, seed=9)
    twin = registry.iloc[[0]].assign(a_number="A055555555")
    registry = pd.concat([registry, twin], ignore_index=True)
    ids = seed_registry(store, tmp_path, registry)
    open_test_incident(store, INCIDENT, None)
    rows = [
        row_of(registry.iloc[0], with_a_number=False),
        row_of(registry.iloc[5], with_a_number=False),
    ]
    disclose(store, INCIDENT, rows, ["date_of_birth", "full_name"])
    with store.session() as session:
        link_incident(session, INCIDENT, actor=ACTOR, reveals_status_of=None)
    return {
        "twins": {ids[registry.iloc[0].a_number], ids["A055555555"]},
        "person": registry.iloc[0],
    }


def open_items(store):
    with store.session() as session:
        return list_review_items(session, incident_id=INCIDENT)


def test_ambiguous_record_lists_every_candidate_masked(store, queue) -> None:
    items = open_items(store)
    assert {i.person_id for i in items} == queue["twins"]
    assert len({i.record_id for i in items}) == 1
    assert all(i.reason == "ambiguous" and i.a_number.startswith("A*****") for i in items)


def test_show_masks_unless_revealed_and_audits_the_read(store, queue) -> None:
    item = open_items(store)[0]
    person = queue["person"]
    with store.session() as session:
        masked = show_review_item(session, item.id, actor=ACTOR)
    assert person.family_name not in json.dumps(masked, default=str)
    assert masked["record"]["date_of_birth"].endswith("-**-**")
    with store.session() as session:
        revealed = show_review_item(session, item.id, actor=ACTOR, reveal=True)
        reads = session.execute(select(AuditEvent.action)).scalars().all()
    assert revealed["record"]["family_name"] == person.family_name
    assert revealed["person"]["date_of_birth"] == person.date_of_birth
    assert reads.count("person.read") == 2


def test_accept_links_exposes_and_closes_the_other_candidates(store, queue) -> None:
    first, second = open_items(store)
    with store.session() as session:
        decision = accept_review_item(session, first.id, actor="analyst:kim", note="photo")
    assert (decision.record_status, decision.exposure_created) == ("matched", True)
    with store.session() as session:
        assert session.get(ReviewItem, second.id).status == "rejected"
        assert session.get(ReviewItem, first.id).decided_by == "analyst:kim"
        exposure = session.execute(
            select(Exposure).where(Exposure.person_id == first.person_id)
        ).scalar_one()
        assert exposure.source == "review"
    with store.session() as session:
        link_incident(session, INCIDENT, actor=ACTOR)
    with store.session() as session:
        record = session.get(DisclosedRecord, first.record_id)
        assert (record.link_status, record.person_id) == ("matched", first.person_id)
        assert session.get(ReviewItem, first.id).status == "accepted"
    with store.session() as session, pytest.raises(ReviewError, match="already accepted"):
        accept_review_item(session, first.id, actor="analyst:kim")


def test_rejecting_every_candidate_leaves_the_record_unmatched_for_good(store, queue) -> None:
    items = open_items(store)
    with store.session() as session:
        assert reject_review_item(session, items[0].id, actor="a").record_status == "review"
    with store.session() as session:
        assert reject_review_item(session, items[1].id, actor="a").record_status == "unmatched"
    with store.session() as session:
        report = link_incident(session, INCIDENT, actor=ACTOR)
    assert report.kept_reviewer_decisions == 1
    assert report.reasons.get("rejected_by_reviewer") == 1
    assert open_items(store) == []


def test_cli_review_and_link_and_overlap(store, queue) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["review", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)["items"]
    assert len(items) == 2
    shown = runner.invoke(app, ["review", "show", str(items[0]["id"]), "--json"])
    assert shown.exit_code == 0 and queue["person"].family_name not in shown.stdout
    accepted = runner.invoke(app, ["review", "accept", str(items[0]["id"]), "--json"])
    assert json.loads(accepted.stdout)["record_status"] == "matched"
    missing = runner.invoke(app, ["review", "reject", "99999"])
    assert missing.exit_code == 2 and "not found" in missing.output
    linked = runner.invoke(app, ["link", INCIDENT, "--json"])
    assert linked.exit_code == 0, linked.output
    document = json.loads(linked.stdout)
    assert (document["matched"], document["review"], document["unmatched"]) == (2, 0, 0)
    assert document["matches"][0]["record"]["source"]["sheet"] == "Detainees"
    assert runner.invoke(app, ["link", "NOPE"]).exit_code == 2
    overlap = runner.invoke(app, ["overlap", INCIDENT, INCIDENT, "--json"])
    assert json.loads(overlap.stdout)["counts"]["both"] == 2


def test_review_list_shows_whole_a_numbers_only_when_asked_and_audits_it(store, queue) -> None:
    runner = CliRunner()

    def reads() -> int:
        with store.session() as session:
            return len(session.execute(select(AuditEvent).where(
                AuditEvent.action == "person.bulk_read")).scalars().all())

    before = reads()
    masked = json.loads(runner.invoke(app, ["review", "list", "--json"]).stdout)["items"]
    assert all(i["a_number"].startswith("A*****") for i in masked) and reads() == before
    listed = runner.invoke(app, ["review", "list", "--json", "--show-a-numbers"])
    assert listed.exit_code == 0, listed.output
    whole = json.loads(listed.stdout)["items"]
    assert "A055555555" in {i["a_number"] for i in whole}
    assert all(i["a_number"][-4:] == m["a_number"][-4:] for i, m in zip(whole, masked,
                                                                         strict=True))
    assert reads() == before + 1
    table = runner.invoke(app, ["review", "list", "--show-a-numbers"])
    assert "A055555555" in table.stdout


SECOND_REVIEWER = """
from spilldesk.matching.review import ReviewError, accept_review_item

try:
    with store.session() as session:
        accept_review_item(session, int(args[0]), actor="analyst:two")
except ReviewError as exc:
    print(exc, flush=True)
    sys.exit(3)
print("accepted", flush=True)
"""


def test_two_reviewers_accepting_rival_candidates_at_once_link_one(store, queue, settings):
    """Two reviewers, two processes, each accepting a different twin for the same record at
    the same moment: the second waits for the first, finds its candidate already rejected,
    and changes nothing. One person is linked and exposed, never both."""
    from tests.concurrency import outcome, start_second_officer, wait_until_blocked

    first, second = open_items(store)
    with store.session() as session:
        accept_review_item(session, first.id, actor="analyst:one")
        rival = start_second_officer(settings, SECOND_REVIEWER, second.id)
        wait_until_blocked(session, rival)
    out = outcome(rival, exit_code=3)
    assert f"review item {second.id}: already rejected by analyst:one" in out
    with store.session() as session:
        items = {i.id: i for i in session.execute(select(ReviewItem)).scalars()}
        record = session.get(DisclosedRecord, items[first.id].record_id)
        exposed = session.execute(select(Exposure.person_id)).scalars().all()
    assert (items[first.id].status, items[second.id].status) == ("accepted", "rejected")
    assert record.link_status == "matched" and record.person_id == first.person_id
    assert second.person_id not in exposed and first.person_id in exposed


def test_a_relink_and_a_reviewer_at_once_take_turns(store, queue, settings, monkeypatch):
    """A re-link of the incident is running (it has read the records and the registry) when a
    reviewer accepts a candidate in another process: the reviewer waits for the re-link, then
    decides; neither is aborted (before, each held what the other waited for: a deadlock)."""
    import subprocess

    from spilldesk.matching import linkage
    from tests.concurrency import outcome, start_second_officer, wait_until_blocked

    first, _ = open_items(store)
    computed = linkage._link
    reviewer: list[subprocess.Popen[str]] = []

    def link_then_let_the_reviewer_in(*args, **kwargs):  # type: ignore[no-untyped-def]
        results = computed(*args, **kwargs)
        reviewer.append(start_second_officer(settings, SECOND_REVIEWER, first.id))
        wait_until_blocked(session, reviewer[0])
        return results

    monkeypatch.setattr(linkage, "_link", link_then_let_the_reviewer_in)
    with store.session() as session:
        link_incident(session, INCIDENT, actor=ACTOR, reveals_status_of=None)
    outcome(reviewer[0])
    with store.session() as session:
        item = session.get(ReviewItem, first.id)
        record = session.get(DisclosedRecord, item.record_id)
        exposed = session.execute(select(Exposure.person_id)).scalars().all()
    assert item.status == "accepted" and record.person_id == first.person_id
    assert first.person_id in exposed
