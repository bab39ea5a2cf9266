"""PDF: the text layer of every page (laid out, so table columns stay apart), annotations,
document metadata and attached files (scanned recursively)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject

from spilldesk.scan.errors import ScanError
from spilldesk.scan.pieces import Embedded, Location, Piece, TextPiece

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes, path: str) -> Iterator[Piece]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ScanError(f"{path}: the PDF is password-protected; scan the unprotected file")
        pages = list(reader.pages)
    except ScanError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ScanError(f"{path}: damaged PDF ({type(error).__name__})") from None
    yield from _metadata(reader, path)
    for number, page in enumerate(pages, start=1):
        yield from _page(page, number, path)
    for name, contents in _attachments(reader, path):
        for index, blob in enumerate(contents):
            location = Location(path, "attachment", cell=name).hide("PDF attachment")
            yield Embedded(location, name if index == 0 else f"{name}#{index}", blob)


def _page(page: PageObject, number: int, path: str) -> Iterator[Piece]:
    location = Location(path, "page", page=number)
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception as error:  # pypdf raises many kinds on damaged content streams
        raise ScanError(f"{path}: page {number} cannot be read ({type(error).__name__})") from None
    if text.strip():
        yield TextPiece(location, text)
    notes = []
    try:
        for annotation in page.get("/Annots") or []:
            target = annotation.get_object()
            contents = target.get("/Contents") if isinstance(target, DictionaryObject) else None
            if contents:
                notes.append(str(contents))
    except Exception as error:  # a note that cannot be read may hold what the page does not
        raise ScanError(
            f"{path}: page {number}: annotations cannot be read ({type(error).__name__})"
        ) from None
    if notes:
        annotated = location.at(part="annotation").hide("PDF annotation")
        yield TextPiece(annotated, "\n".join(notes))


def _metadata(reader: PdfReader, path: str) -> Iterator[Piece]:
    try:
        info: dict[str, object] = dict(reader.metadata or {})
        lines = [f"{key.lstrip('/')}: {value}" for key, value in info.items() if value]
    except Exception as error:
        raise ScanError(
            f"{path}: document properties cannot be read ({type(error).__name__})"
        ) from None
    if lines:
        location = Location(path, "properties").hide("document properties")
        yield TextPiece(location, "\n".join(lines))


def _attachments(reader: PdfReader, path: str) -> list[tuple[str, list[bytes]]]:
    try:
        # Plain str and bytes: pypdf's own string type may not cross back from the worker.
        return [
            (str(name), [bytes(blob) for blob in blobs])
            for name, blobs in reader.attachments.items()
        ]
    except Exception as error:
        raise ScanError(f"{path}: attachments cannot be read ({type(error).__name__})") from None
