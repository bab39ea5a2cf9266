"""HTML: visible text, tables, hidden elements, comments and attributes that carry text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from spilldesk.scan.errors import ScanError
from spilldesk.scan.pieces import Location, Piece, Table, TextPiece
from spilldesk.scan.readers.ooxml import all_text

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0", re.I)
_TEXT_ATTRIBUTES = ("title", "alt", "value", "content", "placeholder", "aria-label", "label")
_SKIP = {"script", "style", "noscript", "template"}


def read_html(text: str, path: str) -> Iterator[Piece]:
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError) as error:
        raise ScanError(f"{path}: not readable as HTML ({error})") from None
    visible: list[str] = []
    hidden: list[str] = []
    comments: list[str] = []
    attributes: list[str] = []
    tables = 0
    for element in root.iter():
        if isinstance(element, etree._Comment):
            comments.append(str(element.text or ""))
            continue
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            continue
        attributes += _attribute_texts(element)
        if element.tag == "table" and element.find(".//table") is None:
            tables += 1
            where = Location(path, "table", cell=f"table {tables}")
            if _hidden(element):
                where = where.hide("hidden element")
            yield _table(element, where)
            continue
        if _in_table(element):
            continue
        own = (element.text or "").strip()
        tail = (element.tail or "").strip()
        (hidden if _hidden(element) else visible).append(own)
        parent = element.getparent()
        if tail:
            (hidden if parent is not None and _hidden(parent) else visible).append(tail)
    yield from _pieces(path, visible, hidden, comments, attributes)


def _pieces(
    path: str, visible: list[str], hidden: list[str], comments: list[str], attributes: list[str]
) -> Iterator[Piece]:
    parts = [
        (Location(path, "text"), visible),
        (Location(path, "text").hide("hidden element"), hidden),
        (Location(path, "html_comment").hide("HTML comment"), comments),
        (Location(path, "attribute").hide("element attributes"), attributes),
    ]
    for location, texts in parts:
        joined = "\n".join(t for t in texts if t.strip())
        if joined:
            yield TextPiece(location, joined)


def _hidden(element: etree._Element) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if isinstance(node.tag, str) and (
            node.get("hidden") is not None
            or node.get("aria-hidden") == "true"
            or (node.tag == "input" and node.get("type") == "hidden")
            or _HIDDEN_STYLE.search(node.get("style", ""))
        ):
            return True
        node = node.getparent()
    return False


def _in_table(element: etree._Element) -> bool:
    return any(a.tag == "table" for a in element.iterancestors())


def _attribute_texts(element: etree._Element) -> list[str]:
    texts = [element.get(a, "") for a in _TEXT_ATTRIBUTES]
    texts += [v for k, v in element.attrib.items() if str(k).startswith("data-")]
    return [t for t in texts if t.strip()]


def _table(table: etree._Element, location: Location) -> Table:
    rows = []
    hidden_rows = set()
    for number, row in enumerate(table.iter("tr"), start=1):
        cells = [all_text(cell) for cell in row if cell.tag in ("td", "th")]
        rows.append((number, cells))
        if _hidden(row):
            hidden_rows.add(number)
    return Table(location, rows, hidden_rows=frozenset(hidden_rows))
