"""fpdf2 and WeasyPrint drawing spilldesk's notice packets (run in the peers' environment by
bench_packets.py).

    python benchmarks/peer_packets.py PACKETS.json OUT.json WORKERS

PACKETS.json holds, per notice, what spilldesk's renderer draws: the pages' blocks (kind,
text) from the same Jinja2 letters, the notice number (for the QR code) and the footer, and
the fonts' paths. Each engine draws them the way spilldesk's ReportLab renderer does: letter
size, DejaVu Sans embedded, a QR code on every page, the footer with page numbers. Reports
PDFs/s by the wall clock on 1 and WORKERS processes, and per CPU-second.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import segno

Packet = dict[str, Any]
_FONTS: dict[str, str] = {}


def render_fpdf2(packet: Packet) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_margins(54, 44, 54)
    pdf.set_auto_page_break(True, 48)
    pdf.add_font("sans", "", _FONTS["regular"])
    pdf.add_font("sans", "B", _FONTS["bold"])
    matrix = segno.make_qr(packet["number"], error="m", mask=0).matrix

    def frame() -> None:
        cell = 54 / (len(matrix) + 2)
        for row, values in enumerate(matrix):
            for col, dark in enumerate(values):
                if dark:
                    pdf.rect(612 - 54 - 54 + (col + 1) * cell, 44 + (row + 1) * cell, cell,
                             cell, style="F")
        pdf.set_font("sans", "", 8)
        pdf.text(54, 792 - 30, packet["footer"].format(page=pdf.page_no(), pages="{nb}"))
        pdf.set_xy(54, 44)

    styles = {"title": ("B", 12.5), "heading": ("B", 10.5)}
    for page in packet["pages"]:
        pdf.add_page()
        frame()
        for kind, text in page:
            if kind == "gap":
                pdf.ln(6)
                continue
            style, size = styles.get(kind, ("", 9.5))
            pdf.set_font("sans", style, size)
            pdf.multi_cell(0, 12.2, ("•  " if kind == "bullet" else "") + text,
                           new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_weasyprint(packet: Packet) -> bytes:
    from weasyprint import HTML

    css = f"""@font-face {{ font-family: s; src: url("file://{_FONTS['regular']}"); }}
@font-face {{ font-family: s; font-weight: bold; src: url("file://{_FONTS['bold']}"); }}
@page {{ size: letter; margin: 44pt 54pt 48pt; @bottom-left {{ content: var(--f);
  font: 8pt s; }} }}
body {{ font: 9.5pt/12.2pt s; }} h1 {{ font-size: 12.5pt; }} h2 {{ font-size: 10.5pt; }}
.qr {{ position: fixed; top: 0; right: 0; width: 54pt; }} section {{ page-break-after: always; }}
p, ul {{ margin: 0 0 6pt; }}"""
    qr = segno.make_qr(packet["number"], error="m", mask=0).svg_data_uri()
    tags = {"title": "h1", "heading": "h2", "bullet": "li", "line": "div", "paragraph": "p"}
    sections = []
    for page in packet["pages"]:
        body = "".join(f"<{tags[kind]}>{escape(text)}</{tags[kind]}>"
                       for kind, text in page if kind != "gap")
        sections.append(f"<section>{body}</section>")
    footer = escape(packet["footer"].split(" ·")[0])
    html = (f"<html><head><style>{css} body {{ --f: '{footer}'; }}</style></head><body>"
            f"<img class=qr src='{qr}'>{''.join(sections)}</body></html>")
    return bytes(HTML(string=html).write_pdf())


ENGINES = {"fpdf2": render_fpdf2, "weasyprint": render_weasyprint}


def _chunk(engine: str, fonts: dict[str, str], packets: list[Packet]) -> tuple[int, float]:
    _FONTS.update(fonts)
    began = time.process_time()
    size = sum(len(ENGINES[engine](packet)) for packet in packets)
    return size, time.process_time() - began


def rate(
    engine: str, fonts: dict[str, str], packets: list[Packet], workers: int
) -> dict[str, float]:
    _chunk(engine, fonts, packets[:2])  # warm-up: fonts, layout caches
    chunks = [packets[i : i + 20] for i in range(0, len(packets), 20)]
    began = time.perf_counter()
    if workers == 1:
        results = [_chunk(engine, fonts, chunk) for chunk in chunks]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_chunk, [engine] * len(chunks), [fonts] * len(chunks), chunks))
    wall = time.perf_counter() - began
    size, cpu = sum(r[0] for r in results), sum(r[1] for r in results)
    return {"wall": len(packets) / wall, "cpu": len(packets) / cpu, "size": size / len(packets)}


def main() -> None:
    given, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    data = json.loads(given.read_text(encoding="utf-8"))
    answer = {}
    for engine in ENGINES:
        answer[engine] = {"one": rate(engine, data["fonts"], data["packets"], 1),
                          "many": rate(engine, data["fonts"], data["packets"], workers)}
    out.write_text(json.dumps(answer), encoding="utf-8")


if __name__ == "__main__":
    main()
