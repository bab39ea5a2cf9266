"""Notice packets as PDF: laid out here, written by `pdf_file`, fast enough for thousands a
minute on two cores.

Every page carries the notice number in words and as a QR code (the code holds the notice
number and nothing about the person). Text is set in DejaVu Sans, shipped in `fonts/` (free
licence, see fonts/LICENSE-DejaVu.txt) cut down to the Latin scripts — accents of Spanish,
Portuguese, French, Vietnamese, Romanian, Turkish — and without hinting instructions: the
embedded subset is three times smaller and quicker to write.

Where the time goes is measured, not guessed (docs/notifications.md, "Speed"): each page's
text is one text object written here, a line's characters are encoded by `PacketFont`
without ReportLab's loop per character, and what repeats between packets is made once per
process — wrapped paragraphs, QR rectangles, the font subset and its compressed streams.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import segno
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from spilldesk.notify.markup import Block, BlockKind, parse_markup
from spilldesk.notify.pdf_file import PdfFile, add_font_subsets, pdf_string

REGULAR, BOLD = "SpilldeskSans", "SpilldeskSans-Bold"
FONTS = Path(__file__).parent / "fonts"

WIDTH, HEIGHT = LETTER
MARGIN = 54.0
TOP = HEIGHT - 44.0
QR_SIZE = 54.0
QR_BAND = TOP - QR_SIZE - 12  # below this line the full width is free
QR_COLUMN = QR_SIZE + 56  # beside the code: the code and its notice-number label
BODY = 9.5
LEADING = 12.2
# Headings are the regular face drawn with a thin outline (PDF text render mode 2) rather
# than a second embedded font: packets are a third smaller and a fifth quicker to make.
HEAVY = "heavy"
_STYLE = {  # font, size, space before, indent
    BlockKind.TITLE: (HEAVY, 12.5, 4.0, 0.0),
    BlockKind.HEADING: (HEAVY, 10.5, 2.0, 0.0),
    BlockKind.PARAGRAPH: (REGULAR, BODY, 0.0, 0.0),
    BlockKind.BULLET: (REGULAR, BODY, 2.0, 14.0),
    BlockKind.LINE: (REGULAR, BODY, 0.0, 0.0),
}


_PRINTABLE_ASCII = frozenset(map(chr, range(32, 127)))


class PacketFont(TTFont):  # type: ignore[misc]
    """ReportLab's TrueType font, with `splitString` (text to the embedded subset's codes)
    answered without a Python loop per character once a document has seen a line's characters.

    ReportLab numbers a document's characters in the order they first appear (printable ASCII
    keeps its own code) and loops over every character of every string to do so, the largest
    single cost of a packet. Here a line whose characters the document already numbered is
    encoded by one `str.translate`; a line with a new character goes through ReportLab's own
    loop (which numbers it) and the new codes are noted. The bytes are the same as ReportLab's.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        glyphs = self.face.charToGlyph
        # The shortcut relies on ReportLab's ASCII-readable subsets: printable ASCII (and the
        # no-break space, drawn as a space) encoded as itself in subset 0.
        self._fast = bool(self._asciiReadable) and all(c in glyphs for c in range(32, 127))
        # Packets in one language use the same few subsets: cut each font program once.
        make_subset = self.face.makeSubset
        subset_of = lru_cache(maxsize=64)(lambda codes: make_subset(list(codes)))
        self.face.makeSubset = lambda subset: subset_of(tuple(subset))

    def splitString(self, text, doc, encoding="utf-8"):  # type: ignore[no-untyped-def]
        if not (self._fast and isinstance(text, str)):
            return super().splitString(text, doc, encoding)
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable, self)
        if text.isascii() and text.isprintable():
            return [(0, text.encode("ascii"))] if text else []
        known: tuple[set[str], dict[int, str]] | None = state.__dict__.get("_spilldesk_codes")
        if known is None:
            known = state._spilldesk_codes = (set(_PRINTABLE_ASCII) | {"\xa0"}, {0xA0: " "})
        chars, table = known
        if chars.issuperset(text):
            return [(0, text.translate(table).encode("latin-1"))] if text else []
        result = super().splitString(text, doc, encoding)
        assignments = state.assignments
        for char in set(text) - chars:
            code = assignments.get(ord(char))
            if code is not None and code < 256:  # subset 0: one byte, same subset as ASCII
                chars.add(char)
                if code != ord(char):
                    table[ord(char)] = chr(code)
        return result


    def addObjects(self, doc):  # type: ignore[no-untyped-def]
        """ReportLab's font objects, with what repeats between packets made once: the
        compressed font program and ToUnicode map, the widths array (same bytes)."""
        before = set(doc.idToObject)
        super().addObjects(doc)
        for name in set(doc.idToObject) - before:  # this font's objects, nothing else's
            obj = doc.idToObject[name]
            if isinstance(obj, pdfdoc.PDFTrueTypeFont) and type(obj.Widths) is pdfdoc.PDFArray:
                obj.Widths = _NumberArray(obj.Widths.sequence)
            elif (isinstance(name, str) and name.startswith(("fontFile:", "toUnicodeCMap:"))
                  and isinstance(obj, pdfdoc.PDFStream) and "Filter" not in obj.dictionary.dict
                  and obj.filters == [pdfdoc.PDFZCompress]):
                # What the stream's filter would do when the document is written.
                obj.content = _flate(obj.content)
                obj.filters = None
                obj.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])


