"""CSV/TSV, streamed: the encoding and delimiter are decided from the first block, then
rows are read one at a time, so memory stays bounded whatever the file's size."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from spilldesk.scan.errors import ScanError
from spilldesk.scan.pieces import Location, Piece, Row, Table

SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    from charset_normalizer import from_bytes  # only for text that is not plain UTF-8

    best = from_bytes(head).best()
    return best.encoding if best is not None else "latin-1"


def detect_delimiter(sample: str, name: str) -> str:
    if name.lower().endswith((".tsv", ".tab")):
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        lines = sample.splitlines()[:20]
        counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_delimited(opener: Callable[[], BinaryIO], path: str) -> Iterator[Piece]:
    with opener() as stream:
        head = stream.read(SNIFF_BYTES)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ScanError(f"{path}: binary content, not a CSV file")
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="replace")
    cut = sample.rfind("\n")
    delimiter = detect_delimiter(sample[: cut if cut > 0 else len(sample)], path)
    yield Table(Location(path, "csv"), _rows(opener, encoding, delimiter, path))


def _rows(
    opener: Callable[[], BinaryIO], encoding: str, delimiter: str, path: str
) -> Iterator[Row]:
    with opener() as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                yield number, [c.strip() for c in cells]
        except csv.Error as error:
            raise ScanError(f"{path}: row {reader.line_num}: malformed CSV ({error})") from None
