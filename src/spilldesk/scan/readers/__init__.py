"""Readers: turn any supported file into located pieces (see spilldesk.scan.pieces).

`read_document` sniffs the format from the bytes (the name only breaks ties between text
formats) and refuses what it cannot judge with a ScanError that says why: whatever goes
wrong while reading comes out as a ScanError (see `errors.unreadable`), never as a skip.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from spilldesk.scan.errors import ScanError, UnsupportedFormat, unreadable
from spilldesk.scan.limits import DEFAULT_LIMITS, Limits
from spilldesk.scan.pieces import Embedded, Piece
from spilldesk.scan.readers.archive import ZIP_DAMAGE, check_package, read_archive
from spilldesk.scan.readers.delimited import SNIFF_BYTES, detect_encoding, read_delimited
from spilldesk.scan.readers.text import read_json, read_text

# The PDF, Word, HTML and workbook readers (pypdf, lxml, calamine) are imported by the branch
# that needs them: a commit of three text files should not pay for pypdf (the gate is a hook).

__all__ = ["Limits", "DEFAULT_LIMITS", "is_inert", "load_readers", "read_document"]

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_TEXT_IN_MEMORY = 256 << 20
_DELIMITED = (".csv", ".tsv", ".tab", ".psv")
# Package parts that are pictures, fonts or printer settings hold no text worth judging.
_INERT = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".emf",
    ".wmf",
    ".bmp",
    ".tif",
    ".tiff",
    ".svg",
    ".ttf",
    ".otf",
    ".woff",
    ".woff2",
    ".ico",
)


def load_readers(heads: Iterable[tuple[str, bytes]] | None = None) -> None:
    """Import the readers these files (name, first bytes) need, or every reader (None).

    Called in the caller before a worker forks, so that the worker starts with its reader
    imported (its memory and time limits are for the file, not for importing pypdf) and a
    batch imports each reader once. Plain text, CSV and JSON need none of the heavy ones; a
    workbook or a Word file with nothing embedded needs its own reader only (`_package_needs`).
    A reader this misses is imported by the worker that meets its file: later, never skipped.
    """
    needed: set[str] = set()
    for name, head in [("", b"PK")] if heads is None else heads:
        if head.startswith(b"PK"):
            needed |= _package_needs(name)
        elif head.startswith(_CFB) or head[:1024].find(b"%PDF") >= 0:
            needed |= _ALL_READERS
        elif name.lower().endswith((".html", ".htm", ".xhtml")) or head[:512].lstrip().lower(
        ).startswith((b"<!doctype html", b"<html")):
            needed.add("html")
    for reader in sorted(needed):
        importlib.import_module(f"{__name__}.{reader}")


_ALL_READERS = frozenset({"pdf", "docx", "html", "xlsx"})
_OWN_READER = {"xl/workbook.xml": "xlsx", "word/document.xml": "docx"}
_EMBEDDINGS = ("xl/embeddings/", "word/embeddings/")


def _package_needs(path: str) -> set[str]:
    """The readers a ZIP package needs, from its member names: its own for an Office file with
    nothing embedded, else every one (a package may embed any format)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (*ZIP_DAMAGE, OSError, ValueError):  # not a path, or damaged: the reader will say
        return set(_ALL_READERS)
    own = [reader for part, reader in _OWN_READER.items() if part in names]
    if len(own) != 1 or any(n.startswith(_EMBEDDINGS) for n in names):
        return set(_ALL_READERS)
    return set(own)


def read_document(
    opener: Callable[[], BinaryIO], name: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Piece]:
    """Pieces of one file. `opener` returns a fresh binary stream each time it is called.

    Raises only ScanError (UnsupportedFormat for a format the gate does not read).
    """
    try:
        yield from _pieces(opener, name, limits)
    except Exception as error:  # the readers' boundary: a part that fails is never skipped
        raise unreadable(name, error) from None


