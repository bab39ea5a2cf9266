"""Person data at rest: AES-GCM ciphertexts that record their key id, and keyed blind indexes.

The key file (mode 0600) holds a list of keys; each has an id, a 256-bit encryption key and a
256-bit index key. New data is sealed with the current key; old ciphertexts name the key that
opens them, so keys can be rotated. Lookups never decrypt: they compare HMAC-SHA256 blind
indexes of normalised values (an A-number, a name with a date of birth).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from spilldesk.private_files import private_folder

_FORMAT = 1
_NONCE = 12


class KeyFileError(Exception):
    """The key file is missing, unreadable or does not hold the key a ciphertext needs."""


@dataclass(frozen=True)
class Key:
    key_id: str
    encryption: bytes
    index: bytes


class Keyring:
    """Seals and opens person data; computes blind indexes."""

    def __init__(self, keys: list[Key], current: str) -> None:
        self._keys = {key.key_id: key for key in keys}
        if current not in self._keys:
            raise KeyFileError(f"key file: current key {current!r} is not in the file")
        self._current = self._keys[current]
        self._aead = {key.key_id: AESGCM(key.encryption) for key in keys}
        # The blind index key stays the first key's: changing it means re-indexing everything.
        self._index_key = keys[0].index

    @property
    def current_key_id(self) -> str:
        return self._current.key_id

    def seal(self, payload: dict[str, object], purpose: str) -> bytes:
        """Encrypt a JSON-able dict; `purpose` (e.g. "person") is bound as associated data."""
        key_id = self._current.key_id.encode()
        nonce = os.urandom(_NONCE)
        plaintext = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        sealed = self._aead[self._current.key_id].encrypt(nonce, plaintext, purpose.encode())
        return bytes([_FORMAT, len(key_id)]) + key_id + nonce + sealed

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

    def blind_index(self, kind: str, normalised: str) -> str:
        """HMAC-SHA256 of a normalised value, namespaced by kind (hex, 64 chars)."""
        message = kind.encode() + b"\x00" + normalised.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def create_key_file(path: Path) -> None:
    """Write a new key file readable by its owner only (0600). Never overwrites."""
    private_folder(path.parent)
    key_id = "k" + secrets.token_hex(4)
    document = {
        "current": key_id,
        "keys": [
            {
                "id": key_id,
                "encryption": _b64(secrets.token_bytes(32)),
                "index": _b64(secrets.token_bytes(32)),
            }
        ],
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle, indent=2)


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
    except (ValueError, KeyError, TypeError):
        raise KeyFileError(f"{path}: not a spilldesk key file") from None
    return Keyring(keys, current)