@lru_cache(maxsize=256)
def _flate(content: str | bytes) -> bytes:
    return bytes(pdfdoc.PDFZCompress.encode(content))


class _NumberArray(pdfdoc.PDFArray):  # type: ignore[misc]
    """A PDF array of plain numbers, formatted once for every packet that has the same."""

    def format(self, document, IND=b"\n "):  # type: ignore[no-untyped-def]  # noqa: N803
        return _formatted_numbers(tuple(self.sequence))


@lru_cache(maxsize=256)
def _formatted_numbers(numbers: tuple[float, ...]) -> bytes:
    return bytes(pdfdoc.PDFArray(list(numbers)).format(None))


@cache
def register_fonts() -> None:
    """Register the packet fonts once per process."""
    pdfmetrics.registerFont(PacketFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(PacketFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


@lru_cache(maxsize=65536)
def _width(word: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(word, font, size))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking on spaces; word widths are cached (letters repeat their words),
    and so are whole paragraphs (packets repeat most of their paragraphs)."""
    return list(_wrapped(text, font, size, width))


@lru_cache(maxsize=8192)
def _wrapped(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    space = _width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        w = _width(word, font, size)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        used += (space if current else 0.0) + w
        current.append(word)
    lines.append(" ".join(current))
    return tuple(lines)


class Line(NamedTuple):
    font: str
    size: float
    x: float
    text: str
    bullet: bool = False


Page = list[tuple[float, "Line"]]


def _closing_start(blocks: Sequence[Block]) -> int:
    """Where the sign-off (the trailing run of kept lines) begins."""
    start = len(blocks)
    while start and blocks[start - 1].kind in (BlockKind.LINE, BlockKind.GAP):
        start -= 1
    while start < len(blocks) and blocks[start].kind is BlockKind.GAP:
        start += 1
    return start


def _carry_over(pages: list[Page], top: float, count: int) -> float:
    """Start a page with the previous page's last `count` lines (a sign-off never stands
    alone on a page); returns the new y."""
    moved = pages[-1][-count:] if len(pages[-1]) > count + 3 else []
    if moved:
        del pages[-1][-count:]
    pages.append([])
    y = top
    for _, line in moved:
        y -= LEADING
        pages[-1].append((y, line))
    return y


def _layout(blocks: Sequence[Block], first_top: float, bottom: float) -> list[Page]:
    """Break blocks into lines and lines into pages: [(y, line), ...] per page."""
    pages: list[Page] = [[]]
    y = first_top
    width = WIDTH - 2 * MARGIN
    closing = _closing_start(blocks)
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.GAP:
            y -= LEADING * 0.5
            continue
        font, size, before, indent = _STYLE[block.kind]
        y -= before
        keep_with_next = 3 if block.kind in (BlockKind.TITLE, BlockKind.HEADING) else 1
        if index >= closing:  # the sign-off stays together
            keep_with_next = sum(1 for b in blocks[index:] if b.kind is not BlockKind.GAP)
        if y - LEADING * keep_with_next < bottom:
            if index == closing:
                y = _carry_over(pages, QR_BAND, 2)  # wrapped full width: below the code
            else:
                pages.append([])
                y = first_top
        # Beside the QR code in the top corner the text column is narrower.
        room = width - indent - (QR_COLUMN if y > QR_BAND else 0)
        texts = _wrapped(block.text, REGULAR, size, room)
        for i, text in enumerate(texts):
            if y - LEADING < bottom:
                pages.append([])
                y = QR_BAND
            y -= LEADING if block.kind is not BlockKind.TITLE else LEADING + 3
            bullet = block.kind is BlockKind.BULLET and i == 0
            pages[-1].append((y, Line(font, size, MARGIN + indent, text, bullet)))
    return pages


@lru_cache(maxsize=16384)
def _qr_run(cell: float, row: int, start: int, end: int) -> str:
    """One run of dark modules as a rectangle (codes repeat their runs: cached)."""
    y = QR_SIZE - (row + 2) * cell
    return f"{fp_str((start + 1) * cell, y, (end - start) * cell, cell)} re"


_SHAPE = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0" * 10 + "A" * 26)


@lru_cache(maxsize=64)
def _qr_fit(shape: str) -> tuple[int | str, str]:
    """The version and error level segno picks (smallest version, then the highest level that
    still fits) for a notice number of this shape: numbers alike in length and characters fit
    alike, so the search runs once per shape."""
    qr = segno.make_qr(shape, error="m", mask=0)
    return qr.version, qr.error.lower()


def _make_qr(notice_number: str) -> segno.QRCode:
    version, error = _qr_fit(notice_number.translate(_SHAPE))
    # A fixed mask: segno's mask search costs 1 ms a code.
    return segno.make_qr(notice_number, version=version, error=error, boost_error=False, mask=0)


_DARK_RUNS = re.compile(b"[^\x00]+")


def _qr_form(pdf: PdfFile, notice_number: str) -> int:
    """The notice number's QR code as a form drawn on every page: one run of dark modules
    is one rectangle."""
    qr = _make_qr(notice_number)
    matrix = qr.matrix
    cell = QR_SIZE / (len(matrix) + 2)
    runs = [_qr_run(cell, row, run.start(), run.end())
            for row, values in enumerate(matrix) for run in _DARK_RUNS.finditer(bytes(values))]
    runs.append("f")
    box = fp_str(0, 0, QR_SIZE, QR_SIZE)
    return pdf.add_stream(b"/Type /XObject /Subtype /Form /BBox [%b] /Resources << >>"
                          % box.encode("ascii"), " ".join(runs).encode("ascii"))


@lru_cache(maxsize=8192)
def _origin(x: float, y: float) -> str:
    return f"1 0 0 1 {fp_str(x, y)} Tm"


@lru_cache(maxsize=64)
def _font_op(subset: int, size: float) -> str:
    return f"/F1+{subset} {fp_str(size)} Tf"


@lru_cache(maxsize=16384)
def _ascii_show(text: str) -> str:
    return f"({escapePDF(text.encode('ascii'))}) Tj"


def _text_object(font: PacketFont, doc: object, page: Sequence[tuple[float, Line]]) -> str:
    """A page's lines as one PDF text object (BT ... ET), naming the font only when it
    changes. Printable ASCII is its own code in the subset (see `PacketFont`), so those lines
    are cached whole."""
    code = ["BT"]
    mode = 0
    current: tuple[int, float] | None = None  # subset and size the text state has
    for y, line in page:
        wanted = 2 if line.font == HEAVY else 0
        if wanted != mode:
            code.append(f"{wanted} Tr")
            mode = wanted
        runs = ((line.x - 10, "\u2022"), (line.x, line.text)) if line.bullet else (
            (line.x, line.text),)
        for x, text in runs:
            if not text:
                continue
            code.append(_origin(x, y))
            if text.isascii() and text.isprintable():
                if current != (0, line.size):
                    current = (0, line.size)
                    code.append(_font_op(0, line.size))
                code.append(_ascii_show(text))
                continue
            for subset, encoded in font.splitString(text, doc):
                if current != (subset, line.size):
                    current = (subset, line.size)
                    code.append(_font_op(subset, line.size))
                code.append(f"({escapePDF(encoded)}) Tj")
    code.append("ET")
    return " ".join(code)


class _Document:
    """What a packet font numbers its characters for (one per PDF; weakly referenced)."""


_PAGE_SETUP = (f"q 1 0 0 1 {fp_str(WIDTH - MARGIN - QR_SIZE, TOP - QR_SIZE)} cm /QR Do Q "
               "0.4 w ")  # the code in the top corner; the outline width of headings


def render_packet_pdf(
    notice_number: str, pages_markup: Sequence[str], *, footer: str, title: str = "Notice"
) -> bytes:
    """One PDF: each markup text starts on a new page; `footer` may use {page} and {pages}."""
    register_fonts()
    font = pdfmetrics.getFont(REGULAR)
    laid_out: list[Page] = []
    for markup in pages_markup:
        laid_out.extend(_layout(parse_markup(markup), TOP, 48.0))
    doc = _Document()
    # The notice number under the code, right-aligned, and the footer: 8 pt, every page.
    label = (TOP - QR_SIZE - 9,
             Line(REGULAR, 8, WIDTH - MARGIN - _width(notice_number, REGULAR, 8), notice_number))
    contents = [
        _PAGE_SETUP + _text_object(font, doc, [*page, label, (30.0, Line(
            REGULAR, 8, MARGIN, footer.format(page=number, pages=len(laid_out))))])
        for number, page in enumerate(laid_out, start=1)]
    # A packet whose text is all ASCII never numbered a character: the first subset as is.
    state = font.state.get(doc) or TTFont.State(font._asciiReadable, font)
    subsets = state.subsets
    pdf = PdfFile()
    catalog, tree, info = pdf.reserve(), pdf.reserve(), pdf.reserve()
    qr = _qr_form(pdf, notice_number)
    fonts = add_font_subsets(pdf, font, subsets)
    names = b" ".join(b"/F1+%d %d 0 R" % pair for pair in enumerate(fonts))
    resources = pdf.add(b"<< /Font << %b >> /XObject << /QR %d 0 R >> /ProcSet [/PDF /Text] >>"
                        % (names, qr))
    kids = []
    for content in contents:
        stream = pdf.add_stream(b"", content.encode("latin-1"))
        kids.append(pdf.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %b] /Resources %d 0 R "
            b"/Contents %d 0 R >>" % (tree, fp_str(WIDTH, HEIGHT).encode("ascii"), resources,
                                      stream)))
    pdf.put(tree, b"<< /Type /Pages /Count %d /Kids [%b] >>" % (
        len(kids), b" ".join(b"%d 0 R" % kid for kid in kids)))
    pdf.put(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    pdf.put(info, b"<< /Producer (spilldesk) /Title %b >>" % pdf_string(f"{title} {notice_number}"))
    return pdf.finish(catalog, info)
