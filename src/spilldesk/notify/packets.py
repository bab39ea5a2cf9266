"""One notice packet: the letter and the FAQ sheet in the notice's language, as one PDF."""

from __future__ import annotations

from spilldesk.notify.facts import NoticeFacts
from spilldesk.notify.labels import page_footer
from spilldesk.notify.letters import render_packet_text
from spilldesk.notify.pdf import render_packet_pdf


def packet_filename(facts: NoticeFacts) -> str:
    return f"{facts.notice_number}.pdf"


def render_packet(facts: NoticeFacts) -> bytes:
    return render_packet_pdf(
        facts.notice_number,
        render_packet_text(facts),
        footer=page_footer(facts.language, facts.notice_number),
        title="Notice",
    )
