"""Reading access logs for one document, in bounded memory, on every core.

Each file is read a megabyte at a time: the lines are counted and checked against their
format's shape in the regex engine, and only the lines that name the document's file are
parsed. Memory is the chunk, plus the requests for the document — flat in the size of the
log. Plain files are cut into pieces that worker processes read side by side (a crash or a
memory blow-up on hostile bytes stays in the worker); compressed files (gzip, bzip2, xz) are
read whole by one worker. The requests of every file are merged by time.

A file that cannot be read (missing, damaged compression, not an access log at all) is an
error naming the file: nothing is skipped. A malformed line is counted and reported by line
number, never fatal.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from io import BufferedIOBase
from pathlib import Path

from spilldesk.clawback import combined
from spilldesk.clawback.requests import LogRequest
from spilldesk.clawback.w3c import Columns, W3CError
from spilldesk.errors import ServiceError
from spilldesk.worker_pool import WorkerDied, process_pool

CHUNK = 1 << 20
PIECE = 128 << 20  # plain files are read in pieces of this size, side by side
REPORTED = 20  # malformed line numbers kept per file (all are counted)
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"\x28\xb5\x2f\xfd": "zstd"}
_DIRECTIVE = re.compile(rb"(?m)^#[^\n]*\n")
_ALNUM = re.compile(r"[A-Za-z0-9]+")


class LogError(ServiceError):
    """A log file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Piece:
    path: Path
    format: str  # combined | w3c
    compression: str | None
    start: int
    end: int | None  # None: to the end of the file
    needle: bytes
    index: int = 0


@dataclass
class PieceResult:
    piece: Piece
    bytes_read: int = 0
    lines: int = 0
    malformed: int = 0
    malformed_at: list[int] = field(default_factory=list)  # line numbers within the piece
    malformed_mentions: int = 0
    requests: list[tuple[int, LogRequest]] = field(default_factory=list)

    def bad(self, line: int, mentions: bool = False) -> None:
        self.malformed += 1
        self.malformed_mentions += mentions
        if len(self.malformed_at) < REPORTED:
            self.malformed_at.append(line)
        elif line < max(self.malformed_at):  # keep the first ones, found in any order
            self.malformed_at.remove(max(self.malformed_at))
            self.malformed_at.append(line)


@dataclass(frozen=True)
class FileReport:
    file: str
    format: str
    compression: str | None
    bytes: int
    lines: int
    malformed: int
    malformed_lines: tuple[int, ...]  # the first ones
    malformed_mentions: int  # malformed lines that name the document's file

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "format": self.format, "compression": self.compression,
                "bytes": self.bytes, "lines": self.lines, "malformed": self.malformed,
                "malformed_lines": list(self.malformed_lines),
                "malformed_mentioning_document": self.malformed_mentions}


@dataclass(frozen=True)
class LogReading:
    files: tuple[FileReport, ...]
    requests: tuple[LogRequest, ...]  # lines that name the document, merged by time

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def malformed(self) -> int:
        return sum(f.malformed for f in self.files)


def needle_for(file_name: str) -> bytes:
    """What a line naming the file surely contains: the longest run of its letters and digits
    (the characters no client percent-encodes), lowercased (lines are searched lowercased)."""
    runs = _ALNUM.findall(file_name)
    if not runs:
        raise LogError(f"{file_name!r}: no file name to look for in the logs")
    longest: str = max(runs, key=len)
    return longest.lower().encode()


