"""Person data at rest: AES-GCM ciphertexts that record their key id, and keyed blind indexes.

The key file (mode 0600) holds a list of keys; each has an id, a 256-bit encryption key and a
256-bit index key. New data is sealed with the current key; old ciphertexts name the key that
opens them, so keys can be rotated. Lookups never decrypt: they compare HMAC-SHA256 blind
indexes of normalised values (an A-number, a name with a date of birth), made with one key's
index key (`"index"` in the file, else the first key's). The database records that key's
fingerprint, so a key file whose index key changed is noticed (`store.db`) instead of
silently making new indexes that match nothing (`spilldesk keys rotate` re-keys both).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from spilldesk.private_files import write_private

_FORMAT = 1
_NONCE = 12


class KeyFileError(Exception):
    """The key file is missing, unreadable or does not hold the key a ciphertext needs."""


class OpenFailed(KeyFileError):
    """One of many ciphertexts (`Keyring.open_many`) did not open: `index` says which."""

    def __init__(self, index: int, why: str) -> None:
        super().__init__(why)
        self.index = index


@dataclass(frozen=True)
class Key:
    key_id: str
    encryption: bytes
    index: bytes


class KeyedHash:
    """HMAC-SHA256 under one key, the key's padded blocks hashed once: each message then costs
    two SHA-256 copies instead of a whole HMAC set-up (the same digests as `hmac.digest`, about
    twice as fast for the short messages of blind indexes and row digests)."""

    def __init__(self, key: bytes) -> None:
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class Keyring:
    """Seals and opens person data; computes blind indexes."""

    def __init__(self, keys: list[Key], current: str, index: str | None = None) -> None:
        self._keys = {key.key_id: key for key in keys}
        if current not in self._keys:
            raise KeyFileError(f"key file: current key {current!r} is not in the file")
        index = index or keys[0].key_id
        if index not in self._keys:
            raise KeyFileError(f"key file: index key {index!r} is not in the file")
        self._current = self._keys[current]
        self._aead = {key.key_id: AESGCM(key.encryption) for key in keys}
        # Changing the index key means re-indexing everything (`spilldesk keys rotate`).
        self._index_id = index
        self._index_key = self._keys[index].index
        self._index_hash = KeyedHash(self._index_key)

    @property
    def keys(self) -> list[Key]:
        return list(self._keys.values())

    @property
    def index_key_id(self) -> str:
        return self._index_id

    def index_fingerprint(self, key_id: str | None = None) -> str:
        """Names an index key without revealing it (HMAC of a fixed label)."""
        key = self._keys[key_id or self._index_id].index
        return hmac.new(key, b"spilldesk index key fingerprint", hashlib.sha256).hexdigest()

    def using(self, key_id: str) -> Keyring:
        """The same keys, sealing and indexing with `key_id`."""
        return Keyring(list(self._keys.values()), key_id, key_id)

    @property
    def current_key_id(self) -> str:
        return self._current.key_id

    def seal(self, payload: dict[str, object], purpose: str) -> bytes:
        """Encrypt a JSON-able dict; `purpose` (e.g. "person") is bound as associated data."""
        return self.seal_encoded(encode_payload(payload), purpose)

    def seal_encoded(self, plaintext: bytes, purpose: str) -> bytes:
        """`seal` of a payload already encoded by `encode_payload` (a bulk import encodes in
        one process and seals, once the row's id is known, in another)."""
        key_id = self._current.key_id.encode()
        nonce = os.urandom(_NONCE)
        sealed = self._aead[self._current.key_id].encrypt(nonce, plaintext, purpose.encode())
        return bytes([_FORMAT, len(key_id)]) + key_id + nonce + sealed

    def seal_many(self, plaintexts: Sequence[bytes], purposes: Sequence[str]) -> list[bytes]:
        """`seal_encoded` of many payloads (a bulk import): the same ciphertexts' format, each
        with a fresh random nonce (drawn from the OS in one call) and its own purpose."""
        key_id = self._current.key_id.encode()
        head = bytes([_FORMAT, len(key_id)]) + key_id
        encrypt = self._aead[self._current.key_id].encrypt
        nonces = os.urandom(_NONCE * len(plaintexts))
        return [head + nonces[n * _NONCE:(n + 1) * _NONCE]
                + encrypt(nonces[n * _NONCE:(n + 1) * _NONCE], plaintext, purpose.encode())
                for n, (plaintext, purpose) in enumerate(zip(plaintexts, purposes, strict=True))]

    def open(self, blob: bytes, purpose: str) -> dict[str, object]:
        blob = bytes(blob)
        if not blob or blob[0] != _FORMAT:
            raise KeyFileError("ciphertext: unknown format")
        id_end = 2 + blob[1]
        key_id = blob[2:id_end].decode()
        aead = self._aead.get(key_id)
        if aead is None:
            raise KeyFileError(f"ciphertext needs key {key_id!r}, which the key file does not hold")
        nonce, sealed = blob[id_end : id_end + _NONCE], blob[id_end + _NONCE :]
        try:
            plaintext = aead.decrypt(nonce, sealed, purpose.encode())
        except InvalidTag:
            raise KeyFileError("ciphertext failed authentication (tampered or wrong key)") from None
        result: dict[str, object] = json.loads(plaintext)
        return result

    def open_many(
        self, blobs: Sequence[bytes], purposes: Sequence[bytes]
    ) -> list[dict[str, object]]:
        """`open` of many ciphertexts (a bulk read): the same checks, each payload authenticated
        against its own purpose, the plaintexts parsed in one pass. Raises `OpenFailed` naming
        the first that does not open."""
        aeads = {key_id.encode(): aead for key_id, aead in self._aead.items()}
        plaintexts: list[bytes] = []
        append = plaintexts.append
        n = 0
        try:
            for n, (blob, purpose) in enumerate(zip(blobs, purposes, strict=True)):
                id_end = 2 + blob[1]
                aead = aeads.get(bytes(blob[2:id_end])) if blob[0] == _FORMAT else None
                if aead is None:
                    raise OpenFailed(n, "")
                append(aead.decrypt(blob[id_end : id_end + _NONCE], blob[id_end + _NONCE :],
                                    purpose))
        except (IndexError, InvalidTag, OpenFailed):
            raise OpenFailed(n, self._why(bytes(blobs[n]), purposes[n].decode())) from None
        try:
            # Each plaintext is one sealed JSON object (authenticated above): joined, they parse
            # as one array at a fraction of the cost of a parse each.
            opened = json.loads(b"[" + b",".join(plaintexts) + b"]")
        except ValueError:
            opened = None
        if (not isinstance(opened, list) or len(opened) != len(plaintexts)
                or not all(isinstance(item, dict) for item in opened)):
            raise KeyFileError("a sealed value holds no sealed payload") from None
        return opened

    def _why(self, blob: bytes, purpose: str) -> str:
        """What `open` says of a ciphertext that does not open."""
        try:
            self.open(blob, purpose)
        except KeyFileError as exc:
            return str(exc)
        return "ciphertext failed authentication (tampered or wrong key)"

    def fingerprint_key(self) -> bytes:
        """The leak monitor's own key: derived from the index key under a label of its own, so
        its fingerprints cannot be joined with the registry's blind indexes (nor the reverse),
        and every existing key file has one without being rewritten."""
        return hmac.new(self._index_key, b"spilldesk/monitor-fingerprints/v1",
                        hashlib.sha256).digest()

    def blocking_key(self) -> bytes:
        """Linkage's blocking tokens' key (`link.blocking_keys`): derived from the index key
        under a label of its own, so tokens cannot be joined with blind indexes or
        fingerprints; re-made with the index key by `spilldesk keys rotate`."""
        return hmac.new(self._index_key, b"spilldesk/blocking-keys/v1", hashlib.sha256).digest()

    def blind_index(self, kind: str, normalised: str) -> str:
        """HMAC-SHA256 of a normalised value, namespaced by kind (hex, 64 chars)."""
        return self._index_hash.hexdigest(kind.encode() + b"\x00" + normalised.encode())


_PAYLOAD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)  # built once, not per call


