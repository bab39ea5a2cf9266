"""Clawback log reading: a synthetic log set of N GB read for one document, against the
naive filter grep/awk run on the same files (the floor), and memory flat in log size.

The set is a rotated web server's: combined-format logs plain and gzipped (as logrotate
leaves them) and a CloudFront W3C log, with a fixed number of requests for the document
(downloads, ranges, HEAD, 304, 404, internal and outside-window requests) whatever the
size, and a malformed line now and then. spilldesk reads every line (each is counted and
checked for its format; malformed ones are reported by line number), parses the lines that
name the document and decides who received the whole of it. The floor only selects lines:
`grep -F name | awk '$9 == 200'` (zcat for the gzipped files) — it neither checks lines nor
answers who received the document, so it is the speed to beat, not a peer's answer.
Memory is the peak resident size of the reading process or its largest worker, at a tenth
of the size and at the full size.

    python benchmarks/bench_clawback.py [--gigabytes 1] [--workers 2] [--folder DIR]

The default (1 GB) writes docs/benchmarks/clawback.md; another size writes
docs/benchmarks/clawback-<N>gb.md beside it (the 10 GB figures: --gigabytes 10).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from figures import write_figures  # noqa: E402

EST = timezone(timedelta(hours=-5))
URL = "/doclib/detention/FY23_detentionStats11282022.xlsx"
NAME = URL.rsplit("/", 1)[1]
SIZE = 1_146_880
POSTED = datetime(2022, 11, 28, 9, 45, tzinfo=EST)
REMOVED = datetime(2022, 11, 28, 14, 4, tzinfo=EST)
RECIPIENTS = 40  # planted downloaders; the same number at every size
BLOCK_LINES = 4_000
AGENTS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/107.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
          "Gecko) Version/16.1 Safari/605.1.15",
          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 16_1 like Mac OS X) AppleWebKit/605.1.15")
PAGES = ("/", "/detain/detention-management", "/news/releases", "/about-ice", "/contact",
         "/doclib/detention/FY22_detentionStats09292022.xlsx", "/sites/default/files/main.css",
         "/themes/custom/ice/logo.svg", "/robots.txt", "/favicon.ico", "/careers")
# (share of the set, kind, file name)
FILES = ((0.35, "combined", "access.log"), (0.25, "combined", "access.log.1"),
         (0.15, "gzip", "access.log.2.gz"), (0.10, "gzip", "access.log.3.gz"),
         (0.15, "w3c", "cloudfront-E2ABC.2022-11-28.log"))


def _client(rng: random.Random) -> str:
    return f"{rng.choice((23, 47, 68, 73, 98, 136, 173, 207))}.{rng.randint(0, 255)}." \
           f"{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _moment(rng: random.Random) -> datetime:
    return datetime(2022, 11, 28, tzinfo=EST) + timedelta(seconds=rng.randint(0, 86_399))


def _combined(client: str, at: datetime, method: str, path: str, status: int, size: int,
              agent: str) -> str:
    return (f'{client} - - [{at:%d/%b/%Y:%H:%M:%S %z}] "{method} {path} HTTP/1.1" {status} '
            f'{size or "-"} "-" "{agent}"\n')


def _w3c(client: str, at: datetime, method: str, path: str, status: int, size: int,
         agent: str) -> str:
    utc = at.astimezone(UTC)
    return "\t".join((f"{utc:%Y-%m-%d}", f"{utc:%H:%M:%S}", "IAD89-C1", str(size + 350), client,
                      method, "d111.cloudfront.net", path, str(status), "-",
                      agent.replace(" ", "%2520"), "-", "-", "Miss", "r", str(size), "-",
                      "-")) + "\n"


W3C_HEADER = ("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method "
              "cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) "
              "x-edge-result-type x-edge-request-id sc-content-len sc-range-start sc-range-end\n")


def _pool(rng: random.Random, render) -> list[str]:  # type: ignore[no-untyped-def]
    pool = []
    for _ in range(20_000):
        path = rng.choice(PAGES)
        status = 304 if path.endswith((".css", ".svg")) and rng.random() < 0.4 else 200
        pool.append(render(_client(rng), _moment(rng), "GET", path, status,
                           0 if status == 304 else rng.randint(800, 400_000), rng.choice(AGENTS)))
    return pool


def _document_lines(rng: random.Random, render, share: float,  # type: ignore[no-untyped-def]
                    index: int):
    """This file's share of the fixed set of requests for the document."""
    lines = []
    inside = lambda: POSTED + timedelta(seconds=rng.randint(60, 15_000))  # noqa: E731
    for n in range(round(RECIPIENTS * share)):
        client = f"203.0.{index}.{n + 1}"
        lines.append(render(client, inside(), "GET", URL, 200, SIZE, AGENTS[n % 4]))
        lines.append(render(client, inside(), "GET", URL, 304, 0, AGENTS[n % 4]))
    for _ in range(round(200 * share)):
        client = _client(rng)
        kind = rng.choice(("head", "partial", "404", "late", "internal"))
        if kind == "head":
            lines.append(render(client, inside(), "HEAD", URL, 200, 0, AGENTS[0]))
        elif kind == "partial":
            lines.append(render(client, inside(), "GET", URL, 206, 65_536, AGENTS[1]))
        elif kind == "404":
            lines.append(render(client, REMOVED + timedelta(minutes=rng.randint(1, 300)), "GET",
                                URL, 404, 1_254, AGENTS[1]))
        elif kind == "late":
            lines.append(render(client, POSTED - timedelta(minutes=rng.randint(5, 300)), "GET",
                                URL, 404, 1_254, AGENTS[0]))
        else:
            lines.append(render("198.51.100.23", inside(), "GET", URL, 200, SIZE, AGENTS[0]))
    return lines


