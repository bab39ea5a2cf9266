"""DOCX: body text and tables, headers, footers, foot/endnotes, comments, tracked changes
(deleted text a viewer no longer sees), hidden (vanished) runs and document properties."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from spilldesk.scan.pieces import Location, Piece, Table, TextPiece
from spilldesk.scan.readers.ooxml import all_text, document_properties, local, parse_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARTS = re.compile(r"word/(header|footer|footnotes|endnotes|comments)\d*\.xml$")


def read_docx(package: zipfile.ZipFile, path: str) -> Iterator[Piece]:
    body = parse_xml(package, "word/document.xml")
    if body is not None:
        yield from _story(body, Location(path, "body"))
    for name in sorted(package.namelist()):
        match = _PARTS.match(name)
        if not match:
            continue
        root = parse_xml(package, name)
        if root is None:
            continue
        location = Location(path, match[1].rstrip("s"), cell=name)
        if match[1] == "comments":
            location = location.hide("comment")
        yield from _story(root, location)
    yield from document_properties(package, path)


def _story(root: etree._Element, location: Location) -> Iterator[Piece]:
    """A part's visible text, its tables, its deleted text and its vanished runs."""
    visible, deleted, vanished = [], [], []
    tables = 0
    for element in root.iter(f"{{{W}}}p", f"{{{W}}}tbl"):
        if local(element.tag) == "tbl":
            if _inside_table(element):
                continue
            tables += 1
            yield _table(element, location.at(part="table", page=None, cell=f"table {tables}"))
            continue
        if _inside_table(element):
            continue
        text, gone, unseen = _paragraph(element)
        visible.append(text)
        deleted.append(gone)
        vanished.append(unseen)
    if any(visible):
        yield TextPiece(location, "\n".join(visible))
    if any(deleted):
        tracked = location.at(part="tracked_change").hide("deleted text (tracked change)")
        yield TextPiece(tracked, "\n".join(deleted))
    if any(vanished):
        yield TextPiece(location.hide("hidden text (vanish)"), "\n".join(vanished))


def _inside_table(element: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == f"{{{W}}}tbl":
            return True
        parent = parent.getparent()
    return False


def _paragraph(paragraph: etree._Element) -> tuple[str, str, str]:
    visible: list[str] = []
    deleted: list[str] = []
    vanished: list[str] = []
    for run in paragraph.iter(f"{{{W}}}r"):
        hidden = run.find(f"{{{W}}}rPr/{{{W}}}vanish") is not None
        for node in run:
            if node.tag == f"{{{W}}}t":
                (vanished if hidden else visible).append(node.text or "")
            elif node.tag == f"{{{W}}}delText":
                deleted.append(node.text or "")
            elif node.tag == f"{{{W}}}tab":
                visible.append("\t")
    return "".join(visible), "".join(deleted), "".join(vanished)


def _table(table: etree._Element, location: Location) -> Table:
    rows = []
    for number, row in enumerate(table.iter(f"{{{W}}}tr"), start=1):
        rows.append((number, [all_text(cell) for cell in row.iter(f"{{{W}}}tc")]))
    return Table(location, rows)
