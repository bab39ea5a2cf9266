"""Strategies for fuzzing every reader with crafted inputs (tests/scan/test_fuzz_readers.py):
OOXML with wrong types, absurd references and dimensions, huge shared-string counts and
deep nesting; PDFs with broken objects; archives that nest, bomb or lie; CSV, HTML, JSON and
text at their edges. Then the bytes themselves are damaged (cut, flipped, spliced)."""

from __future__ import annotations

import io
import json
from xml.sax.saxutils import escape

from hypothesis import strategies as st

from tests.scan.crafted import (
    CHARTSHEET,
    DIALOGSHEET,
    WORKSHEET,
    column,
    person_rows,
    sheet_xml,
    workbook,
    zipped,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PEOPLE = person_rows(6)
_WORDS = [w for row in PEOPLE for w in row] + ["", " ", "0", "1e308", "-", "#N/A", "TRUE"]
words = st.sampled_from(_WORDS) | st.text(max_size=12)


@st.composite
def damaged(draw: st.DrawFn, data: bytes, keep: int = 1) -> bytes:
    """The bytes as they are (`keep` times as likely as each damage), cut short, with bytes
    overwritten, or with a slice repeated."""
    how = draw(st.sampled_from(["keep"] * keep + ["cut", "flip", "splice"]))
    if how == "keep" or not data:
        return data
    if how == "cut":
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "flip":
        buffer = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            buffer[draw(st.integers(0, len(buffer) - 1))] = draw(st.integers(0, 255))
        return bytes(buffer)
    start = draw(st.integers(0, len(data) - 1))
    end = draw(st.integers(start, min(len(data), start + 64)))
    return data[:end] + data[start:end] * draw(st.integers(1, 4)) + data[end:]


# --- XLSX -------------------------------------------------------------------------------

references = st.one_of(
    st.builds(lambda c, r: f"{column(c)}{r}", st.integers(0, 25), st.integers(1, 40)),
    st.builds(lambda c, r: f"{column(c)}{r}", st.integers(0, 17_000), st.integers(0, 1_100_000)),
    st.sampled_from(["", "$A$1", "a1", "A0", "AAAAAAAAAAAA2", "1A", "A-1", "XFD1048576"]),
    st.none(),
)
cell_types = st.sampled_from([None, "n", "s", "b", "e", "str", "inlineStr", "d", "x"])


@st.composite
def cells(draw: st.DrawFn) -> str:
    ref, kind, value = draw(references), draw(cell_types), draw(words)
    attributes = (f' r="{escape(ref)}"' if ref is not None else "") + (
        f' t="{kind}"' if kind else ""
    )
    if kind == "s":
        body = f"<v>{draw(st.integers(-1, 10))}</v>"
    elif kind == "inlineStr":
        body = f"<is><t>{escape(value)}</t></is>"
    else:
        body = f"<v>{escape(value)}</v>" if draw(st.booleans()) else ""
    return f"<c{attributes}>{body}</c>" if body or draw(st.booleans()) else f"<c{attributes}/>"


@st.composite
def rows(draw: st.DrawFn) -> str:
    number = draw(st.none() | st.integers(0, 40) | st.integers(0, 1_100_000))
    hidden = ' hidden="1"' if draw(st.booleans()) else ""
    attributes = (f' r="{number}"' if number is not None else "") + hidden
    return f"<row{attributes}>" + "".join(draw(st.lists(cells(), max_size=6))) + "</row>"


def nested(depth: int, inner: str = "x") -> str:
    return "<g>" * depth + escape(inner) + "</g>" * depth


@st.composite
def worksheets(draw: st.DrawFn) -> str:
    planted = draw(st.booleans())
    body = "".join(draw(st.lists(rows(), max_size=10)))
    if planted:  # person rows the gate must still see among the crafted ones
        body = "".join(
            f'<row r="{n}">'
            + "".join(
                f'<c r="{column(i)}{n}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                for i, v in enumerate(values)
            )
            + "</row>"
            for n, values in enumerate(PEOPLE, start=41)
        ) + body
    dimension = draw(st.none() | st.sampled_from(["A1", "A1:XFD1048576", "B2:A1", "junk", ""]))
    return sheet_xml(body, dimension)


@st.composite
def shared_strings(draw: st.DrawFn) -> bytes:
    count = draw(st.sampled_from(["0", "5", "4294967295", "+4294967295", "99999999999999999999",
                                  "-1", "x"]))
    items = "".join(f"<si><t>{escape(w)}</t></si>" for w in draw(st.lists(words, max_size=6)))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<sst xmlns="{main}" count="{count}" uniqueCount="{count}">{items}</sst>'.encode()
    )


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    names = draw(st.lists(st.sampled_from(["S", "People", "Año", "x" * 31, "S"]),
                          min_size=1, max_size=3))
    kinds = draw(st.lists(st.sampled_from([WORKSHEET] * 4 + [CHARTSHEET, DIALOGSHEET]),
                          min_size=len(names), max_size=len(names)))
    # Damage goes into the XML more often than into the package, so that crafted parts reach
    # the cell parser.
    sheets = [
        (name, draw(damaged(draw(worksheets()).encode(), keep=6)).decode("utf-8", "replace"))
        for name in names
    ]
    extra = {"xl/sharedStrings.xml": draw(damaged(draw(shared_strings()), keep=6))}
    if draw(st.booleans()):
        depth = draw(st.sampled_from([10, 300, 3000]))
        extra["docProps/custom.xml"] = nested(depth, draw(words)).encode()
    package = workbook(sheets, kinds=kinds, extra=extra)
    return draw(damaged(package, keep=6))


