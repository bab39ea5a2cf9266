"""`spilldesk keys rotate`: one transaction re-seals and re-indexes; a changed index key is
noticed before an import could duplicate people."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from spilldesk.intake.registry import RegistryError
from spilldesk.store.crypto import KeyFileError, create_key_file, load_keyring
from spilldesk.store.db import Store, open_store
from spilldesk.store.models import CustodyDecision, Person
from spilldesk.store.people import find_person, read_person
from spilldesk.store.rotation import rotate_keys
from tests.intake.test_registry import load, persons


def _people(store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def test_reimport_after_rotation_creates_no_duplicates(store, tmp_path) -> None:
    from spilldesk.casework.custody import decide_custody

    load(store, tmp_path)
    first = persons()[0]["a_number"]
    with store.session() as session:
        decide_custody(session, first, decision="release_on_recognizance",
                       rationale="carer", actor="t")
    before = _people(store)
    old_key = store.keyring.current_key_id
    report = rotate_keys(store, actor="t")
    assert report.new_key != old_key and report.resealed["persons.pii"] == before
    document = json.loads(store.settings.key_file.read_text())
    assert document["current"] == document["index"] == report.new_key
    assert {k["id"] for k in document["keys"]} == {old_key, report.new_key}
    load(store, tmp_path)  # the same registry again
    assert _people(store) == before
    reopened = open_store(store.settings)
    try:
        with reopened.session() as session:
            person = find_person(session, first)
            assert person is not None and person.posture == "final_order_unexecuted"
            assert read_person(session, person, actor="t", purpose="test").a_number == "A200000000"
            assert session.execute(select(CustodyDecision)).scalar_one().rationale == "carer"
            assert person.pii[2:2 + len(report.new_key)] == report.new_key.encode()
    finally:
        reopened.close()


def test_an_import_with_a_stale_index_key_is_refused(store, tmp_path) -> None:
    load(store, tmp_path)
    stale = Store(store.settings, store.engine, store.keyring)  # a server started earlier
    rotate_keys(store, actor="t")
    before = _people(store)
    with pytest.raises(RegistryError, match="blind-index key changed"):
        load(stale, tmp_path)
    assert _people(store) == before


def test_a_key_file_without_the_desks_index_key_is_refused(store, tmp_path) -> None:
    load(store, tmp_path)
    store.settings.key_file.unlink()
    create_key_file(store.settings.key_file)  # a new key file: every lookup would miss
    with pytest.raises(KeyFileError, match="does not hold the blind-index key"):
        open_store(store.settings)


def test_a_rotation_cut_short_before_the_key_file_is_switched_still_opens(store, tmp_path
                                                                           ) -> None:
    load(store, tmp_path)
    old = load_keyring(store.settings.key_file)
    rotate_keys(store, actor="t")
    # The key file as it was after the transaction but before its last write.
    from spilldesk.store.crypto import Keyring, write_key_file
    keys = load_keyring(store.settings.key_file).keys
    write_key_file(store.settings.key_file,
                   Keyring(keys, old.current_key_id, old.index_key_id))
    reopened = open_store(store.settings)
    try:
        with reopened.session() as session:
            assert find_person(session, persons()[1]["a_number"]) is not None
        load(reopened, tmp_path)
        assert _people(reopened) == 3
    finally:
        reopened.close()
