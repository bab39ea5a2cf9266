"""Packets: PDFs per second by the wall clock on 2 processes (target ≥ 300), spilldesk's
packets (its own PDF writer over ReportLab's fonts) against fpdf2 and WeasyPrint.

Every engine draws the same notices (English, Spanish, Brazilian Portuguese; every posture)
from the same Jinja2 letters: letter + FAQ sheet, DejaVu Sans embedded, a QR code with the
notice number and the page footer on every page. spilldesk lays out its pages and writes the
file itself, with ReportLab's font metrics and TrueType subsets (notify/pdf_file.py);
fpdf2 and WeasyPrint draw the same blocks in the peers' environment (peer_packets.py). The
headline is the shipped batch path (`render_packets`: files written) by the wall clock.
Writes docs/benchmarks/packets.md.

    python benchmarks/bench_packets.py [--notices 1200] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]

from figures import write_figures  # noqa: E402
from peers import PeersMissing, run_peer  # noqa: E402
from tests.notify.notify_cases import all_variants  # noqa: E402

from spilldesk.domain.notice_numbers import notice_number  # noqa: E402
from spilldesk.notify.batch import prepare_workers, render_packets  # noqa: E402
from spilldesk.notify.labels import page_footer  # noqa: E402
from spilldesk.notify.letters import render_packet_text  # noqa: E402
from spilldesk.notify.markup import parse_markup  # noqa: E402
from spilldesk.notify.notice_facts import NoticeFacts  # noqa: E402
from spilldesk.notify.packets import render_packet  # noqa: E402
from spilldesk.notify.pdf import FONTS  # noqa: E402

TARGET = 300


def notices(count: int) -> list[NoticeFacts]:
    by_language = [all_variants(language) for language in ("en", "es", "pt-BR")]
    # Round robin over the languages, then an even sample: every language and variant shape
    # is in the batch whatever its size.
    variants = [f for row in zip_longest(*by_language) for f in row if f is not None]
    step = max(1, len(variants) // count)
    chosen = (variants[::step] * (count // max(1, len(variants[::step])) + 1))[:count]
    return [replace(f, notice_number=notice_number("BENCH", i + 1)) for i, f in enumerate(chosen)]


# --- timing ----------------------------------------------------------------------------------

def _render_chunk(engine: str, chunk: Sequence[NoticeFacts]) -> tuple[int, float]:
    """Bytes made and CPU seconds spent (the machine may be shared: CPU time is honest)."""
    render = ENGINES[engine]
    began = time.process_time()
    size = sum(len(render(facts)) for facts in chunk)
    return size, time.process_time() - began


ENGINES: dict[str, Callable[[NoticeFacts], bytes]] = {"spilldesk": render_packet}


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


def peer_packets(facts: Sequence[NoticeFacts]) -> list[dict[str, object]]:
    """What the peers draw: each notice's pages as blocks, its number and its footer."""
    return [
        {
            "number": f.notice_number,
            "footer": page_footer(f.language, f.notice_number),
            "pages": [[[b.kind.value, b.text] for b in parse_markup(markup)]
                      for markup in render_packet_text(f)],
        }
        for f in facts
    ]


def run_peers(facts: Sequence[NoticeFacts], workers: int) -> dict[str, dict[str, dict]] | str:
    with tempfile.TemporaryDirectory() as tmp:
        given, out = Path(tmp) / "packets.json", Path(tmp) / "out.json"
        fonts = {"regular": str(FONTS / "DejaVuSans.ttf"),
                 "bold": str(FONTS / "DejaVuSans-Bold.ttf")}
        given.write_text(json.dumps({"fonts": fonts, "packets": peer_packets(facts)}))
        try:
            run_peer("peer_packets.py", given, out, workers)
        except PeersMissing as missing:
            return str(missing)
        answer: dict[str, dict[str, dict]] = json.loads(out.read_text())
        return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    prepare_workers()  # where `notify generate` starts the workers' server: before the notices
    facts = notices(args.notices)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        render_packets(facts[:20], Path(tmp) / "warm", workers=args.workers)
        began = time.perf_counter()
        render_packets(facts, Path(tmp) / "batch", workers=args.workers)
        shipped = len(facts) / (time.perf_counter() - began)
    one, cpu, size = rate("spilldesk", facts, 1)
    many, _, _ = rate("spilldesk", facts, args.workers)
    share = facts[: max(40, len(facts) // 10)]
    peers = run_peers(share, args.workers)
    load = max(load_before, os.getloadavg()[0])
    verdict = "met" if shipped >= TARGET else "**missed**"
    lines = [
        f"{len(facts)} notices (en/es/pt-BR, every posture and custody), letter + FAQ sheet, "
        f"{os.cpu_count()} cores, {args.workers} processes; load average up to {load:.1f} "
        "during the run (other work on the machine lowers the wall-clock figures; the "
        "per-CPU-second column says what the code costs).",
        "",
        f"Shipped batch (`render_packets`, files written): **{shipped:.0f} PDFs/s** by the wall "
        f"clock — target ≥ {TARGET} on 2 cores: {verdict}.",
        "",
        f"| engine | 1 process (wall) | {args.workers} processes (wall) | per CPU-second | size |",
        "|---|---:|---:|---:|---:|",
        f"| **spilldesk** (shipped: own PDF writer, ReportLab's fonts) | {one:.0f}/s | "
        f"{many:.0f}/s | {cpu:.0f}/s | "
        f"{size / 1024:.0f} KiB |",
    ]
    if isinstance(peers, str):
        lines.append(f"\nPeers not measured: {peers}.")
    else:
        for engine, got in peers.items():
            lines.append(f"| {engine} ({len(share)} notices) | {got['one']['wall']:.1f}/s | "
                         f"{got['many']['wall']:.1f}/s | {got['one']['cpu']:.1f}/s | "
                         f"{got['one']['size'] / 1024:.0f} KiB |")
        ratios = ", ".join(f"spilldesk / {engine} {cpu / got['one']['cpu']:.1f}x"
                           for engine, got in peers.items())
        lines += ["", f"Per CPU-second: {ratios}."]
    body = "\n".join(lines)
    print(body)
    write_figures("packets", "Notice packets: PDFs per second", body,
                  f"python benchmarks/bench_packets.py --notices {args.notices} "
                  f"--workers {args.workers}")


if __name__ == "__main__":
    main()