# --- DOCX -------------------------------------------------------------------------------


@st.composite
def runs(draw: st.DrawFn) -> str:
    text = escape(draw(words))
    kind = draw(st.sampled_from(["t", "vanish", "delText", "tab"]))
    if kind == "vanish":
        return f"<w:r><w:rPr><w:vanish/></w:rPr><w:t>{text}</w:t></w:r>"
    if kind == "delText":
        return f"<w:del><w:r><w:delText>{text}</w:delText></w:r></w:del>"
    return "<w:r><w:tab/></w:r>" if kind == "tab" else f"<w:r><w:t>{text}</w:t></w:r>"


@st.composite
def docx_files(draw: st.DrawFn) -> bytes:
    paragraphs = ["<w:p>" + "".join(draw(st.lists(runs(), max_size=5))) + "</w:p>"
                  for _ in range(draw(st.integers(0, 4)))]
    if draw(st.booleans()):
        cells_ = "".join(f"<w:tc><w:p><w:r><w:t>{escape(v)}</w:t></w:r></w:p></w:tc>"
                         for v in PEOPLE[1])
        table = f"<w:tbl><w:tr>{cells_}</w:tr></w:tbl>"
        paragraphs.append(table * draw(st.integers(1, 3)))
    if draw(st.booleans()):
        depth = draw(st.sampled_from([5, 200, 3000]))
        paragraphs.append("<w:tbl><w:tr><w:tc>" * depth + "</w:tc></w:tr></w:tbl>" * depth)
    body = f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(paragraphs)}</w:body></w:document>'
    document = draw(damaged(body.encode(), keep=4))
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": document}
    if draw(st.booleans()):
        members["word/comments.xml"] = (
            f'<w:comments xmlns:w="{W_NS}"><w:comment><w:p><w:r><w:t>'
            f"{escape(draw(words))}</w:t></w:r></w:p></w:comment></w:comments>".encode()
        )
    return draw(damaged(zipped(members), keep=6))


# --- PDF --------------------------------------------------------------------------------