def encode_payload(payload: dict[str, object]) -> bytes:
    """The plaintext a sealed payload holds: compact JSON, UTF-8."""
    return _PAYLOAD.encode(payload).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_key() -> Key:
    return Key("k" + secrets.token_hex(4), secrets.token_bytes(32), secrets.token_bytes(32))


def _document(keys: list[Key], current: str, index: str) -> str:
    return json.dumps({
        "current": current,
        "index": index,
        "keys": [{"id": k.key_id, "encryption": _b64(k.encryption), "index": _b64(k.index)}
                 for k in keys],
    }, indent=2)


def create_key_file(path: Path) -> None:
    """Write a new key file readable by its owner only (0600). Never overwrites."""
    key = new_key()
    write_private(path, _document([key], key.key_id, key.key_id), exclusive=True)


def write_key_file(path: Path, keyring: Keyring) -> None:
    """Replace the key file (0600, renamed into place) with `keyring`'s keys and choices."""
    write_private(path, _document(keyring.keys, keyring.current_key_id, keyring.index_key_id))


def load_keyring(path: Path) -> Keyring:
    if not path.exists():
        raise KeyFileError(f"{path}: key file not found (run `spilldesk init`)")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path}: key file must be readable by its owner only (chmod 600)")
    try:
        document = json.loads(path.read_text())
        keys = [
            Key(
                key_id=str(entry["id"]),
                encryption=base64.b64decode(entry["encryption"]),
                index=base64.b64decode(entry["index"]),
            )
            for entry in document["keys"]
        ]
        current = str(document["current"])
        index = document.get("index")
    except (ValueError, KeyError, TypeError):
        raise KeyFileError(f"{path}: not a spilldesk key file") from None
    return Keyring(keys, current, str(index) if index else None)
