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
