"""The one error a reader or the gate raises for a file it cannot judge."""

from __future__ import annotations


class ScanError(ValueError):
    """A file could not be read: corrupt, truncated, encrypted, too large or unsupported.

    The message names the file (and part) and says what to do; it never quotes content.
    """


class UnsupportedFormat(ScanError):
    """A format the gate does not read (legacy binary Office, executables, media...).

    At the top level this is an error; inside an archive or as an embedded object it is
    something the gate could not look into, which a person must review.
    """


class EngineError(RuntimeError):
    """The gate's pattern engine (Hyperscan) is installed but failed to load, compile or scan:
    no text can be judged, so every file is `error`, never a pass."""


def one_line(text: str) -> str:
    """A name from a file (sheet, member, part) made safe for a one-line message."""
    return " ".join(text.split())


def unreadable(name: str, error: BaseException) -> ScanError:
    """What any failure while reading `name` means: the file cannot be judged.

    The one notion shared by the scanner, record extraction and the worker process, so that
    they cannot disagree about a file. Only the failure's type is named: library messages may
    quote cell values.
    """
    name = one_line(name)
    if isinstance(error, ScanError):
        return type(error)(one_line(str(error)))
    if isinstance(error, EngineError):
        return ScanError(f"{name}: not judged: {one_line(str(error))}")
    if isinstance(error, RecursionError):
        return ScanError(f"{name}: nested too deeply to read (RecursionError)")
    if isinstance(error, MemoryError):
        return ScanError(f"{name}: ran out of memory while reading (MemoryError)")
    return ScanError(f"{name}: unreadable ({type(error).__name__}); re-save or repair it")
