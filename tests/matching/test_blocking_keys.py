"""Linkage's blocking tokens in the store: written with the person, rolled back with a failed
import, re-keyed by rotation, backfilled; linkage decrypts only candidates and a sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from spilldesk.intake.registry import RegistryError, import_file
from spilldesk.link import LinkSettings
from spilldesk.link.blocking_keys import TOKEN_COLUMNS, registry_tokens
from spilldesk.matching.linkage import link_incident
from spilldesk.store import blocking
from spilldesk.store.db import Store
from spilldesk.store.linkage_models import PersonBlockingKeys
from spilldesk.store.models import AuditEvent, DisclosedRecord, Person
from spilldesk.store.people import read_registry
from spilldesk.store.read_sets import ids_named
from spilldesk.store.rotation import rotate_keys
from tests.matching.test_linkage import ACTOR, ET, NOV28, scenario  # noqa: F401

pytestmark = pytest.mark.db


def _tokens(store: Store) -> dict[int, tuple[int | None, ...]]:
    with store.session(writing=False) as session:
        rows = session.execute(select(PersonBlockingKeys)).scalars()
        return {r.person_id: tuple(getattr(r, c) for c in TOKEN_COLUMNS) for r in rows}


def _expected(store: Store) -> dict[int, tuple[int | None, ...]]:
    """Each person's tokens computed afresh from their opened data."""
    with store.session() as session:
        opened = read_registry(session, None, actor=ACTOR, purpose="test")
        people = [pii.__dict__ for _, pii, _ in opened]
        tokens = registry_tokens(people, store.keyring.blocking_key())
        return {pk: found for (pk, _, _), found in zip(opened, tokens, strict=True)}


def test_model_columns_are_the_token_columns() -> None:
    columns = [c.name for c in PersonBlockingKeys.__table__.columns]
    assert columns == ["person_id", *TOKEN_COLUMNS]


def test_import_writes_each_persons_tokens(store, scenario) -> None:  # noqa: F811
    stored = _tokens(store)
    assert stored == _expected(store)
    assert len(stored) == 401
    dobs = [row[TOKEN_COLUMNS.index("dob_family")] for row in stored.values()]
    assert all(isinstance(t, int) and -(2**63) <= t < 2**63 for t in dobs)
    # The two twins (same name and birth date, other A-number) share every token.
    twins = list(scenario["twin_ids"])
    assert stored[twins[0]] == stored[twins[1]]


def test_a_failed_import_leaves_no_tokens(store, tmp_path: Path) -> None:
    from spilldesk.scenario.noisy_registry import make_registry

    frame = make_registry(30, seed=3).drop(columns=["person_id"])
    frame = frame.rename(columns={"country": "country_of_citizenship"}).astype(object)
    frame.loc[20, "date_of_birth"] = "not a date"
    path = tmp_path / "persons.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(RegistryError, match="row 22"), store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
    assert _tokens(store) == {}


@pytest.mark.parametrize("reader", ["in process", "worker processes"])
def test_a_reimport_that_renames_a_person_rewrites_their_tokens(
    store, tmp_path: Path, monkeypatch, reader: str
) -> None:
    """Tokens are computed with the batch's checks (in the reading workers for a large file,
    here batches of 4 so both workers take part) and written with the persons."""
    import spilldesk.intake.person_batches as batches
    from spilldesk.scenario.noisy_registry import make_registry

    monkeypatch.setattr(batches, "BATCH", 4)
    monkeypatch.setattr(batches, "WORKER_FROM_BYTES", 0 if reader != "in process" else 1 << 40)
    frame = make_registry(30, seed=3).drop(columns=["person_id"])
    frame = frame.rename(columns={"country": "country_of_citizenship"})
    path = tmp_path / "persons.csv"
    frame.to_csv(path, index=False)
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
    before = _tokens(store)
    assert before == _expected(store) and len(before) == 30
    frame.loc[4, "family_name"] = "Zzyzx Quartermaine"
    frame.to_csv(path, index=False)
    with store.session() as session:
        report = import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
    assert report.updated == 1
    after = _tokens(store)
    assert after == _expected(store)
    assert sum(1 for pk in before if before[pk] != after[pk]) == 1


