"""Parts a viewer never sees: pivot caches, external-link caches, embedded workbooks,
DOCX comments and tracked deletions. Person data planted there must block, marked hidden."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from spilldesk.scan import Verdict, scan_path
from tests.scan.scan_people import people, real_workbooks

CROWD = people(6, seed=23)


def _add_parts(source: Path, target: Path, parts: dict[str, bytes]) -> None:
    shutil.copy(source, target)
    with zipfile.ZipFile(target, "a") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_pivot_cache_with_person_fields_blocks(tmp_path: Path) -> None:
    fields = ["Last Name", "First Name", "A-Number", "DOB"]
    shared = [
        [p.family for p in CROWD],
        [p.given for p in CROWD],
        [p.a_number for p in CROWD],
        [p.born.isoformat() for p in CROWD],
    ]
    cache_fields = "".join(
        f'<cacheField name="{name}"><sharedItems>'
        + "".join(f'<s v="{value}"/>' for value in values)
        + "</sharedItems></cacheField>"
        for name, values in zip(fields, shared, strict=True)
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    definition = (
        f"<pivotCacheDefinition {ns}><cacheFields>{cache_fields}</cacheFields>"
        "</pivotCacheDefinition>"
    )
    records = "".join(
        "<r>" + "".join(f'<x v="{i}"/>' for _ in fields) + "</r>" for i in range(len(CROWD))
    )
    path = tmp_path / "pivot.xlsx"
    _add_parts(
        real_workbooks()[3],
        path,
        {
            "xl/pivotCache/pivotCacheDefinition1.xml": definition.encode(),
            "xl/pivotCache/pivotCacheRecords1.xml": (
                f"<pivotCacheRecords {ns}>{records}</pivotCacheRecords>".encode()
            ),
        },
    )
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    records_found = [f for f in report.findings if f.entity == "PERSON_RECORDS"]
    assert records_found[0].location.part == "pivot_cache" and records_found[0].location.hidden
    assert records_found[0].rows == len(CROWD)


def test_external_link_cache_blocks(tmp_path: Path) -> None:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rows = ['<row r="1"><cell r="A1"><v>Name</v></cell><cell r="B1"><v>A#</v></cell></row>']
    rows += [
        f'<row r="{n}"><cell r="A{n}"><v>{p.given} {p.family}</v></cell>'
        f'<cell r="B{n}"><v>{p.a_number}</v></cell></row>'
        for n, p in enumerate(CROWD, start=2)
    ]
    body = (
        f'<externalLink {ns}><externalBook><sheetDataSet><sheetData sheetId="0">'
        f"{''.join(rows)}</sheetData></sheetDataSet></externalBook></externalLink>"
    )
    path = tmp_path / "linked.xlsx"
    _add_parts(real_workbooks()[5], path, {"xl/externalLinks/externalLink1.xml": body.encode()})
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert any(f.location.part == "external_link" for f in report.findings)


def test_embedded_workbook_blocks(tmp_path: Path) -> None:
    inner = tmp_path / "inner.csv"
    inner.write_text(
        "Last Name,First Name,A-Number\n"
        + "\n".join(f"{p.family},{p.given},{p.a_number}" for p in CROWD)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(inner, "list.csv")
    path = tmp_path / "embedding.xlsx"
    _add_parts(real_workbooks()[7], path, {"xl/embeddings/package1.zip": buffer.getvalue()})
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert any(
        r.path.endswith("!/xl/embeddings/package1.zip!/list.csv") for r in report.flattened()
    )


def test_docx_comments_block_and_are_hidden(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Facility inspection summary.")
    for person in CROWD[:4]:
        document.add_comment(paragraph.runs, text=person.line(), author="Reviewer")
    document.save(tmp_path / "c.docx")
    report = scan_path(tmp_path / "c.docx")
    assert report.verdict is Verdict.BLOCK
    assert all(f.location.hidden for f in report.findings if f.entity == "A_NUMBER")


def test_docx_tracked_deletion_blocks(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Removed the detainee list. ")
    deletion = OxmlElement("w:del")
    deletion.set(qn("w:id"), "1")
    deletion.set(qn("w:author"), "Editor")
    for person in CROWD[:4]:
        run = OxmlElement("w:r")
        text = OxmlElement("w:delText")
        text.text = person.line() + " "
        run.append(text)
        deletion.append(run)
        run.append(OxmlElement("w:br"))
    paragraph._p.append(deletion)
    document.save(tmp_path / "t.docx")
    report = scan_path(tmp_path / "t.docx")
    assert report.verdict is Verdict.BLOCK
    parts = {f.location.part for f in report.findings if f.severity.value != "info"}
    assert parts == {"tracked_change"}


def test_a_package_loads_the_readers_its_parts_need(tmp_path: Path) -> None:
    from spilldesk.scan.readers import _ALL_READERS, _package_needs

    workbook = real_workbooks()[7]
    assert _package_needs(str(workbook)) == {"xlsx"}
    docx.Document().save(tmp_path / "plain.docx")
    assert _package_needs(str(tmp_path / "plain.docx")) == {"docx"}
    _add_parts(workbook, tmp_path / "embeds.xlsx", {"xl/embeddings/x.pdf": b"%PDF-1.4"})
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as archive:
        archive.writestr("a.pdf", b"%PDF-1.4")
    (tmp_path / "damaged.xlsx").write_bytes(workbook.read_bytes()[:4000])
    for anything in ("embeds.xlsx", "plain.zip", "damaged.xlsx", "no-such-file.xlsx"):
        assert _package_needs(str(tmp_path / anything)) == _ALL_READERS, anything


def test_a_workbook_with_an_embedded_pdf_still_blocks(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    inner = tmp_path / "inner.pdf"
    page = canvas.Canvas(str(inner))
    for row, person in enumerate(CROWD):
        page.drawString(40, 760 - 16 * row, person.line())
    page.save()
    path = tmp_path / "with-pdf.xlsx"
    _add_parts(real_workbooks()[7], path, {"xl/embeddings/oleObject1.pdf": inner.read_bytes()})
    report = scan_path(path)
    assert report.verdict is Verdict.BLOCK
    assert any(r.path.endswith("!/xl/embeddings/oleObject1.pdf") for r in report.flattened())


def test_scanning_a_plain_workbook_does_not_import_the_pdf_reader() -> None:
    probe = ("import sys; from spilldesk.scan.scanner import scan_paths; "
             f"(report,) = scan_paths([{str(real_workbooks()[7])!r}]); "
             "print(report.verdict.value, 'pypdf' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.split() == ["pass", "False"]
