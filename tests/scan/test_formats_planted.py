"""Person records planted in CSV, PDF, DOCX, HTML, JSON, text and ZIP must block."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import openpyxl
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from spilldesk.scan import Verdict, scan_path
from tests.scan.scan_people import HEADERS_EN, HEADERS_ES, people

CROWD = people(12, seed=11)


def _csv(path: Path, delimiter: str = ",", encoding: str = "utf-8", spanish: bool = False) -> Path:
    headers = HEADERS_ES if spanish else HEADERS_EN
    rows = [p.row_es() if spanish else p.row_en(i) for i, p in enumerate(CROWD)]
    text = "\n".join(delimiter.join(r) for r in [headers, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_blocks(tmp_path: Path) -> None:
    assert scan_path(_csv(tmp_path / "people.csv")).verdict is Verdict.BLOCK


def test_latin1_semicolon_spanish_csv_blocks(tmp_path: Path) -> None:
    path = _csv(tmp_path / "lista.csv", ";", "latin-1", spanish=True)
    assert scan_path(path).verdict is Verdict.BLOCK


def test_tsv_without_extension_blocks(tmp_path: Path) -> None:
    assert scan_path(_csv(tmp_path / "export", "\t")).verdict is Verdict.BLOCK


def test_pdf_table_blocks_and_names_the_page(tmp_path: Path) -> None:
    path = tmp_path / "list.pdf"
    page = canvas.Canvas(str(path), pagesize=letter)
    page.drawString(40, 760, "Detainee list")
    page.showPage()
    columns = [40, 160, 260, 360, 460]
    for x, header in zip(
        columns, ["Last Name", "First Name", "A-Number", "DOB", "Citizenship"], strict=True
    ):
        page.drawString(x, 740, header)
    for row, person in enumerate(CROWD):
        values = person.row_en()[:5]
        for x, value in zip(columns, values, strict=True):
            page.drawString(x, 720 - 16 * row, value)
    page.save()
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert {f.location.page for f in report.findings if f.severity.value != "info"} == {2}


def test_pdf_attachment_blocks(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_attachment("people.csv", _csv(tmp_path / "p.csv").read_bytes())
    path = tmp_path / "cover.pdf"
    with path.open("wb") as out:
        writer.write(out)
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert report.members[0].path.endswith("cover.pdf!/people.csv")


def test_docx_table_blocks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Quarterly report")
    table = document.add_table(rows=1, cols=4)
    for cell, header in zip(table.rows[0].cells, ["Name", "A#", "DOB", "Nationality"], strict=True):
        cell.text = header
    for person in CROWD:
        cells = table.add_row().cells
        for cell, value in zip(
            cells,
            [
                f"{person.given} {person.family}",
                person.a_number,
                person.born.isoformat(),
                person.country,
            ],
            strict=True,
        ):
            cell.text = value
    document.save(tmp_path / "report.docx")
    assert scan_path(tmp_path / "report.docx").verdict is Verdict.BLOCK


def test_docx_header_and_hidden_text_block(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Nothing to see here.")
    header = document.sections[0].header
    for person in CROWD[:4]:
        header.add_paragraph(person.line())
    document.save(tmp_path / "h.docx")
    report = scan_path(tmp_path / "h.docx")
    assert report.verdict is Verdict.BLOCK
    assert any(f.location.part == "header" for f in report.findings)


def test_docx_vanished_run_is_hidden_and_blocks(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Visible text. ")
    for person in CROWD[:4]:
        run = paragraph.add_run(person.line() + "\n")
        run.font.hidden = True
    document.save(tmp_path / "v.docx")
    report = scan_path(tmp_path / "v.docx")
    assert report.verdict is Verdict.BLOCK
    assert all(f.location.hidden for f in report.findings if f.entity == "A_NUMBER")


def _html_table(hidden: bool) -> str:
    style = ' style="display:none"' if hidden else ""
    rows = "".join(
        f"<tr><td>{p.family}</td><td>{p.given}</td><td>{p.a_number}</td>"
        f"<td>{p.born:%m/%d/%Y}</td></tr>"
        for p in CROWD
    )
    head = "<tr><th>Last Name</th><th>First Name</th><th>A-Number</th><th>DOB</th></tr>"
    return f"<html><body><h1>Stats</h1><div{style}><table>{head}{rows}</table></div></body></html>"


def test_html_hidden_table_blocks_and_is_hidden(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(_html_table(hidden=True))
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert all(f.location.hidden for f in report.findings if f.entity == "PERSON_RECORDS")


def test_html_comment_blocks(tmp_path: Path) -> None:
    lines = "\n".join(p.line() for p in CROWD[:5])
    path = tmp_path / "c.htm"
    path.write_text(f"<html><body><p>Detention statistics</p><!-- {lines} --></body></html>")
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert any(f.location.part == "html_comment" for f in report.findings)


def test_json_records_block(tmp_path: Path) -> None:
    records = [
        {
            "lastName": p.family,
            "firstName": p.given,
            "aNumber": p.a_number,
            "dob": p.born.isoformat(),
        }
        for p in CROWD
    ]
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"data": {"detainees": records}}))
    assert scan_path(path).verdict is Verdict.BLOCK


def test_plain_text_lines_block(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Meeting notes\n" + "\n".join(p.line() for p in CROWD[:3]))
    assert scan_path(path).verdict is Verdict.BLOCK


def test_zip_member_blocks_with_member_path(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS_EN)
    for person in CROWD:
        sheet.append(person.row_en())
    inner = io.BytesIO()
    workbook.save(inner)
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as archive:
        archive.writestr("deep/inner.xlsx", inner.getvalue())
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "Detention statistics FY23")
        archive.writestr("nested.zip", nested.getvalue())
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    paths = [r.path for r in report.flattened()]
    assert str(path) + "!/nested.zip!/deep/inner.xlsx" in paths


def test_statistics_text_passes(tmp_path: Path) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(
        "AOR,Facility,ADP,Date\nSNA,SOUTH TEXAS ICE PROCESSING CENTER,1052,10/01/2022\n"
        "HOU,MONTGOMERY ICE PROCESSING CENTER,139,10/01/2022\n"
        "ATL,STEWART DETENTION CENTER,617,11/01/2022\n"
    )
    assert scan_path(path).verdict is Verdict.PASS


def test_html_hidden_rows_are_hidden_records(tmp_path: Path) -> None:
    rows = "".join(
        f'<tr style="display:none"><td>{p.family}</td><td>{p.a_number}</td></tr>' for p in CROWD
    )
    path = tmp_path / "rows.html"
    path.write_text(
        f"<html><body><table><tr><th>Last Name</th><th>A#</th></tr>{rows}"
        "<tr><td>Total</td><td>12</td></tr></table></body></html>"
    )
    report = scan_path(path)
    records = [f for f in report.findings if f.entity == "PERSON_RECORDS"]
    assert report.verdict is Verdict.BLOCK and records[0].location.hidden


def test_hidden_list_of_name_number_date_lines_blocks(tmp_path: Path) -> None:
    """No header and no context words: a leaked list's lines still tie names to numbers.

    Each name is a synthetic surname plus common name words, as real lists are made of."""
    items = "".join(
        f"<li>{p.family.upper()} {p.given.upper()} JUAN GARCIA {p.a_number[1:]} "
        f"{p.born:%m/%d/%Y}</li>"
        for p in CROWD[:5]
    )
    path = tmp_path / "draft.html"
    path.write_text(
        f'<html><body><p>We will not republish it.</p><div style="display:none">'
        f"<ul>{items}</ul></div></body></html>"
    )
    report = scan_path(path)
    records = [f for f in report.findings if f.entity == "PERSON_RECORDS"]
    assert report.verdict is Verdict.BLOCK
    assert records[0].rows == 5 and records[0].location.hidden