def _bulk_reads(store: Store, after: int) -> list[dict]:
    with store.session(writing=False) as session:
        query = select(AuditEvent).where(
            AuditEvent.seq > after, AuditEvent.action == "person.bulk_read"
        )
        return [e.detail for e in session.execute(query).scalars()]


def _outcomes(store: Store) -> dict[int, tuple[str, int | None, str | None]]:
    with store.session(writing=False) as session:
        query = select(DisclosedRecord).where(DisclosedRecord.incident_id == NOV28)
        return {
            r.id: (r.link_status, r.person_id, r.link_reason)
            for r in session.execute(query).scalars()
        }


def _last_seq(store: Store) -> int:
    with store.session(writing=False) as session:
        return int(session.scalar(select(func.max(AuditEvent.seq))) or 0)


def test_linkage_decrypts_only_candidates_and_a_sample(store, scenario) -> None:  # noqa: F811
    with store.session() as session:
        link_incident(session, NOV28, actor=ACTOR)
    whole = _outcomes(store)
    before = _last_seq(store)
    with store.session() as session:
        link_incident(session, NOV28, actor=ACTOR, settings=LinkSettings(registry_sample=60))
    reads = _bulk_reads(store, before)
    # One audited read of the registry's part: the sample and the tokens' candidates.
    assert len(reads) == 1
    assert 60 < reads[0]["count"] < 401
    assert len(ids_named(reads[0])) == reads[0]["count"]
    leaked_ids = {scenario["ids"][a] for a in scenario["leaked"].a_number}
    assert leaked_ids <= set(ids_named(reads[0]))
    assert _outcomes(store) == whole


def test_rotation_rekeys_the_tokens(store, scenario) -> None:  # noqa: F811
    old = _tokens(store)
    rotate_keys(store, actor=ACTOR)
    new = _tokens(store)
    assert set(new) == set(old) and new == _expected(store)
    assert all(new[pk] != old[pk] for pk in old)
    with store.session() as session:
        report = link_incident(
            session, NOV28, actor=ACTOR, settings=LinkSettings(registry_sample=60)
        )
    assert report.matched == 40


def test_persons_without_tokens_are_backfilled(store, scenario) -> None:  # noqa: F811
    old = _tokens(store)
    with store.session() as session:
        session.execute(delete(PersonBlockingKeys).where(PersonBlockingKeys.person_id % 2 == 0))
        assert blocking.missing(session) == len([pk for pk in old if pk % 2 == 0])
    with store.session() as session:
        # Linkage notices and fills them before it asks the tokens for candidates.
        report = link_incident(
            session, NOV28, actor=ACTOR, settings=LinkSettings(registry_sample=60)
        )
        assert blocking.missing(session) == 0
    assert report.matched == 40
    assert _tokens(store) == old


def test_init_backfills_a_desk_that_had_persons(store, scenario) -> None:  # noqa: F811
    from spilldesk.store.db import initialise

    old = _tokens(store)
    with store.session() as session:
        session.execute(delete(PersonBlockingKeys))
    again = initialise(store.settings)
    try:
        assert _tokens(again) == old
        with again.session(writing=False) as session:
            assert session.scalar(select(func.count()).select_from(Person)) == len(old)
    finally:
        again.close()


def test_tokens_say_nothing_without_the_key(store, scenario) -> None:  # noqa: F811
    from spilldesk.store.crypto import Keyring, new_key

    stored = _tokens(store)
    with store.session() as session:
        opened = read_registry(session, None, actor=ACTOR, purpose="test")
    people = [pii.__dict__ for _, pii, _ in opened]
    key = new_key()
    foreign = registry_tokens(people, Keyring([key], key.key_id).blocking_key())
    assert not set(stored.values()) & set(foreign)
    assert len(pd.unique(pd.Series([row[0] for row in stored.values()]))) > 1