def expand(paths: Sequence[Path]) -> list[Path]:
    """The files named, a folder standing for every file in it (a rotated set)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise LogError(f"{path}: no such log file")
    if not files:
        raise LogError("no log files given")
    return files


def read_logs(
    paths: Sequence[Path], file_name: str, *, workers: int = 2, piece_bytes: int = PIECE,
    on_progress: Callable[[int, int], None] | None = None,
) -> LogReading:
    """Every request for `file_name` in the logs, and what each file held."""
    needle = needle_for(file_name)
    files = expand(paths)
    pieces = [piece for path in files for piece in _pieces(path, needle, piece_bytes)]
    total = sum(_size(p) for p in pieces)
    results: list[PieceResult] = []
    done = 0
    for result in _run(pieces, workers):
        results.append(result)
        done += _size(result.piece)
        if on_progress:
            on_progress(done, total)
    return _assemble(files, results)


def _size(piece: Piece) -> int:
    end = piece.end if piece.end is not None else piece.path.stat().st_size
    return end - piece.start


def _run(pieces: list[Piece], workers: int) -> Iterator[PieceResult]:
    if workers <= 1 or len(pieces) <= 1:
        yield from map(read_piece, pieces)
        return
    with process_pool(min(workers, len(pieces)), preload=[__name__]) as pool:
        futures = [pool.submit(read_piece, piece) for piece in pieces]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BrokenProcessPool:
            raise WorkerDied("reading access logs") from None


def _assemble(files: list[Path], results: list[PieceResult]) -> LogReading:
    by_file: dict[Path, list[PieceResult]] = {path: [] for path in files}
    for result in results:
        by_file[result.piece.path].append(result)
    reports, requests = [], []
    for path, parts in by_file.items():
        parts.sort(key=lambda r: r.piece.index)
        before = 0
        malformed_at: list[int] = []
        for part in parts:
            malformed_at += [before + n for n in sorted(part.malformed_at)]
            requests += [r.located(f"{path.name}:{before + n}") for n, r in part.requests]
            before += part.lines
        report = FileReport(
            file=str(path), format=parts[0].piece.format,
            compression=parts[0].piece.compression, bytes=path.stat().st_size, lines=before,
            malformed=sum(p.malformed for p in parts),
            malformed_lines=tuple(malformed_at[:REPORTED]),
            malformed_mentions=sum(p.malformed_mentions for p in parts))
        if report.lines and report.malformed == report.lines:
            raise LogError(f"{path}: no line is in the combined/common or W3C extended log "
                           "format; is it a web server's access log?")
        reports.append(report)
    requests.sort(key=lambda r: r.at)
    return LogReading(tuple(reports), tuple(requests))


# --- one file, one piece --------------------------------------------------------------------


def _pieces(path: Path, needle: bytes, piece_bytes: int) -> list[Piece]:
    try:
        with path.open("rb") as handle:
            head = handle.read(6)
        size = path.stat().st_size
    except OSError as exc:
        raise LogError(f"{path}: cannot read ({exc.strerror or exc})") from None
    compression = next((name for magic, name in _MAGIC.items() if head.startswith(magic)), None)
    if compression == "zstd":
        raise LogError(f"{path}: zstd-compressed; decompress it first (zstd -d)")
    with _open(path, compression) as stream:
        first = _first_line(path, stream)
    fmt = "w3c" if first.startswith(b"#") else "combined"
    if compression or fmt == "w3c" or size <= piece_bytes:
        return [Piece(path, fmt, compression, 0, None, needle)]
    starts = range(0, size, piece_bytes)
    return [Piece(path, fmt, None, start, min(start + piece_bytes, size), needle, index)
            for index, start in enumerate(starts)]


def _open(path: Path, compression: str | None) -> BufferedIOBase:
    try:
        if compression == "gzip":
            return gzip.open(path, "rb")
        if compression == "bzip2":
            return bz2.open(path, "rb")
        if compression == "xz":
            return lzma.open(path, "rb")
        return path.open("rb")
    except OSError as exc:
        raise LogError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _first_line(path: Path, stream: BufferedIOBase) -> bytes:
    try:
        for line in stream:
            if line.strip():
                return line.lstrip(b"\xef\xbb\xbf")  # a byte-order mark before #Software
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise LogError(f"{path}: the compressed stream is damaged or cut short ({exc})") from None
    return b""


def _chunks(piece: Piece) -> Iterator[bytes]:
    """Whole lines, about a megabyte at a time: the lines that start inside the piece."""
    with _open(piece.path, piece.compression) as stream:
        if piece.start:
            stream.seek(piece.start - 1)
            stream.readline()  # the line that began before the piece belongs to the last one
        position = stream.tell() if piece.end is not None else 0
        while piece.end is None or position < piece.end:
            wanted = CHUNK if piece.end is None else min(CHUNK, piece.end - position)
            chunk = stream.read(wanted)
            if not chunk:
                return
            if not chunk.endswith(b"\n"):
                chunk += stream.readline()
                if not chunk.endswith(b"\n"):
                    chunk += b"\n"  # the file's last line, without its newline
            position += len(chunk)
            yield chunk


def read_piece(piece: Piece) -> PieceResult:
    """Count, check and search one piece (runs in a worker process)."""
    result = PieceResult(piece)
    reader = _W3CState() if piece.format == "w3c" else None
    try:
        for chunk in _chunks(piece):
            result.bytes_read += len(chunk)
            if reader is None:
                _combined_chunk(chunk, result)
            else:
                reader.chunk(chunk, result)
    except (EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
        raise LogError(f"{piece.path}: cannot be read to its end ({exc})") from None
    return result


def _mentions(chunk: bytes, needle: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of the chunk that names the document, newline included."""
    lowered = chunk.lower()
    at = lowered.find(needle)
    while at != -1:
        start = chunk.rfind(b"\n", 0, at) + 1
        end = chunk.index(b"\n", at) + 1
        yield start, end
        at = lowered.find(needle, end)


