"""A PDF file written object by object: what a notice packet needs and nothing more.

ReportLab's document model formats every object of every packet through its general
machinery (dictionaries of wrapped values, a name lookup per key, an encoding per string):
measured, two fifths of a packet's CPU. A packet is always the same shape — a catalog, a page
tree, one QR form, the embedded subsets of one font, and a content stream per page — so here
each object is one f-string, and what repeats between packets (a font subset's compressed
program, widths and ToUnicode map) is made once per process. ReportLab still does the font
work it is good at: metrics, the TrueType subset and the character numbering (`PacketFont`).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from functools import lru_cache

from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def pdf_string(text: str) -> bytes:
    """A PDF text string: literal (escaped) when ASCII, UTF-16 with a byte-order mark if not."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode("ascii") + b">"


class PdfFile:
    """Objects numbered in the order they are reserved; `finish` writes the file."""

    def __init__(self) -> None:
        self._objects: list[bytes | None] = []

    def reserve(self) -> int:
        self._objects.append(None)
        return len(self._objects)

    def put(self, number: int, body: bytes) -> None:
        self._objects[number - 1] = body

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.put(number, body)
        return number

    def add_stream(self, entries: bytes, data: bytes, *, compress: bool = True) -> int:
        """A stream object (`entries` is the rest of its dictionary)."""
        return self.add(stream_object(entries, zlib.compress(data) if compress else data,
                                      compressed=compress))

    def finish(self, root: int, info: int) -> bytes:
        parts = [HEADER]
        offsets = []
        at = len(HEADER)
        for number, body in enumerate(self._objects, start=1):
            if body is None:
                raise ValueError(f"PDF object {number} was reserved but never written")
            chunk = b"%d 0 obj\n%b\nendobj\n" % (number, body)
            offsets.append(at)
            at += len(chunk)
            parts.append(chunk)
        count = len(self._objects) + 1
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
        xref += [b"%010d 00000 n \n" % offset for offset in offsets]
        # The file's identifier: a digest of its objects, so the same packet is the same file.
        digest = hashlib.sha256(b"".join(parts)).hexdigest()[:32].upper().encode("ascii")
        trailer = (b"trailer\n<< /ID [<%b> <%b>] /Info %d 0 R /Root %d 0 R /Size %d >>\n"
                   b"startxref\n%d\n%%%%EOF\n" % (digest, digest, info, root, count, at))
        return b"".join(parts) + b"".join(xref) + trailer


def stream_object(entries: bytes, data: bytes, *, compressed: bool) -> bytes:
    flate = b" /Filter /FlateDecode" if compressed else b""
    return b"<< %b%b /Length %d >>\nstream\n%b\nendstream" % (entries, flate, len(data), data)


@lru_cache(maxsize=128)
def _flated(data: bytes) -> bytes:
    return zlib.compress(data)


@lru_cache(maxsize=64)
def _subset_streams(font: TTFont, subset: tuple[int, ...], n: int) -> tuple[bytes, bytes, bytes]:
    """One subset's font program and ToUnicode map (compressed) and its widths array: the
    same bytes for every packet whose text numbers the same characters the same way."""
    face = font.face
    base = (SUBSETN(n) + b"+" + face.name + face.subfontNameX).decode("latin-1")
    program = face.makeSubset(list(subset))
    program_stream = stream_object(b"/Length1 %d" % len(program), _flated(program),
                                   compressed=True)
    cmap = makeToUnicodeCMap(base, list(subset)).encode("latin-1")
    cmap_stream = stream_object(b"", _flated(cmap), compressed=True)
    widths = " ".join(_number(face.getCharWidth(code)) for code in subset).encode("ascii")
    return program_stream, cmap_stream, widths


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def add_font_subsets(pdf: PdfFile, font: TTFont, subsets: Sequence[Sequence[int]]) -> list[int]:
    """Embed each subset of `font` a document used (TrueType, one byte a character, with a
    ToUnicode map so that its text can be searched and copied); returns the font objects."""
    face = font.face
    flags = (face.flags & ~32) | 4  # symbolic, as PDF wants for a subset with its own codes
    bbox = " ".join(_number(v) for v in face.bbox).encode("ascii")
    numbers = []
    for n, subset in enumerate(subsets):
        program, cmap, widths = _subset_streams(font, tuple(subset), n)
        base = SUBSETN(n) + b"+" + face.name + face.subfontNameX
        program_ref = pdf.add(program)
        cmap_ref = pdf.add(cmap)
        descriptor = pdf.add(
            b"<< /Type /FontDescriptor /Ascent %d /CapHeight %d /Descent %d /Flags %d "
            b"/FontBBox [%b] /FontName /%b /ItalicAngle %b /StemV %d /FontFile2 %d 0 R "
            b"/MissingWidth %d >>" % (
                face.ascent, face.capHeight, face.descent, flags, bbox, base,
                _number(face.italicAngle).encode("ascii"), face.stemV, program_ref,
                face.defaultWidth))
        numbers.append(pdf.add(
            b"<< /Type /Font /Subtype /TrueType /BaseFont /%b /FirstChar 0 /LastChar %d "
            b"/Widths [%b] /FontDescriptor %d 0 R /ToUnicode %d 0 R >>" % (
                base, len(subset) - 1, widths, descriptor, cmap_ref)))
    return numbers
