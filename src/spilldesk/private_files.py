"""Files the desk writes that may hold names or A-numbers: owner only (files 0600, folders 0700).

Every output (notice packets, mail-merge and follow-up lists, delivery sheets, clawback letters,
alert feeds, the demo's and the scenario's files, crash logs) goes through `write_private`, so no
umask makes one readable by the group or others. A file is written beside its target and
renamed into place: a half-written file never looks finished.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the owner only.

    A folder that already exists is left as it is: it may be one the user chose (`--out /tmp`),
    and the files written into it are 0600 anyway."""
    missing = []
    walk = path
    while not walk.exists():
        missing.append(walk)
        if walk.parent == walk:
            break
        walk = walk.parent
    for folder in reversed(missing):
        folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is masked by the umask
    return path


def write_private(path: Path, data: bytes | str, *, exclusive: bool = False) -> Path:
    """Write `data` (text is UTF-8) to `path` with mode 0600, in a private folder.

    `exclusive`: refuse to replace an existing file (FileExistsError).
    """
    private_folder(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if exclusive:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
        return path
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # an old partial file may have had another mode
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path
