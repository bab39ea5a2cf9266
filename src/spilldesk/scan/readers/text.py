"""Plain text and JSON. JSON arrays of objects become tables (keys are the header)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import BinaryIO

from spilldesk.scan.errors import ScanError
from spilldesk.scan.pieces import Location, Piece, Table, TextPiece

_MAX_DEPTH = 64


TEXT_CHUNK = 4 << 20


def read_text(opener: Callable[[], BinaryIO], encoding: str, path: str) -> Iterator[Piece]:
    """Plain text, streamed in chunks of whole lines: memory stays bounded for any size.

    Each chunk says where it starts (`cell`: "line N") so a finding can be found again.
    """
    with opener() as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        first_line = 1
        while True:
            chunk = text.read(TEXT_CHUNK)
            if not chunk:
                return
            chunk += text.readline()  # end on a line boundary
            if chunk.strip():
                yield TextPiece(Location(path, "text", cell=f"line {first_line}"), chunk)
            first_line += chunk.count("\n")


def read_json(text: str, path: str) -> Iterator[Piece]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ScanError(f"{path}: not valid JSON ({error})") from None
    tables: list[tuple[str, list[dict[str, object]]]] = []
    strings: list[str] = []
    _walk(document, "$", tables, strings, 0, path)
    for pointer, records in tables:
        keys = list(dict.fromkeys(k for record in records for k in record))
        rows = [(1, keys)] + [
            (n, [_scalar(record.get(k)) for k in keys]) for n, record in enumerate(records, start=2)
        ]
        yield Table(Location(path, "json", cell=pointer), rows)
    if strings:
        yield TextPiece(Location(path, "json"), "\n".join(strings))


def _walk(
    node: object,
    pointer: str,
    tables: list[tuple[str, list[dict[str, object]]]],
    strings: list[str],
    depth: int,
    path: str,
) -> None:
    if depth > _MAX_DEPTH:  # a limit hit is an error: what lies deeper would go unread
        raise ScanError(f"{path}: JSON nested deeper than {_MAX_DEPTH} levels; flatten it")
    if isinstance(node, list) and node and all(isinstance(i, dict) for i in node):
        tables.append((pointer, node))
        for index, item in enumerate(node):
            for key, value in item.items():
                if isinstance(value, dict | list):
                    _walk(value, f"{pointer}[{index}].{key}", tables, strings, depth + 1, path)
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict | list):
                _walk(value, f"{pointer}.{key}", tables, strings, depth + 1, path)
            elif value is not None:
                strings.append(f"{key}: {value}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, f"{pointer}[{index}]", tables, strings, depth + 1, path)
    elif node is not None:
        strings.append(str(node))


def _scalar(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()
