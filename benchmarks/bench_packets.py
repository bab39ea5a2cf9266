"""Packets: PDFs per second on 2 processes (target ≥ 300), ReportLab against fpdf2 and WeasyPrint.

Every engine renders the same notices (English, Spanish, Brazilian Portuguese; every posture)
from the same Jinja2 letters: letter + FAQ sheet, DejaVu Sans embedded, a QR code with the
notice number and the page footer on every page. ReportLab is the engine spilldesk ships;
the others are drawn here the same way for the comparison.

    python benchmarks/bench_packets.py [--notices 1200] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from html import escape
from pathlib import Path

import segno

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.notify.notify_cases import all_variants  # noqa: E402

from spilldesk.notify.batch import render_packets  # noqa: E402
from spilldesk.notify.facts import NoticeFacts  # noqa: E402
from spilldesk.notify.labels import page_footer  # noqa: E402
from spilldesk.notify.letters import render_packet_text  # noqa: E402
from spilldesk.notify.markup import BlockKind, parse_markup  # noqa: E402
from spilldesk.notify.numbers import notice_number  # noqa: E402
from spilldesk.notify.packets import render_packet  # noqa: E402
from spilldesk.notify.pdf import FONTS  # noqa: E402

FONT, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"  # the same for all


def notices(count: int) -> list[NoticeFacts]:
    variants = [f for language in ("en", "es", "pt-BR") for f in all_variants(language)]
    step = max(1, len(variants) // count)
    chosen = (variants[::step] * (count // max(1, len(variants[::step])) + 1))[:count]
    return [replace(f, notice_number=notice_number("BENCH", i + 1)) for i, f in enumerate(chosen)]


# --- fpdf2 -----------------------------------------------------------------------------------

def render_fpdf2(facts: NoticeFacts) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_margins(54, 44, 54)
    pdf.set_auto_page_break(True, 48)
    pdf.add_font("sans", "", str(FONT))
    pdf.add_font("sans", "B", str(BOLD))
    matrix = segno.make_qr(facts.notice_number, error="m", mask=0).matrix
    footer = page_footer(facts.language, facts.notice_number)

    def frame() -> None:
        cell = 54 / (len(matrix) + 2)
        for row, values in enumerate(matrix):
            for col, dark in enumerate(values):
                if dark:
                    pdf.rect(612 - 54 - 54 + (col + 1) * cell, 44 + (row + 1) * cell, cell,
                             cell, style="F")
        pdf.set_font("sans", "", 8)
        pdf.text(54, 792 - 30, footer.format(page=pdf.page_no(), pages="{nb}"))
        pdf.set_xy(54, 44)

    styles = {BlockKind.TITLE: ("B", 12.5), BlockKind.HEADING: ("B", 10.5)}
    for markup in render_packet_text(facts):
        pdf.add_page()
        frame()
        for block in parse_markup(markup):
            if block.kind is BlockKind.GAP:
                pdf.ln(6)
                continue
            style, size = styles.get(block.kind, ("", 9.5))
            pdf.set_font("sans", style, size)
            text = ("•  " if block.kind is BlockKind.BULLET else "") + block.text
            pdf.multi_cell(0, 12.2, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# --- WeasyPrint ------------------------------------------------------------------------------

_CSS = f"""@font-face {{ font-family: s; src: url("file://{FONT}"); }}
@font-face {{ font-family: s; font-weight: bold; src: url("file://{BOLD}"); }}
@page {{ size: letter; margin: 44pt 54pt 48pt; @bottom-left {{ content: var(--f);
  font: 8pt s; }} }}
body {{ font: 9.5pt/12.2pt s; }} h1 {{ font-size: 12.5pt; }} h2 {{ font-size: 10.5pt; }}
.qr {{ position: fixed; top: 0; right: 0; width: 54pt; }} section {{ page-break-after: always; }}
p, ul {{ margin: 0 0 6pt; }}"""


def render_weasyprint(facts: NoticeFacts) -> bytes:
    from weasyprint import HTML

    qr = segno.make_qr(facts.notice_number, error="m", mask=0).svg_data_uri()
    tags = {BlockKind.TITLE: "h1", BlockKind.HEADING: "h2", BlockKind.BULLET: "li",
            BlockKind.LINE: "div", BlockKind.PARAGRAPH: "p"}
    sections = []
    for markup in render_packet_text(facts):
        body = "".join(f"<{tags[b.kind]}>{escape(b.text)}</{tags[b.kind]}>"
                       for b in parse_markup(markup) if b.kind is not BlockKind.GAP)
        sections.append(f"<section>{body}</section>")
    footer = escape(page_footer(facts.language, facts.notice_number).split(" ·")[0])
    html = (f"<html><head><style>{_CSS} body {{ --f: '{footer}'; }}</style></head><body>"
            f"<img class=qr src='{qr}'>{''.join(sections)}</body></html>")
    return bytes(HTML(string=html).write_pdf())


# --- timing ----------------------------------------------------------------------------------

def _render_chunk(engine: str, chunk: Sequence[NoticeFacts]) -> tuple[int, float]:
    """Bytes made and CPU seconds spent (the machine may be shared: CPU time is honest)."""
    render = ENGINES[engine]
    began = time.process_time()
    size = sum(len(render(facts)) for facts in chunk)
    return size, time.process_time() - began


ENGINES: dict[str, Callable[[NoticeFacts], bytes]] = {
    "reportlab": render_packet, "fpdf2": render_fpdf2, "weasyprint": render_weasyprint,
}


def rate(engine: str, facts: Sequence[NoticeFacts], workers: int) -> tuple[float, float, int]:
    """PDFs/s by the wall clock, PDFs/s per CPU-second, average size; chunks of 50."""
    _render_chunk(engine, facts[:3])  # warm-up: fonts, templates
    chunks = [facts[i : i + 50] for i in range(0, len(facts), 50)]
    began = time.perf_counter()
    if workers == 1:
        results = [_render_chunk(engine, chunk) for chunk in chunks]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_render_chunk, [engine] * len(chunks), chunks))
    wall = time.perf_counter() - began
    size, cpu = sum(r[0] for r in results), sum(r[1] for r in results)
    return len(facts) / wall, len(facts) / cpu, size // len(facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    facts = notices(args.notices)
    print(f"{len(facts)} notices (en/es/pt-BR, every posture), {os.cpu_count()} cores, "
          f"{args.workers} processes")
    per_cpu: dict[str, float] = {}
    for engine in ENGINES:
        share = facts if engine == "reportlab" else facts[: max(60, len(facts) // 6)]
        one, cpu, size = rate(engine, share, 1)
        many, _, _ = rate(engine, share, args.workers)
        per_cpu[engine] = cpu
        print(f"{engine:>11}: {one:7.1f} PDFs/s on 1 process, {many:7.1f} on {args.workers} "
              f"(wall clock); {cpu:7.1f} per CPU-second → {cpu * args.workers:7.1f} on "
              f"{args.workers} dedicated cores; {size / 1024:.0f} KiB each, {len(share)} notices")
    for engine in ("fpdf2", "weasyprint"):
        ratio = per_cpu["reportlab"] / per_cpu[engine]
        print(f"reportlab / {engine} (per CPU-second): {ratio:.1f}x")
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        render_packets(facts, Path(tmp), workers=args.workers)
        written = len(facts) / (time.perf_counter() - began)
    load = os.getloadavg()[0]
    print(f"shipped batch (render_packets, files written): {written:.1f} PDFs/s wall clock "
          f"with load average {load:.1f} on {os.cpu_count()} cores; target 300 on 2 cores")


if __name__ == "__main__":
    main()
