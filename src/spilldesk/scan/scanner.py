"""The gate: scan files and folders, recursing into archives and embedded objects."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from spilldesk.scan.errors import ScanError, UnsupportedFormat
from spilldesk.scan.findings import (
    hidden_finding,
    table_findings,
    text_findings,
    uninspectable_finding,
)
from spilldesk.scan.pieces import (
    Embedded,
    HiddenContent,
    Location,
    Table,
    TextPiece,
    Uninspectable,
)
from spilldesk.scan.readers import DEFAULT_LIMITS, Limits, read_document
from spilldesk.scan.report import FileReport, Finding, Verdict
from spilldesk.scan.verdict import verdict_for, worst

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


def scan_path(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> FileReport:
    """Judge one file; never raises for a bad file (its report has verdict `error`)."""
    file = Path(path)
    if not file.is_file():
        return FileReport(str(path), Verdict.ERROR, error=f"{path}: no such file")

    def opener() -> BinaryIO:
        return file.open("rb")

    return _scan(opener, str(path), 0, limits)


def scan_paths(paths: Iterable[str | Path], *, limits: Limits = DEFAULT_LIMITS) -> list[FileReport]:
    """Judge files and every file below given folders (sorted, hidden folders skipped)."""
    return [scan_path(file, limits=limits) for file in walk(paths)]


def walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    yield Path(folder) / name
        else:
            yield path


def scan_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> FileReport:
    return _scan(lambda: io.BytesIO(data), name, 0, limits)


def _scan(opener: Callable[[], BinaryIO], name: str, depth: int, limits: Limits) -> FileReport:
    findings: list[Finding] = []
    members: list[FileReport] = []
    try:
        if depth > limits.max_depth:
            raise ScanError(
                f"{name}: nested deeper than {limits.max_depth} levels; possible zip bomb"
            )
        for piece in read_document(opener, name, limits):
            if isinstance(piece, Table):
                findings += table_findings(piece)
            elif isinstance(piece, TextPiece):
                findings += text_findings(piece)
            elif isinstance(piece, HiddenContent):
                findings.append(hidden_finding(piece))
            elif isinstance(piece, Uninspectable):
                findings.append(uninspectable_finding(piece))
            elif isinstance(piece, Embedded):
                members.append(_member(piece, name, depth, limits))
    except UnsupportedFormat as error:
        if depth == 0:
            return FileReport(name, Verdict.ERROR, findings, error=str(error), members=members)
        unseen = Uninspectable(
            Location(name, "embedded_object").hide("not inspectable"), str(error)
        )
        return FileReport(name, Verdict.REVIEW, [uninspectable_finding(unseen)], members=members)
    except ScanError as error:
        return FileReport(name, Verdict.ERROR, findings, error=str(error), members=members)
    except (RecursionError, MemoryError) as error:
        return FileReport(
            name, Verdict.ERROR, error=f"{name}: too complex to scan ({type(error).__name__})"
        )
    except Exception as error:  # the gate's boundary: a malformed file must never crash it
        return FileReport(name, Verdict.ERROR, error=f"{name}: unreadable ({type(error).__name__})")
    verdict = worst([verdict_for(findings), *(m.verdict for m in members)])
    return FileReport(name, verdict, findings, members=members, sha256=_digest(opener))


def _member(piece: Embedded, parent: str, depth: int, limits: Limits) -> FileReport:
    name = f"{parent}!/{piece.name}"
    if piece.name.lower().endswith(_INERT) or not piece.data:
        return FileReport(name, Verdict.PASS)
    report = _scan(lambda: io.BytesIO(piece.data), name, depth + 1, limits)
    if piece.location.hidden:
        report.findings.insert(0, hidden_finding(HiddenContent(piece.location, "embedded file")))
    return report


def _digest(opener: Callable[[], BinaryIO]) -> str:
    digest = hashlib.sha256()
    with opener() as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