def is_inert(member: Embedded) -> bool:
    """An embedded file with nothing to judge: empty, or a picture or font by its name."""
    return not member.data or member.name.lower().endswith(_INERT)


def _pieces(opener: Callable[[], BinaryIO], name: str, limits: Limits) -> Iterator[Piece]:
    with opener() as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        yield from _read_zip(opener, name, limits)
    elif head.startswith(_CFB):
        reason = _cfb_reason(opener, name)
        raise (ScanError if "password" in reason else UnsupportedFormat)(reason)
    elif head.lstrip().startswith(b"%PDF") or head[:1024].find(b"%PDF-") >= 0:
        from spilldesk.scan.readers.pdf import read_pdf

        yield from read_pdf(_all(opener, name), name)
    elif name.lower().endswith(_DELIMITED):
        yield from read_delimited(opener, name)
    else:
        yield from _read_text_like(opener, head, name)


def _all(opener: Callable[[], BinaryIO], name: str) -> bytes:
    with opener() as stream:
        data = stream.read(_MAX_TEXT_IN_MEMORY + 1)
    if len(data) > _MAX_TEXT_IN_MEMORY:
        raise ScanError(f"{name}: larger than {_MAX_TEXT_IN_MEMORY >> 20} MiB; split it")
    return data


def _read_zip(opener: Callable[[], BinaryIO], name: str, limits: Limits) -> Iterator[Piece]:
    data = _all(opener, name)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        package.filename = name  # parts name their file in errors (ooxml.parse_xml)
        check_package(package, name, limits)
        names = set(package.namelist())
        if "xl/workbook.xml" in names:
            from spilldesk.scan.readers.xlsx import read_xlsx

            yield from read_xlsx(package, data, name, limits)
        elif "word/document.xml" in names:
            from spilldesk.scan.readers.docx import read_docx

            yield from read_docx(package, name)
        else:
            yield from read_archive(package, name)
    except ScanError:
        raise
    except ZIP_DAMAGE as error:
        raise ScanError(f"{name}: damaged or truncated ZIP package ({error})") from None
    except (KeyError, ValueError, OSError) as error:
        raise ScanError(f"{name}: damaged package ({type(error).__name__})") from None


def _cfb_reason(opener: Callable[[], BinaryIO], name: str) -> str:
    data = _all(opener, name)
    if "EncryptionInfo".encode("utf-16-le") in data:
        return f"{name}: password-protected (encrypted Office file); scan the unprotected file"
    return f"{name}: legacy binary Office format (.xls/.doc) is not supported; save as .xlsx/.docx"


def _read_text_like(opener: Callable[[], BinaryIO], head: bytes, name: str) -> Iterator[Piece]:
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(f"{name}: unsupported binary file type")
    lower = name.lower()
    start = head[:512].lstrip().lower()
    if lower.endswith((".html", ".htm", ".xhtml")) or start.startswith(
        (b"<!doctype html", b"<html")
    ):
        from spilldesk.scan.readers.html import read_html

        yield from read_html(_decode(opener, head, name), name)
    elif lower.endswith(".json") or start[:1] in (b"{", b"["):
        yield from read_json(_decode(opener, head, name), name)
    elif _looks_delimited(head):
        yield from read_delimited(opener, name)
    else:
        yield from read_text(opener, detect_encoding(head), name)


def _decode(opener: Callable[[], BinaryIO], head: bytes, name: str) -> str:
    return _all(opener, name).decode(detect_encoding(head), errors="replace")


def _looks_delimited(head: bytes) -> bool:
    """Unnamed text whose first lines share a delimiter count is read as a table."""
    lines = [line for line in head[:8192].splitlines()[:10] if line.strip()]
    if len(lines) < 3:
        return False
    for delimiter in (b",", b"\t", b";", b"|"):
        counts = {line.count(delimiter) for line in lines[:-1]}
        if len(counts) == 1 and min(counts) >= 2:
            return True
    return False
