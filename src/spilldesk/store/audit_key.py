"""The audit log's own secret, kept outside the database beside the desk's other keys.

Each audit event's hash is an HMAC-SHA256 under this key, so someone who can write to the
database but not read the key file cannot recompute the chain after editing, inserting or
deleting an event. Checkpoints (head hash and event count, exported to a file outside the
database) are signed with a second key derived from the same secret.

A desk whose chain began before the key existed (plain SHA-256 links) is re-chained once,
after its old chain verifies, by `spilldesk init` (see `ensure_audit_key`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Protocol

from spilldesk.store.crypto import KeyFileError


class ChainHash(Protocol):
    def link(self, prev_hash: str, body: str) -> str: ...


class AuditKey:
    """Links the chain (`link`) and signs checkpoints (`sign`) under one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise KeyFileError("audit key: the secret must be at least 256 bits")
        self._chain = hmac.new(secret, b"spilldesk audit chain", hashlib.sha256).digest()
        self._checkpoint = hmac.new(secret, b"spilldesk audit checkpoint",
                                    hashlib.sha256).digest()

    def link(self, prev_hash: str, body: str) -> str:
        return hmac.new(self._chain, (prev_hash + body).encode(), hashlib.sha256).hexdigest()

    def sign(self, text: str) -> str:
        return hmac.new(self._checkpoint, text.encode(), hashlib.sha256).hexdigest()

    def signed(self, text: str, mac: str) -> bool:
        return hmac.compare_digest(self.sign(text), mac)


class UnkeyedChain:
    """The chain's links before the audit key existed (anyone could recompute them)."""

    def link(self, prev_hash: str, body: str) -> str:
        return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def write_audit_key_file(path: Path, secret: bytes) -> None:
    """Write the audit key file readable by its owner only (0600). Never overwrites."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    document = {"audit_key": base64.b64encode(secret).decode()}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())


def load_audit_key(path: Path) -> AuditKey:
    if not path.exists():
        raise KeyFileError(f"{path}: audit key file not found (run `spilldesk init`)")
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise KeyFileError(f"{path}: audit key file must be readable by its owner only "
                           "(chmod 600)")
    try:
        secret = base64.b64decode(json.loads(path.read_text())["audit_key"], validate=True)
    except (ValueError, KeyError, TypeError):
        raise KeyFileError(f"{path}: not a spilldesk audit key file") from None
    return AuditKey(secret)
