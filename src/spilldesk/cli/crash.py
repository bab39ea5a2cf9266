"""The last line of defence: an unexpected error is one line and a crash log, never a traceback.

The log says where the code failed (files, lines, functions, the exception's type) and nothing
else: no message, no arguments, no local values — any of those could hold a person's data.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from pathlib import Path
from types import TracebackType

from spilldesk import clock
from spilldesk.config import default_home
from spilldesk.private_files import write_private

CRASH_FOLDER = "crash-logs"


def crash_folder(argv: list[str]) -> Path:
    """`--workdir DIR` if the command line gave one, else $SPILLDESK_HOME or ~/.spilldesk."""
    for index, word in enumerate(argv):
        if word == "--workdir" and index + 1 < len(argv):
            return Path(argv[index + 1]).expanduser() / CRASH_FOLDER
        if word.startswith("--workdir="):
            return Path(word.split("=", 1)[1]).expanduser() / CRASH_FOLDER
    return default_home() / CRASH_FOLDER


def command_words(argv: list[str], known: set[str]) -> list[str]:
    """The command and subcommand names only (arguments may be A-numbers or names)."""
    words = []
    for word in argv:
        if word not in known:
            break
        words.append(word)
    return words


def write_crash_log(error: BaseException, argv: list[str], known: set[str]) -> Path:
    from spilldesk import __version__

    folder = crash_folder(argv)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    lines = [
        f"spilldesk {__version__}, Python {platform.python_version()}, {sys.platform}",
        f"command: spilldesk {' '.join(command_words(argv, known))}",
        f"error: {type(error).__module__}.{type(error).__qualname__}",
        "where (innermost last):",
        *_frames(error.__traceback__),
    ]
    write_private(path, "\n".join(lines) + "\n", exclusive=True)
    return path


def _frames(tb: TracebackType | None) -> list[str]:
    return [f"  {frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(tb)]
