"""What the people who deliver notices work from.

- a hand-delivery manifest per facility (PDF), sorted the way officers walk a facility:
  housing unit, then name; with signature, date and refusal lines per person;
- a delivery sheet per facility (CSV) with the notice numbers filled in, which officers
  complete and `spilldesk notify import` reads back;
- the mail-merge CSV for the mail house (USPS and international mail, email copies);
- the follow-up list: notices that have no usable address yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from itertools import groupby

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from spilldesk.domain.names import normalize_name
from spilldesk.notify.notice_facts import NoticeFacts
from spilldesk.notify.pdf import BOLD, MARGIN, REGULAR, register_fonts

DELIVERY_COLUMNS = ("notice_number", "status", "at", "method", "served_by", "location", "note")
MAIL_COLUMNS = ("notice_number", "channel", "language", "recipient", "name", "organization",
                "address_line_1", "address_line_2", "address_line_3", "address_line_4",
                "pdf_file")
FOLLOW_UP_COLUMNS = ("notice_number", "recipient", "a_number", "family_name", "given_name",
                     "custody", "language", "reason")
_ENTRY_HEIGHT = 54.0


def hand_delivery_order(notice: NoticeFacts) -> tuple[str, str, str, str]:
    """Facility, then housing unit, then family and given name: how officers walk."""
    return (notice.facility_code, notice.housing.casefold(),
            normalize_name(notice.family_name), normalize_name(notice.given_name))


def by_facility(notices: Iterable[NoticeFacts]) -> dict[str, list[NoticeFacts]]:
    """Hand-delivered notices grouped by facility code, each group in walking order."""
    ordered = sorted((n for n in notices if n.channel == "hand"), key=hand_delivery_order)
    return {code: list(group) for code, group in groupby(ordered, key=lambda n: n.facility_code)}


def _entry(canvas: Canvas, y: float, index: int, notice: NoticeFacts) -> None:
    width = LETTER[0] - 2 * MARGIN
    canvas.setFont(BOLD, 9.5)
    canvas.drawString(MARGIN, y, f"{index}. {notice.family_name.upper()}, {notice.given_name}")
    canvas.setFont(REGULAR, 9)
    language = notice.language + (" + translation service" if notice.needs_translation else "")
    canvas.drawString(MARGIN + 14, y - 13,
                      f"{notice.a_number}   Notice {notice.notice_number}   "
                      f"Housing: {notice.housing or 'not recorded'}   Language: {language}")
    canvas.drawString(MARGIN + 14, y - 30,
                      "Signature ______________________   Date/time ______________   "
                      "[  ] Refused   Served by ______________")
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, y - 40, MARGIN + width, y - 40)


def render_facility_manifest(incident_id: str, notices: Sequence[NoticeFacts]) -> bytes:
    """The hand-delivery manifest of one facility (notices already in walking order)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1, invariant=1)
    canvas.setTitle(f"Hand-delivery manifest {incident_id}")
    per_page = int((LETTER[1] - 150) // _ENTRY_HEIGHT)
    pages = max(1, -(-len(notices) // per_page))
    facility = notices[0] if notices else None
    for page in range(pages):
        canvas.setFont(BOLD, 12)
        title = f"Hand-delivery manifest · incident {incident_id}"
        canvas.drawString(MARGIN, LETTER[1] - 50, title)
        canvas.setFont(REGULAR, 9.5)
        if facility is not None:
            canvas.drawString(MARGIN, LETTER[1] - 65,
                              f"{facility.facility_name} ({facility.facility_code})")
        canvas.drawRightString(LETTER[0] - MARGIN, LETTER[1] - 65,
                               f"page {page + 1} of {pages} · {len(notices)} notices")
        y = LETTER[1] - 95
        for offset, notice in enumerate(notices[page * per_page : (page + 1) * per_page]):
            _entry(canvas, y, page * per_page + offset + 1, notice)
            y -= _ENTRY_HEIGHT
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN, 30, "Contains personal information: keep secure; return "
                          "to the privacy office when delivery is complete.")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def delivery_sheet_csv(notices: Sequence[NoticeFacts]) -> str:
    """Blank delivery results for officers to fill in, one row per notice."""
    return _csv(DELIVERY_COLUMNS, ((n.notice_number, "", "", "hand", "", n.facility_name, "")
                                   for n in notices))


def mail_merge_csv(notices: Iterable[NoticeFacts]) -> str:
    """Every notice the mail house sends (USPS, international, email copies)."""
    rows = []
    for n in sorted(notices, key=lambda n: n.notice_number):
        if n.channel not in ("usps", "usps_international", "email"):
            continue
        name = n.representative_name if n.recipient == "representative" else n.person_name
        org = n.representative_organization if n.recipient == "representative" else ""
        lines = [*n.address_lines, "", "", "", ""][:4]
        rows.append((n.notice_number, n.channel, n.language, n.recipient, name, org, *lines,
                     f"{n.notice_number}.pdf"))
    return _csv(MAIL_COLUMNS, rows)


def follow_up_csv(notices: Iterable[NoticeFacts]) -> str:
    """Notices that cannot go out yet: nobody is skipped, somebody must find an address."""
    rows = [
        (n.notice_number, n.recipient, n.a_number, n.family_name, n.given_name,
         n.case.custody or "", n.language, "no usable mailing address or email")
        for n in sorted(notices, key=lambda n: n.notice_number)
        if n.channel == "follow_up"
    ]
    return _csv(FOLLOW_UP_COLUMNS, rows)
