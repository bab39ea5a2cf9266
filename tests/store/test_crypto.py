import hmac
import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.store.crypto import KeyedHash, KeyFileError, Keyring, create_key_file, load_keyring


def test_key_file_is_private_and_never_overwritten(tmp_path) -> None:
    path = tmp_path / "keys" / "desk.key"
    create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        create_key_file(path)


def test_world_readable_key_file_is_refused(tmp_path) -> None:
    path = tmp_path / "desk.key"
    create_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="owner only"):
        load_keyring(path)


def test_seal_open_round_trip_records_key_id(tmp_path) -> None:
    path = tmp_path / "desk.key"
    create_key_file(path)
    keyring = load_keyring(path)
    blob = keyring.seal({"family_name": "Pérez García"}, "person")
    assert keyring.current_key_id.encode() in blob
    assert b"P\xc3\xa9rez" not in blob
    assert keyring.open(blob, "person") == {"family_name": "Pérez García"}


def test_tampering_and_wrong_purpose_are_detected(tmp_path) -> None:
    path = tmp_path / "desk.key"
    create_key_file(path)
    keyring = load_keyring(path)
    blob = bytearray(keyring.seal({"a": 1}, "person"))
    with pytest.raises(KeyFileError):
        keyring.open(bytes(blob), "representative")
    blob[-1] ^= 1
    with pytest.raises(KeyFileError, match="authentication"):
        keyring.open(bytes(blob), "person")


def test_rotation_opens_old_ciphertexts(tmp_path) -> None:
    old_path, new_path = tmp_path / "old.key", tmp_path / "new.key"
    create_key_file(old_path)
    create_key_file(new_path)
    old, new = load_keyring(old_path), load_keyring(new_path)
    old_key = old._current  # the file format allows several keys: build one holding both
    rotated = Keyring([old_key, new._current], current=new.current_key_id)
    sealed_before = old.seal({"x": "y"}, "person")
    assert rotated.open(sealed_before, "person") == {"x": "y"}
    assert rotated.open(rotated.seal({"x": "z"}, "person"), "person") == {"x": "z"}
    # blind indexes do not change with the encryption key
    assert rotated.blind_index("a_number", "A012345678") == old.blind_index("a_number",
                                                                             "A012345678")


def test_blind_index_is_keyed_and_namespaced(tmp_path) -> None:
    one, two = tmp_path / "1.key", tmp_path / "2.key"
    create_key_file(one)
    create_key_file(two)
    first, second = load_keyring(one), load_keyring(two)
    assert first.blind_index("a_number", "A1") != second.blind_index("a_number", "A1")
    assert first.blind_index("a_number", "A1") != first.blind_index("name_dob", "A1")


@given(key=st.binary(max_size=100), message=st.binary(max_size=300))
def test_keyed_hash_is_hmac_sha256(key: bytes, message: bytes) -> None:
    """The blind indexes' and row digests' fast HMAC gives the standard library's digests
    (keys shorter and longer than SHA-256's block included)."""
    assert KeyedHash(key).hexdigest(message) == hmac.digest(key, message, "sha256").hex()


def test_a_bulk_open_gives_each_rows_payload_and_names_the_row_that_fails(tmp_path) -> None:
    from spilldesk.store.sealing import SealedFieldError, open_rows, seal_for_row

    path = tmp_path / "desk.key"
    create_key_file(path)
    keyring = load_keyring(path)
    payloads = [{"family_name": f"Pérez {n}", "n": n} for n in range(5)]
    rows = [(n, seal_for_row(keyring, p, "persons", n, "pii")) for n, p in enumerate(payloads)]
    assert open_rows(keyring, rows, "persons", "pii") == payloads
    assert open_rows(keyring, [], "persons", "pii") == []
    swapped = [*rows[:3], (3, rows[4][1]), rows[4]]  # row 4's value in row 3
    with pytest.raises(SealedFieldError, match="persons row 3, field pii: ciphertext failed"):
        open_rows(keyring, swapped, "persons", "pii")
    with pytest.raises(SealedFieldError, match="persons row 2, field pii: the sealed value is"):
        open_rows(keyring, [rows[0], rows[1], (2, None)], "persons", "pii")
    # A sealed value that is not one JSON object (only a key holder could write one) is refused.
    odd = [(0, keyring.seal_encoded(b'1],[2', "persons:0:pii"))]
    with pytest.raises(SealedFieldError, match="no sealed payload"):
        open_rows(keyring, odd, "persons", "pii")
