"""The report and the oversight notices as PDF: ReportLab's page layout (platypus) over the
same outline as the HTML page, set in the desk's DejaVu Sans; charts as vector drawings."""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from spilldesk.notify.pdf import BOLD, REGULAR, register_fonts
from spilldesk.reports.charts import Chart
from spilldesk.reports.document import Facts, Section, Table

ACCENT, LINE, SHADE = colors.HexColor("#1f4e79"), colors.HexColor("#d9e2ec"), colors.HexColor(
    "#f2f5f8")
MARGIN = 0.75 * inch
PAIRED_ROWS = 24  # two short tables side by side must fit on one page together
WIDTH = LETTER[0] - 2 * MARGIN


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20,
                                spaceAfter=2),
        "meta": ParagraphStyle("meta", parent=body, textColor=colors.HexColor("#5b6b7a"),
                               fontSize=8.5),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12, leading=15,
                             textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8, leading=10,
                               spaceAfter=0),
        "num": ParagraphStyle("num", parent=body, fontSize=8, leading=10, spaceAfter=0,
                              alignment=2),
        "caption": ParagraphStyle("caption", parent=body, fontName=BOLD, fontSize=8.5,
                                  spaceAfter=2),
        "figcaption": ParagraphStyle("figcaption", parent=body, fontSize=8,
                                     textColor=colors.HexColor("#5b6b7a")),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text), quote=False), style)


def _table(block: Table, st: dict[str, ParagraphStyle], width: float = WIDTH, *,
           nested: bool = False) -> list[Any]:
    head = [_p(h, st["num"] if i in block.numeric else st["head"])
            for i, h in enumerate(block.header)]
    body = [[_p(v, st["num"] if i in block.numeric else st["cell"]) for i, v in enumerate(row)]
            for row in block.rows]
    widths = _widths(block, width)
    table = PdfTable([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    parts: list[Any] = [_p(block.caption, st["caption"])] if block.caption else []
    if nested:
        return [*parts, table]
    return [KeepTogether([*parts, table]) if len(block.rows) <= 12 else table, Spacer(1, 6)]


def _side_by_side(left: Table, right: Table | None,
                  st: dict[str, ParagraphStyle]) -> list[Any]:
    """Two short tables of counts beside each other (one alone keeps half the width)."""
    half = WIDTH / 2 - 9
    cells = [_table(left, st, half, nested=True),
             _table(right, st, half, nested=True) if right else ""]
    outer = PdfTable([cells], colWidths=[WIDTH / 2, WIDTH / 2], hAlign="LEFT")
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 9)]))
    return [outer, Spacer(1, 6)]


def _widths(block: Table, width: float) -> list[float]:
    """Numbers as wide as their longest value (headers wrap); a text column at least as wide
    as its longest word, and the room left shared by how long its longest entry is."""
    columns = range(len(block.header))
    cells = [[str(block.header[i])] + [str(r[i]) for r in block.rows] for i in columns]
    values = [max([len(c) for c in cells[i][1:]] or [1]) for i in columns]
    words = [max((len(w) for c in cells[i] for w in c.split()), default=1) for i in columns]
    numeric = {i: max(values[i], words[i], 5) * 5.0 + 12 for i in columns if i in block.numeric}
    least = {i: min(words[i], 24) * 5.8 + 14 for i in columns if i not in block.numeric}
    if not least:
        spare = (width - sum(numeric.values())) / max(len(numeric), 1)
        return [numeric[i] + max(spare, 0) for i in columns]
    room = max(width - sum(numeric.values()) - sum(least.values()), 0.0)
    want = {i: max(min(max(values[i], len(cells[i][0])), 60) * 5.2 + 14 - least[i], 0.0)
            for i in least}
    total = sum(want.values()) or 1.0
    return [numeric[i] if i in numeric else least[i] + room * want[i] / total for i in columns]


def _facts(block: Facts, st: dict[str, ParagraphStyle]) -> list[Any]:
    rows = [[_p(k, st["head"]), _p(v, st["cell"])] for k, v in block.pairs]
    table = PdfTable(rows, colWidths=[2.1 * inch, WIDTH - 2.1 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return [table, Spacer(1, 6)]


def _chart(chart: Chart, st: dict[str, ParagraphStyle]) -> list[Any]:
    drawing = chart.drawing(REGULAR)
    if drawing is None:
        return [_p(chart.empty, st["body"])]
    return [KeepTogether([drawing, _p(chart.caption, st["figcaption"])])]


def flowables(sections: Sequence[Section], st: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = []
    for section in sections:
        story.append(CondPageBreak(1.4 * inch))
        heading = len(story)
        story.append(_p(section.title, st["h2"]))
        blocks = list(section.blocks)
        while blocks:
            block = blocks.pop(0)
            if isinstance(block, Table) and block.narrow and len(block.rows) > PAIRED_ROWS:
                story += _table(block, st, WIDTH / 2 - 9)  # too long to keep beside another
            elif isinstance(block, Table) and block.narrow:
                pair = blocks.pop(0) if blocks and isinstance(blocks[0], Table) and \
                    blocks[0].narrow and len(blocks[0].rows) <= PAIRED_ROWS else None
                story += _side_by_side(block, pair, st) if pair else _table(block, st,
                                                                            WIDTH / 2 - 9)
            elif isinstance(block, Chart):
                story += _chart(block, st)
            elif isinstance(block, Table):
                story += _table(block, st)
            elif isinstance(block, Facts):
                story += _facts(block, st)
            else:
                story.append(_p(block, st["body"]))
            if heading is not None:  # a heading stays with what follows it
                title, first = story[heading:heading + 2]
                inner = first._content if isinstance(first, KeepTogether) else [first]
                story[heading:heading + 2] = [KeepTogether([title, *inner])]
                heading = None
    return story


def render_pdf(title: str, meta: str, sections: Sequence[Section], *, footer: str,
               lead: Sequence[str] = ()) -> bytes:
    """A PDF: title, a line of metadata, optional lead paragraphs, then the sections."""
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=0.7 * inch, bottomMargin=0.7 * inch, title=title,
                            author="spilldesk", invariant=1)

    def frame(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#5b6b7a"))
        canvas.drawString(MARGIN, 0.45 * inch, footer)
        canvas.drawRightString(LETTER[0] - MARGIN, 0.45 * inch, f"page {document.page}")
        canvas.restoreState()

    story: list[Any] = [_p(title, st["title"]), _p(meta, st["meta"])]
    story += [_p(text, st["body"]) for text in lead]
    story += flowables(sections, st)
    doc.build(story, onFirstPage=frame, onLaterPages=frame)
    return buffer.getvalue()


def render_report_pdf(figures: dict[str, Any], sections: Sequence[Section]) -> bytes:
    i = figures["incident"]
    return render_pdf(f"Privacy incident report: {i['id']}",
                      f"{i['title']} · figures as of the end of {figures['as_of']} · generated "
                      f"{figures['generated_at']} · no personal data in this report", sections,
                      footer=f"spilldesk · incident {i['id']} · report as of {figures['as_of']}")
