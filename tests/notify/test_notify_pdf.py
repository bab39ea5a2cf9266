import io

import pytest
from pypdf import PdfReader

from spilldesk.domain.notice_numbers import InvalidNoticeNumber, notice_number, parse_notice_number
from spilldesk.notify.notice_facts import CaseFacts
from spilldesk.notify.packets import render_packet
from spilldesk.notify.pdf import wrap
from tests.notify.notify_cases import all_variants, base_facts


def _read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Questions and answers", "Board of Immigration Appeals"]),
    ("es", ["divulgación", "Núñez", "¿Necesito un abogado?", "Gonçalves"]),
    ("pt-BR", ["divulgação", "Notificação para Comparecimento", "você", "razoável"]),
])
def test_packet_pages_carry_the_notice_number_and_accents(language, words):
    facts = base_facts(language, case=CaseFacts(posture="credible_fear_positive",
                                                custody="detained", custody_review=True))
    reader = _read(render_packet(facts))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) >= 2
    for page, text in zip(reader.pages, texts, strict=True):
        assert facts.notice_number in text
        assert "/XObject" in page["/Resources"]  # the QR code form, on every page
    joined = " ".join(" ".join(texts).split())  # a term may wrap onto the next line
    for word in words:
        assert word in joined
    faq_heading = {"en": "Questions and answers", "es": "Preguntas y respuestas",
                   "pt-BR": "Perguntas e respostas"}[language]
    assert faq_heading in texts[-1] and faq_heading not in texts[0]


def test_metadata_holds_no_person_data():
    facts = base_facts()
    pdf = render_packet(facts)
    info = _read(pdf).metadata
    assert facts.family_name not in str(info) and facts.a_number not in str(info)


def test_wrap_respects_width_and_keeps_words():
    text = "uma moção conjunta para reabrir " * 20
    lines = wrap(text, "Helvetica", 10, 200)
    assert " ".join(lines).split() == text.split()
    from reportlab.pdfbase.pdfmetrics import stringWidth
    assert all(stringWidth(line, "Helvetica", 10) <= 200 for line in lines)


def test_notice_numbers_round_trip_and_catch_typos():
    number = notice_number("NOV28", 123)
    assert parse_notice_number(number) == ("NOV28", 123)
    assert number.startswith("NOV28-000123-")
    digits = number[-2:]
    for typo in (number.replace("000123", "000132"), number.replace("000123", "000124")):
        with pytest.raises(InvalidNoticeNumber):
            parse_notice_number(typo)
    assert parse_notice_number(f"  {number} ")[1] == 123
    with pytest.raises(InvalidNoticeNumber):
        parse_notice_number("hello")
    assert len({notice_number("X", i) for i in range(1, 2000)}) == 1999
    assert digits.isdigit()


@pytest.mark.parametrize("language", ["en", "es", "pt-BR"])
def test_the_font_has_every_character_the_letters_use(language):
    from reportlab.pdfbase import pdfmetrics

    from spilldesk.notify.letters import render_packet_text
    from spilldesk.notify.pdf import BOLD, REGULAR, register_fonts
    from tests.notify.notify_cases import all_variants

    register_fonts()
    used = {c for facts in all_variants(language)[::5] for page in render_packet_text(facts)
            for c in page if not c.isspace() or c in "\u00a0\u202f"}
    used |= set("ÁÉÍÓÚÑÇÃÕÂÊÔÀÜáéíóúñçãõâêôàü¿¡ĂȘȚășțğışŁłЖжЩщ")  # names people have
    for font in (REGULAR, BOLD):
        cmap = pdfmetrics.getFont(font).face.charToGlyph
        assert not sorted(c for c in used if ord(c) not in cmap)


CLOSINGS = {"en": "Sincerely,", "es": "Atentamente,", "pt-BR": "Atenciosamente,"}


