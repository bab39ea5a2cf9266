"""Turning what the detectors saw in a piece into findings."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator

from spilldesk.domain.anumber import normalize_a_number
from spilldesk.scan.detectors import GOVERNMENT_IDS, REPORTABLE, Hit, find_all
from spilldesk.scan.detectors.date_of_birth import DETECTOR as BIRTH_DATES
from spilldesk.scan.detectors.date_of_birth import plausible_birth_date
from spilldesk.scan.pieces import HiddenContent, Table, TextPiece, Uninspectable
from spilldesk.scan.report import Finding, Severity
from spilldesk.scan.tables import RecordBlock, record_blocks

# Entities that only inform (public offices print phone numbers, addresses, countries).
INFORMATIONAL = frozenset({"PHONE", "EMAIL", "STREET_ADDRESS", "NATIONALITY"})
NAMED_IN_CONTEXT = 0.9
# The "patterns" of findings that no regex made: a table's header row or, without one, the
# shape of its column values; a line that ties a name to an identifier or birth date.
HEADER_ROW, COLUMN_VALUES, NAME_BESIDE_ID = "header_row", "column_values", "name_beside_identifier"
_CELL_SPLIT = re.compile(r"\t|\s{2,}|\s*\|\s*")


def table_findings(table: Table) -> Iterator[Finding]:
    for block in record_blocks(table):
        yield from block_findings(block)


def block_findings(block: RecordBlock) -> Iterator[Finding]:
    where = block.location
    found_by = (HEADER_ROW if block.header_row else COLUMN_VALUES,)
    if block.records:
        yield Finding(
            "PERSON_RECORDS",
            where,
            0.95 if block.header_row else 0.8,
            Severity.BLOCK if block.records >= 3 else Severity.REVIEW,
            count=block.records,
            rows=block.records,
            entities=tuple(block.entities()),
            message=_record_message(block),
            patterns=found_by,
        )
    for entity, count in sorted(block.identifiers.items()):
        distinct = frozenset(i for i in block.distinct_ids if i.startswith(entity + ":"))
        yield Finding(
            entity,
            where,
            0.9,
            Severity.BLOCK if len(distinct) >= 3 else Severity.REVIEW,
            count=count,
            examples=tuple(block.examples.get(entity, [])),
            patterns=found_by,
            distinct=distinct,
        )


def _record_message(block: RecordBlock) -> str:
    header = f"header row {block.header_row}" if block.header_row else "no header row"
    hidden = f", {block.hidden_records} in hidden rows" if block.hidden_records else ""
    return f"{block.records} person record(s) ({header}{hidden})"


def text_findings(piece: TextPiece) -> Iterator[Finding]:
    tables = list(text_tables(piece))
    table_lines: set[int] = set()
    for table, numbers in tables:
        found = list(table_findings(table))
        if found:
            table_lines |= numbers
        yield from found
    index = _LineIndex(piece.text)
    hits = [h for h in find_all(piece.text) if index.of(h.start) not in table_lines]
    yield from _hit_findings(piece, hits)
    records = _line_records(piece.text, hits)
    if records:
        yield Finding(
            "PERSON_RECORDS",
            piece.location,
            0.7,
            Severity.BLOCK if records >= 3 else Severity.REVIEW,
            count=records,
            rows=records,
            message=f"{records} line(s) tie a name to an identifier or birth date",
            patterns=(NAME_BESIDE_ID,),
        )


def _hit_findings(piece: TextPiece, hits: list[Hit]) -> Iterator[Finding]:
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        if hit.score >= REPORTABLE:
            grouped[hit.entity].append(hit)
    for entity, found in sorted(grouped.items()):
        distinct = (
            frozenset(_identity(h) for h in found) if entity in GOVERNMENT_IDS else frozenset()
        )
        if entity in INFORMATIONAL or (
            entity == "PERSON_NAME" and not _named_in_context(piece, found)
        ):
            severity = Severity.INFO
        elif distinct:
            severity = Severity.BLOCK if len(distinct) >= 3 else Severity.REVIEW
        else:
            severity = Severity.REVIEW
        yield Finding(
            entity,
            piece.location,
            max(h.score for h in found),
            severity,
            count=len(found),
            examples=tuple(dict.fromkeys(h.masked for h in found))[:3],
            patterns=tuple(sorted({h.pattern for h in found if h.pattern})),
            distinct=distinct,
        )


def _named_in_context(piece: TextPiece, hits: list[Hit]) -> bool:
    """A name introduced by a title or label, outside the author fields of the properties."""
    return piece.location.part != "properties" and any(h.score >= NAMED_IN_CONTEXT for h in hits)


def _identity(hit: Hit) -> str:
    if hit.entity == "A_NUMBER":
        return "A_NUMBER:" + normalize_a_number(hit.value)
    return f"{hit.entity}:" + re.sub(r"[\s-]", "", hit.value).upper()


def _line_records(text: str, hits: list[Hit]) -> int:
    """Lines where a person's name sits beside an identifier or a birth date.

    Either is enough when it was found for sure (a prefixed A-number, `DOB:`); without
    context, a number shaped like an A-number or SSN *and* a plausible birth date on the
    name's line make a record too: the shape of a leaked list (`GARCIA LOPEZ JUAN 211409175
    07/18/1982`).
    """
    lines = _LineIndex(text)
    named: set[int] = set()
    tied: set[int] = set()
    numbered: set[int] = set()
    for hit in hits:
        line = lines.of(hit.start)
        if hit.entity == "PERSON_NAME":
            named.add(line)
        elif hit.entity in GOVERNMENT_IDS or hit.entity == "DATE_OF_BIRTH":
            (tied if hit.score >= REPORTABLE else numbered).add(line)
    dated = {n for n in named & numbered - tied if _has_birth_date(lines.text_of(n))}
    return len(named & tied) + len(dated)


def _has_birth_date(line: str) -> bool:
    return any(
        plausible_birth_date(match.group(0))
        for pattern in BIRTH_DATES.patterns
        for match in pattern.regex.finditer(line)
    )


class _LineIndex:
    """Line numbers of offsets in a text, by bisection (texts may be large)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def text_of(self, line: int) -> str:
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end]


def text_tables(piece: TextPiece) -> Iterator[tuple[Table, set[int]]]:
    """Runs of 2+ lines split into 3+ aligned fields (PDF layouts, pasted tables)."""
    if "\t" not in piece.text and "  " not in piece.text and "|" not in piece.text:
        return
    run: list[tuple[int, list[str]]] = []
    for number, line in enumerate([*piece.text.split("\n"), ""]):
        cells = [c for c in _CELL_SPLIT.split(line.strip()) if c] if line.strip() else []
        if len(cells) >= 3:
            run.append((number, cells))
            continue
        if len(run) >= 2:
            rows = [(index, cells) for index, (_, cells) in enumerate(run, start=1)]
            yield Table(piece.location, rows), {n for n, _ in run}
        run = []


def hidden_finding(fact: HiddenContent) -> Finding:
    return Finding(
        "HIDDEN_CONTENT",
        fact.location,
        0.0,
        Severity.INFO,
        count=max(fact.cells, 1),
        message=fact.what,
    )


def uninspectable_finding(fact: Uninspectable) -> Finding:
    return Finding("UNINSPECTABLE", fact.location, 0.3, Severity.REVIEW, message=fact.what)
