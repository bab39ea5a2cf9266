"""The one error a reader or the gate raises for a file it cannot judge."""

from __future__ import annotations


class ScanError(ValueError):
    """A file could not be read: corrupt, truncated, encrypted, too large or unsupported.

    The message names the file (and part) and says what to do; it never quotes content.
    """