@pytest.mark.parametrize("language", sorted(CLOSINGS))
def test_the_sign_off_never_stands_alone_on_a_page(language):
    """A letter whose body fills page 1 carries its last lines over with the signature."""
    checked = 0
    for facts in all_variants(language)[::7]:
        texts = [page.extract_text() for page in _read(render_packet(facts)).pages]
        page = next(t for t in texts if CLOSINGS[language] in t)
        body = page.split(CLOSINGS[language])[0]
        header_and_footer = (facts.notice_number, f"{facts.notice_number} \u00b7")
        lines = [line for line in body.splitlines()
                 if line.strip() and not line.strip().startswith(header_and_footer)
                 and f"{facts.notice_number} \u00b7" not in line]
        assert lines, "the sign-off is alone on its page"
        checked += 1
    assert checked > 20


def test_no_line_runs_under_the_qr_code_on_any_page():
    """A sign-off carried to a new page keeps its full-width lines below the code (seen in
    the rendered table rows: the last lines of 'Whom to contact' ran under it)."""
    from spilldesk.notify.letters import render_packet_text
    from spilldesk.notify.markup import parse_markup
    from spilldesk.notify.pdf import (
        MARGIN,
        QR_BAND,
        QR_COLUMN,
        TOP,
        WIDTH,
        _layout,
        _width,
        register_fonts,
    )
    from tests.notify.letter_table import ROWS

    register_fonts()
    for row in ROWS:
        for language in ("en", "es", "pt-BR"):
            for markup in render_packet_text(row.facts(language)):
                for page in _layout(parse_markup(markup), TOP, 48.0):
                    for y, line in page:
                        if y > QR_BAND:
                            right = line.x + _width(line.text, "SpilldeskSans", line.size)
                            assert right <= WIDTH - MARGIN - QR_COLUMN + 0.5, \
                                (row.name, language, line.text)


def test_packet_font_encodes_text_exactly_as_reportlab_does():
    """The fast `splitString` gives ReportLab's bytes and subsets line after line: ASCII,
    accents, the no-break space, a character the font lacks, and past the first subset."""
    import random

    from reportlab.pdfbase.pdfdoc import PDFDocument
    from reportlab.pdfbase.ttfonts import TTFont

    from spilldesk.notify.pdf import FONTS, PacketFont

    path = str(FONTS / "DejaVuSans.ttf")
    fast, plain = PacketFont("test-fast", path), TTFont("test-plain", path)
    others = sorted(chr(c) for c in fast.face.charToGlyph if c > 0x7F)[:400]
    alphabet = [chr(c) for c in range(32, 127)] * 4 + others + ["\u00a0", "\u4e00"]
    rng = random.Random(16)
    for _ in range(2):  # two documents: each numbers its own characters
        fast_doc, plain_doc = PDFDocument(), PDFDocument()
        for _ in range(600):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
            assert fast.splitString(text, fast_doc) == plain.splitString(text, plain_doc), text
        assert fast.state[fast_doc].subsets == plain.state[plain_doc].subsets
        assert len(fast.state[fast_doc].subsets) > 1  # the test reached a second subset


def test_qr_codes_are_the_ones_segno_picks_itself():
    import segno

    from spilldesk.notify.pdf import _make_qr

    for number in [notice_number("NOV28", 1), notice_number("DEC07", 654321),
                   notice_number("BENCH", 12), "short", "Ação-1"]:
        mine, segnos = _make_qr(number), segno.make_qr(number, error="m", mask=0)
        assert (mine.designator, mine.matrix) == (segnos.designator, segnos.matrix)


@pytest.mark.parametrize("language", ["en", "es", "pt-BR"])
def test_the_file_is_well_formed_and_its_text_searchable(language):
    """The packet file is written directly (notify/pdf_file.py): every cross-reference entry
    points at its object, a strict reader opens it, and every page's font is embedded with a
    ToUnicode map (so the text can be searched and read aloud)."""
    import re

    facts = base_facts(language)
    pdf = render_packet(facts)
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    assert pdf[start:].startswith(b"xref\n0 ")
    entries = re.findall(rb"(\d{10}) 00000 n ", pdf[start:])
    assert entries
    for number, offset in enumerate(entries, start=1):
        assert pdf[int(offset):].startswith(b"%d 0 obj\n" % number)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/ToUnicode" in font and "/FontFile2" in font["/FontDescriptor"]
    assert facts.given_name.split()[0] in reader.pages[0].extract_text()