def make_log_set(folder: Path, gigabytes: float, seed: int = 14) -> dict[str, int]:
    rng = random.Random(seed)
    pools = {"combined": _pool(rng, _combined), "w3c": _pool(rng, _w3c)}
    total = lines = 0
    for index, (share, kind, name) in enumerate(FILES):
        render = _w3c if kind == "w3c" else _combined
        pool = pools["w3c" if kind == "w3c" else "combined"]
        planted = _document_lines(rng, render, share, index)
        target = int(gigabytes * share * 1e9)
        opener = gzip.open if kind == "gzip" else open
        with opener(folder / name, "wt", encoding="utf-8") as handle:  # type: ignore[operator]
            written = 0
            if kind == "w3c":
                handle.write(W3C_HEADER)
                written += len(W3C_HEADER)
                lines += 2
            while written < target:
                block = rng.choices(pool, k=BLOCK_LINES)
                if planted:
                    block.append(planted.pop())
                block.append("a line cut short by a full disk [28/Nov/2022\n")
                text = "".join(block)
                handle.write(text)
                written += len(text)
                lines += len(block)
            for line in planted:
                handle.write(line)
                written += len(line)
                lines += 1
        total += written
    return {"bytes": total, "lines": lines}


READER = """
import json, resource, sys, time
from pathlib import Path
from spilldesk.clawback.logs import read_logs
from spilldesk.clawback.recipients import Document, Window, find_recipients, normalise_path
from spilldesk.clawback.owners import parse_networks
from datetime import datetime, timedelta, timezone
est = timezone(timedelta(hours=-5))
folder, workers, url, size = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
started = time.perf_counter()
reading = read_logs([folder], url.rsplit("/", 1)[1], workers=workers)
window = Window(datetime(2022, 11, 28, 9, 45, tzinfo=est),
                datetime(2022, 11, 28, 14, 4, tzinfo=est))
found = find_recipients(reading.requests, Document(normalise_path(url), size), window,
                        parse_networks(["198.51.100.0/24"]))
seconds = time.perf_counter() - started
me = resource.getrusage(resource.RUSAGE_SELF)
workers_ = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = max(me.ru_maxrss, workers_.ru_maxrss) / 1024
cpu = me.ru_utime + me.ru_stime + workers_.ru_utime + workers_.ru_stime
print(json.dumps({"seconds": seconds, "lines": reading.lines, "malformed": reading.malformed,
                  "requests": len(reading.requests), "recipients": len(found.recipients),
                  "evidence": found.evidence_counts(), "peak_mb": peak, "cpu": cpu}))
"""