def _combined_chunk(chunk: bytes, result: PieceResult) -> None:
    first = result.lines
    lines = chunk.count(b"\n")
    rest, good = combined.SHAPE.subn(b"", chunk)
    mentioned: set[int] = set()
    counted = 0
    position = 0
    for start, end in _mentions(chunk, result.piece.needle):
        counted += chunk.count(b"\n", position, start)
        position = start
        number = first + counted + 1
        mentioned.add(number)
        line = chunk[start:end]
        request = None
        if combined.SHAPE.match(line):
            request = combined.parse_line(line.decode("utf-8", "replace").rstrip("\r\n"))
            if request is None:  # shaped like a log line, yet not a request we can read
                result.bad(number, mentions=True)
                good -= 1
        else:
            result.bad(number, mentions=True)
        if request is not None:
            result.requests.append((number, request))
    if rest:
        _report_malformed(chunk, rest, first, result, mentioned)
    result.lines += lines


def _report_malformed(chunk: bytes, rest: bytes, first: int, result: PieceResult,
                      already: set[int]) -> None:
    """Number the lines the shape left over (`rest`: the malformed lines, in order), by
    finding each, whole, in the chunk."""
    position, counted = 0, 0
    for line in rest.split(b"\n")[:-1]:
        start = 0 if chunk.startswith(line + b"\n") and position == 0 else \
            chunk.index(b"\n" + line + b"\n", max(position - 1, 0)) + 1
        counted += chunk.count(b"\n", position, start)
        position = start + len(line) + 1
        number = first + counted + 1
        counted += 1
        if number not in already:
            result.bad(number)


class _W3CState:
    """The columns in force as a W3C file is read, directive by directive."""

    def __init__(self) -> None:
        self.directive: str | None = None
        self.columns: Columns | None = None

    def chunk(self, chunk: bytes, result: PieceResult) -> None:
        position = 0
        for found in _DIRECTIVE.finditer(chunk):
            self._data(chunk[position:found.start()], result)
            result.lines += 1
            text = found.group().decode("utf-8", "replace").strip()
            if text.lower().startswith("#fields:"):
                self.directive, self.columns = text, None
            position = found.end()
        self._data(chunk[position:], result)

    def _data(self, data: bytes, result: PieceResult) -> None:
        if not data:
            return
        first = result.lines
        lines = data.count(b"\n")
        columns = self._columns(data, result)
        if columns is None:  # data before any #Fields: nothing says what the values are
            for offset in range(1, lines + 1):
                result.bad(first + offset)
            result.lines += lines
            return
        rest, good = columns.shape.subn(b"", data)
        mentioned: set[int] = set()
        counted, position = 0, 0
        for start, end in _mentions(data, result.piece.needle):
            counted += data.count(b"\n", position, start)
            position = start
            number = first + counted + 1
            mentioned.add(number)
            line = data[start:end]
            request = None
            if columns.shape.match(line):
                request = columns.parse(line.decode("utf-8", "replace"))
                if request is None:
                    good -= 1
                    result.bad(number, mentions=True)
            else:
                result.bad(number, mentions=True)
            if request is not None:
                result.requests.append((number, request))
        if rest:
            _report_malformed(data, rest, first, result, mentioned)
        result.lines += lines

    def _columns(self, data: bytes, result: PieceResult) -> Columns | None:
        if self.columns is None and self.directive is not None:
            separator = "\t" if b"\t" in data.split(b"\n", 1)[0] else " "
            try:
                self.columns = Columns.declare(self.directive, separator)
            except W3CError as exc:
                raise LogError(f"{result.piece.path}: {exc}") from None
        return self.columns
