"""The gate: scan files and folders, recursing into archives and embedded objects.

`walk_document` is the one walk through a file and the files inside it (archive members,
embedded objects, PDF attachments): the nesting limit, inert members skipped, the reading
boundary (`errors.unreadable`), an unreadable embedded format made an `Unopened` piece. What
is done with each piece is the caller's `judge`: the gate's (`judge_piece`) turns pieces into
findings; record extraction, document lines, the egress check and the monitor collect what
they need through the same walk (`unpacked.each_piece`), so they fail exactly where the
gate's verdict is `error`.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

from spilldesk.scan.errors import ScanError, UnsupportedFormat, unreadable
from spilldesk.scan.findings import (
    hidden_finding,
    table_findings,
    text_findings,
    uninspectable_finding,
)
from spilldesk.scan.isolation import run_isolated, run_isolated_each
from spilldesk.scan.limits import Limits
from spilldesk.scan.pieces import (
    Embedded,
    HiddenContent,
    Location,
    Piece,
    Table,
    TextPiece,
    Uninspectable,
    Unopened,
)
from spilldesk.scan.readers import is_inert, load_readers, read_document
from spilldesk.scan.report import FileReport, Finding, Verdict
from spilldesk.scan.verdict import verdict_for, worst


def scan_path(path: str | Path, *, limits: Limits | None = None) -> FileReport:
    """Judge one file in a worker process; never raises for a bad file (its report has
    verdict `error`, whatever the file does to the worker)."""
    return scan_paths([path], limits=limits)[0] if Path(path).is_file() else _missing(path)


def scan_paths(
    paths: Iterable[str | Path], *, limits: Limits | None = None
) -> list[FileReport]:
    """Judge files and every file below given folders (sorted, hidden folders skipped),
    in worker processes: each file with its own limits, whatever the others do."""
    files = list(walk(paths))
    try:
        chosen = limits or Limits.from_environment()
    except ScanError as error:
        return [FileReport(str(file), Verdict.ERROR, error=str(error)) for file in files]
    present = [str(file) for file in files if file.is_file()]
    load_readers((name, _head(name)) for name in present)
    jobs = [((name, name, chosen), name) for name in present]
    judged = dict(zip(present, run_isolated_each(_scan_file, jobs, chosen), strict=True))
    return [_report(judged[str(file)], str(file)) if str(file) in judged else _missing(file)
            for file in files]


def walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    yield Path(folder) / name
        else:
            yield path


def scan_bytes(data: bytes, name: str, *, limits: Limits | None = None) -> FileReport:
    """Judge bytes (an upload) in a worker process; never raises for a bad file."""
    return _isolated(_scan_data, data, name, limits)


def scan_file(path: str | Path, name: str, *, limits: Limits | None = None) -> FileReport:
    """Judge a file saved under another name (an upload on disk), reported by `name`."""
    return _isolated(_scan_file, str(path), name, limits)


def _isolated(
    task: Callable[..., FileReport], source: str | bytes, name: str, limits: Limits | None
) -> FileReport:
    try:
        chosen = limits or Limits.from_environment()
        load_readers([(name, source[:1024] if isinstance(source, bytes) else _head(source))])
        return run_isolated(task, source, name, chosen, name=name, limits=chosen)
    except ScanError as error:
        return FileReport(name, Verdict.ERROR, error=str(error))


def _head(path: str) -> bytes:
    """A file's first bytes (which readers it needs); unreadable: as if a package (all)."""
    try:
        with open(path, "rb") as stream:
            return stream.read(1024)
    except OSError:
        return b"PK"


def _report(result: FileReport | ScanError, name: str) -> FileReport:
    if isinstance(result, ScanError):
        return FileReport(name, Verdict.ERROR, error=str(result))
    return result


def _missing(path: str | Path) -> FileReport:
    return FileReport(str(path), Verdict.ERROR, error=f"{path}: no such file")


Judge = Callable[[Piece], Iterable[Finding]]


def judge_piece(piece: Piece) -> Iterable[Finding]:
    """The gate's judge: what a piece (never an `Embedded` one) says about the file."""
    if isinstance(piece, Table):
        return table_findings(piece)
    if isinstance(piece, TextPiece):
        return text_findings(piece)
    if isinstance(piece, HiddenContent):
        return [hidden_finding(piece)]
    if isinstance(piece, Uninspectable):
        return [uninspectable_finding(piece)]
    return []


def walk_document(
    opener: Callable[[], BinaryIO], name: str, limits: Limits, judge: Judge = judge_piece
) -> FileReport:
    """Walk a file and every file inside it, handing each piece to `judge` inside the
    reading boundary (whatever the judge raises makes that file `error`, as a reader would).
    Never raises for a bad file."""
    return _scan(opener, name, 0, limits, judge)


def _scan_file(path: str, name: str, limits: Limits) -> FileReport:
    def opener() -> BinaryIO:
        return open(path, "rb")

    return walk_document(opener, name, limits)


def _scan_data(data: bytes, name: str, limits: Limits) -> FileReport:
    return walk_document(lambda: io.BytesIO(data), name, limits)


def _scan(
    opener: Callable[[], BinaryIO], name: str, depth: int, limits: Limits, judge: Judge
) -> FileReport:
    findings: list[Finding] = []
    members: list[FileReport] = []
    try:
        if depth > limits.max_depth:
            raise ScanError(
                f"{name}: nested deeper than {limits.max_depth} levels; possible zip bomb"
            )
        for piece in read_document(opener, name, limits):
            if isinstance(piece, Embedded):
                members.append(_member(piece, name, depth, limits, judge))
            else:
                findings += judge(piece)
    except UnsupportedFormat as error:
        message = str(unreadable(name, error))
        if depth == 0:
            return FileReport(name, Verdict.ERROR, findings, error=message, members=members)
        unseen = Unopened(Location(name, "embedded_object").hide("not inspectable"), message)
        return FileReport(name, Verdict.REVIEW, list(judge(unseen)), members=members)
    except Exception as error:  # the gate's boundary: a malformed file must never crash it
        message = str(unreadable(name, error))
        return FileReport(name, Verdict.ERROR, findings, error=message, members=members)
    verdict = worst([verdict_for(findings), *(m.verdict for m in members)])
    return FileReport(name, verdict, findings, members=members, sha256=_digest(opener))


def _member(piece: Embedded, parent: str, depth: int, limits: Limits, judge: Judge) -> FileReport:
    name = f"{parent}!/{piece.name}"
    if is_inert(piece):
        return FileReport(name, Verdict.PASS)
    report = _scan(partial(io.BytesIO, piece.data), name, depth + 1, limits, judge)
    if piece.location.hidden:
        report.findings[:0] = judge(HiddenContent(piece.location, "embedded file"))
    return report


def _digest(opener: Callable[[], BinaryIO]) -> str:
    digest = hashlib.sha256()
    with opener() as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