def pdf(objects: list[str], *, trailer: str = "/Root 1 0 R") -> bytes:
    """A PDF with a correct cross-reference table for the given objects (1-based)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1", "replace"))
    start = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    size = len(objects) + 1
    out.write(f"trailer\n<< /Size {size} {trailer} >>\nstartxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


@st.composite
def pdf_files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(words, max_size=6)) + (
        [" ".join(r) for r in PEOPLE[1:]] if draw(st.booleans()) else []
    )
    text = "".join(
        f"BT /F1 10 Tf 20 {700 - 14 * n} Td ({w.replace('(', '').replace(')', '')}) Tj ET\n"
        for n, w in enumerate(lines)
    )
    annotation = draw(st.sampled_from([
        "", "/Annots [6 0 R]", "/Annots [99 0 R]", "/Annots 6 0 R", "/Annots [null]",
        "/Annots [(text)]",
    ]))
    info = draw(st.sampled_from(["/Info 7 0 R", "/Info 99 0 R", "/Info 5 0 R", ""]))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        f"/Resources << /Font << /F1 5 0 R >> >> {annotation} >>",
        f"<< /Length {len(text)} >>\nstream\n{text}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Type /Annot /Subtype /Text /Contents ({draw(words).replace(')', '')}) >>",
        f"<< /Author ({draw(words).replace(')', '')}) /Title 7 0 R >>",
    ]
    return draw(damaged(pdf(objects, trailer=f"/Root 1 0 R {info}")))


# --- ZIP --------------------------------------------------------------------------------


def encrypted_flag(data: bytes) -> bytes:
    """The first member marked password-protected (its general-purpose flag bit 0)."""
    buffer = bytearray(data)
    central = buffer.find(b"PK\x01\x02")
    if central >= 0:
        buffer[central + 8] |= 1
    return bytes(buffer)


leaves = st.one_of(
    st.builds(lambda rows_: "\n".join(",".join(r) for r in rows_).encode(),
              st.lists(st.sampled_from(PEOPLE), max_size=5)),
    st.binary(max_size=64),
    st.just(b"\0" * (2 << 20)),  # compresses more than 400:1: refused as a bomb
    st.just(b""),
    st.just(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),  # legacy Office
)
member_names = st.sampled_from(
    ["a.csv", "b.txt", "c.xlsx", "d.png", "../e.csv", "dir/", "f.json", "inner.zip", "g"]
)


def archives(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return st.dictionaries(member_names, children, max_size=4).map(zipped)


@st.composite
def zip_files(draw: st.DrawFn) -> bytes:
    nested_archives = st.recursive(leaves, archives, max_leaves=6)
    data = draw(archives(nested_archives))
    if draw(st.integers(0, 5)) == 0:
        data = encrypted_flag(data)
    return draw(damaged(data))


# --- CSV, HTML, JSON, text ---------------------------------------------------------------

fields = words | st.sampled_from(['"', '""', "a,b", "line\nbreak", "\0", "x" * 140_000])


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    table = [delimiter.join(r) for r in PEOPLE] if draw(st.booleans()) else []
    table += [delimiter.join(draw(st.lists(fields, max_size=6))) for _ in range(draw(
        st.integers(0, 6)))]
    text = "\n".join(table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return draw(damaged(text.encode(encoding, errors="replace")))


html_tags = st.sampled_from(["div", "p", "table", "tr", "td", "span", "input", "ul", "li", "b"])
html_attributes = st.sampled_from([
    "", ' style="display:none"', " hidden", ' aria-hidden="true"', ' type="hidden"',
    ' data-a="A012345678"', ' title="DOB 03/04/1988"',
])


@st.composite
def html_files(draw: st.DrawFn) -> bytes:
    def element(inner: str) -> str:
        tag = draw(html_tags)
        return f"<{tag}{draw(html_attributes)}>{inner}</{tag}>"

    body = "".join(element(escape(draw(words))) for _ in range(draw(st.integers(0, 6))))
    if draw(st.booleans()):
        body += "<table>" + "".join(
            "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in r) + "</tr>" for r in PEOPLE
        ) + "</table>"
    if draw(st.booleans()):
        depth = draw(st.sampled_from([10, 300, 2000]))
        body += "<div>" * depth + escape(draw(words)) + "</div>" * depth
    if draw(st.booleans()):
        body += f"<!-- {escape(draw(words))} -->" + "<p><b>unclosed"
    return draw(damaged(f"<!doctype html><html><body>{body}</body></html>".encode()))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | words,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "a_number", "dob", "x", ""]), children,
                      max_size=4),
    max_leaves=12,
)


@st.composite
def json_files(draw: st.DrawFn) -> bytes:
    document = draw(json_values)
    if draw(st.booleans()):
        document = [dict(zip(PEOPLE[0], r, strict=True)) for r in PEOPLE[1:]] + [document]
    depth = draw(st.sampled_from([0, 0, 30, 70, 5000]))
    text = "[" * depth + json.dumps(document) + "]" * depth
    return draw(damaged(text.encode()))


@st.composite
def text_files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(words | st.sampled_from(["  ".join(r) for r in PEOPLE]), max_size=12))
    return draw(damaged("\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-16"])))))

