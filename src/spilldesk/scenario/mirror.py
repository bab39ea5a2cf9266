"""Saved web pages for leak monitoring: most ordinary, a few reposting leaked workbook rows
(an HTML table, pasted text with reformatted A-numbers and dates, prose, a hidden block)."""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from spilldesk.private_files import write_private
from spilldesk.scenario.workbook import WorkbookRow

ORDINARY_PAGES = 26


@dataclass(frozen=True)
class MirrorPage:
    name: str
    html: str
    rows: tuple[int, ...]  # workbook sheet rows the page carries
    a_numbers: tuple[str, ...]


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
        f"{body}\n</body>\n</html>\n"
    )


def _digits(cell: object) -> str:
    return "".join(ch for ch in str(cell) if ch.isdigit()).zfill(9)


def _dob(cell: object) -> datetime:
    return datetime.strptime(str(cell), "%m/%d/%Y")


def _table(rows: list[WorkbookRow]) -> str:
    head = "<tr><th>Last Name</th><th>First Name</th><th>A-Number</th><th>DOB</th>" \
           "<th>Country</th><th>Facility</th></tr>"
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row.cells[i]))}</td>" for i in (0, 1, 2, 3, 5, 8))
        + "</tr>"
        for row in rows
    )
    return f"<p>Rows from the spreadsheet ICE posted today:</p>\n<table>{head}{body}</table>"


def _pasted(rows: list[WorkbookRow]) -> str:
    lines = []
    for row in rows:
        digits = _digits(row.cells[2])
        a_number = f"A {digits[:3]}-{digits[3:6]}-{digits[6:]}"
        born = _dob(row.cells[3]).strftime("%Y-%m-%d")
        lines.append(f"{row.cells[0]}, {row.cells[1]} | {a_number} | {born} | {row.cells[5]}")
    text = html.escape("\n".join(lines))
    return f"<p>posted by anon_4471 &middot; 3 replies</p>\n<pre>{text}</pre>"


def _prose(rows: list[WorkbookRow]) -> str:
    sentences = []
    for row in rows:
        name = f"{str(row.cells[1]).title()} {str(row.cells[0]).title()}"
        born = _dob(row.cells[3]).strftime("%B %d, %Y")
        sentences.append(
            f"<p>{html.escape(name)}, born {born}, A# {_digits(row.cells[2])}, held at "
            f"{html.escape(str(row.cells[8]).title())}.</p>"
        )
    return "<p>Some of the people named in the ICE file:</p>\n" + "\n".join(sentences)


def _hidden(rows: list[WorkbookRow]) -> str:
    items = "".join(
        f"<li>{html.escape(str(r.cells[0]))} {html.escape(str(r.cells[1]))} "
        f"{html.escape(str(r.cells[2]))} {html.escape(str(r.cells[3]))}</li>"
        for r in rows
    )
    return (
        "<p>We have read the document and will not republish it.</p>\n"
        f"<div style=\"display:none\"><ul>{items}</ul></div>"
    )


LEAK_PAGES: tuple[tuple[str, str, int, Callable[[list[WorkbookRow]], str]], ...] = (
    ("blog-ice-spreadsheet-table.html", "What ICE put online", 25, _table),
    ("forum-thread-ice-leak.html", "ICE leaked detainee list?? (thread)", 12, _pasted),
    ("social-post-transcript.html", "Thread transcript", 3, _prose),
    ("news-site-cached-draft.html", "ICE posts detainee data by mistake", 6, _hidden),
)
ORDINARY_TOPICS = (
    ("ICE accidentally publishes names of thousands of detainees",
     "Advocates said the agency posted a spreadsheet on its website for about five hours."),
    ("Detention statistics FY2023", "Average daily population by facility, AOR and month."),
    ("How to find a detained person", "Use the Online Detainee Locator System with the A-number."),
    ("Know your rights during an ICE encounter", "You have the right to remain silent."),
    ("Immigration court backlog tops 2 million", "Case Nos. 22-1187 and 22-1190 were argued."),
    ("Facility directory", "146 CCA Road, Lumpkin, GA 31815. Phone (229) 838-5000."),
    ("Weekly community newsletter", "Meeting Thursday 7 pm, call 555-0199 for directions."),
    ("Asylum clinic volunteer schedule", "Shifts on Nov 30, Dec 2 and Dec 5, 2022."),
)


def _ordinary_page(rng: random.Random, index: int) -> MirrorPage:
    title, text = ORDINARY_TOPICS[index % len(ORDINARY_TOPICS)]
    paragraphs = "".join(f"<p>{html.escape(text)}</p>" for _ in range(rng.randint(2, 6)))
    body = f"<!-- page {index:02d} -->\n{paragraphs}"
    return MirrorPage(f"page-{index:02d}.html", _page(title, body), (), ())


def make_mirror(rng: random.Random, workbook: list[WorkbookRow]) -> list[MirrorPage]:
    pages = [_ordinary_page(rng, index) for index in range(1, ORDINARY_PAGES + 1)]
    for name, title, count, render in LEAK_PAGES:
        start = rng.randint(0, max(len(workbook) - count, 0))
        rows = workbook[start : start + count]  # reposts copy a contiguous block of the sheet
        pages.append(
            MirrorPage(name, _page(title, render(rows)), tuple(r.row for r in rows),
                       tuple(r.a_number for r in rows))
        )
    return sorted(pages, key=lambda page: page.name)


def write_mirror(folder: Path, pages: list[MirrorPage]) -> None:
    for page in pages:
        write_private(folder / page.name, page.html)