def ours(folder: Path, workers: int) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", READER, str(folder), str(workers), URL,
                             str(SIZE)], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def floor(folder: Path) -> dict[str, float]:
    """grep -F | awk on the same files (zcat for the gzipped ones): lines, not answers."""
    plain = " ".join(f"'{folder / n}'" for _, k, n in FILES if k == "combined")
    zipped = " ".join(f"'{folder / n}'" for _, k, n in FILES if k == "gzip")
    w3c = " ".join(f"'{folder / n}'" for _, k, n in FILES if k == "w3c")
    pipeline = (f"{{ grep -hF '{NAME}' {plain}; zcat {zipped} | grep -F '{NAME}'; "
                f"grep -hF '{NAME}' {w3c} | awk -F'\\t' '{{print \"x\",$5,$9,$16}}'; }} "
                f"| awk '$9 == 200 || $3 == 200' | wc -l")
    awk_only = (f"{{ awk '/{NAME}/ && $9 == 200' {plain}; zcat {zipped} | "
                f"awk '/{NAME}/ && $9 == 200'; awk -F'\\t' '/{NAME}/ && $9 == 200' {w3c}; }} "
                f"| wc -l")
    timings = {}
    for label, command in (("grep", pipeline), ("awk", awk_only)):
        before = _children_cpu()
        started = time.perf_counter()
        out = subprocess.run(["bash", "-c", f"export LC_ALL=C; {command}"], check=True,
                             capture_output=True, text=True).stdout
        timings[label] = time.perf_counter() - started
        timings[f"{label}_cpu"] = _children_cpu() - before
        timings[f"{label}_lines"] = int(out.strip() or 0)
    return timings


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _row(label: str, seconds: float, cpu: float, lines: int, data: int, note: str = "") -> str:
    return (f"| {label} | {seconds:.1f} s | {cpu:.1f} s | {lines / seconds / 1e6:.2f} M | "
            f"{data / seconds / 1e6:.0f} MB/s | {data / cpu / 1e6:.0f} MB/s | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to write the log set (default: a temporary folder)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="spilldesk-clawback-bench-", dir=args.folder))
    try:
        small, full = base / "small", base / "full"
        small.mkdir()
        full.mkdir()
        started = time.perf_counter()
        small_set = make_log_set(small, args.gigabytes / 10)
        full_set = make_log_set(full, args.gigabytes)
        made = time.perf_counter() - started
        on_disk = sum(p.stat().st_size for p in full.iterdir())
        load = os.getloadavg()[0]
        small_run = ours(small, args.workers)
        full_run = ours(full, args.workers)
        naive = floor(full)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    data, lines = full_set["bytes"], full_set["lines"]
    rows = [
        f"| log set | {data / 1e9:.2f} GB uncompressed ({on_disk / 1e9:.2f} GB on disk), "
        f"{lines:,} lines in {len(FILES)} files: 2 plain and 2 gzipped combined-format, 1 "
        f"CloudFront W3C | | | | | | made in {made:.0f} s |",
        _row(f"spilldesk: read, check, find recipients ({args.workers} workers)",
             full_run["seconds"], full_run["cpu"], lines, data,
             f"{full_run['recipients']} recipients (planted {RECIPIENTS}); "
             f"{full_run['malformed']:,} malformed lines reported"),
        _row("floor: grep -F \\| awk (zcat for .gz)", naive["grep"], naive["grep_cpu"], lines,
             data, f"ratio {full_run['seconds'] / naive['grep']:.1f}× wall, "
             f"{full_run['cpu'] / naive['grep_cpu']:.1f}× CPU; {naive['grep_lines']} lines "
             "selected, no answer"),
        _row("floor: awk alone", naive["awk"], naive["awk_cpu"], lines, data,
             f"ratio {full_run['seconds'] / naive['awk']:.1f}× wall, "
             f"{full_run['cpu'] / naive['awk_cpu']:.1f}× CPU"),
        f"| peak memory, {small_set['bytes'] / 1e9:.2f} GB vs {data / 1e9:.2f} GB | "
        f"{small_run['peak_mb']:.0f} MB vs {full_run['peak_mb']:.0f} MB | | | | | flat: the "
        "chunk and the requests for the document, never the log |",
    ]
    print("\n".join(rows))
    size = f"{args.gigabytes:g}"
    area = "clawback" if args.gigabytes == 1.0 else f"clawback-{size}gb"
    command = "python benchmarks/bench_clawback.py" + (
        "" if area == "clawback" else f" --gigabytes {size}")
    write_figures(area, f"Clawback log reading, {size} GB",
                  "| measure | wall | CPU | lines/s (wall) | MB/s (wall) | MB/s per CPU-second | "
                  "notes |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows)
                  + f"\n\nMB are uncompressed bytes. Evidence at {data / 1e9:.2f} GB: "
                  f"{full_run['evidence']}. Load average when reading began: {load:.1f} on "
                  f"{os.cpu_count()} cores (a shared machine: wall times include waiting for "
                  "the CPU; CPU times do not).", command)


if __name__ == "__main__":
    main()
