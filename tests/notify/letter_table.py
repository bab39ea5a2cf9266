"""The letter table: situations (posture × custody × represented × incident) and the
statements each packet must and must not make.

Every row is checked in every notice language by `test_letter_statements.py`, rendered to PDF
and looked at as an image, and excerpted in docs/notifications.md
(`python -m tests.notify.letter_table` prints those excerpts).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from datetime import date

from spilldesk.notify.notice_facts import CaseFacts, ExtensionFacts, NoticeFacts, Office
from tests.notify.notify_cases import FOREIGN, WEB, base_facts

NOV28 = replace(WEB, extension=None)
DEC07 = FOREIGN
PHONE = Office(phone="1-888-351-4024")
ADDRESSES = {
    "detained": ("Otero County Processing Center", "26 McGregor Range Road",
                 "Chaparral, NM 88081"),
    "released": ("1418 Franklin Street, Apt 2", "Newark, NJ 07102"),
    "removed": ("Calle 23 No. 512", "La Habana", "CUBA"),
}
# The Nov 28 workbook's person columns; the Dec 7 list (what Cuba was sent) and its revelation.
NOV28_ELEMENTS = ("name", "a_number", "date_of_birth", "nationality", "facility",
                  "book_in_date", "case_status", "fear_screening")
DEC07_ELEMENTS = ("name", "date_of_birth", "nationality", "disclosure_status")


@dataclass(frozen=True)
class Row:
    name: str
    posture: str
    custody: str
    represented: bool
    incident: str  # NOV28 | DEC07
    present: frozenset[str]
    absent: frozenset[str]
    extra: dict[str, object] = field(default_factory=dict)  # other CaseFacts fields
    notice: dict[str, object] = field(default_factory=dict)  # other NoticeFacts fields
    extension: ExtensionFacts | None = None

    def facts(self, language: str = "en") -> NoticeFacts:
        incident = NOV28 if self.incident == "NOV28" else DEC07
        if self.extension is not None:
            incident = replace(incident, extension=self.extension)
        final = self.posture in ("final_order_unexecuted", "final_order_executed")
        fields: dict[str, object] = {"alert": "placed", **self.extra}
        case = CaseFacts(posture=self.posture, custody=self.custody, final_order=final,
                         represented=self.represented, custody_review=self.custody == "detained",
                         **fields)  # type: ignore[arg-type]
        channel = "hand" if self.custody == "detained" else (
            "usps_international" if self.custody == "removed" else "usps")
        changes: dict[str, object] = {"incident": incident, "case": case, "channel": channel,
                                      "address_lines": ADDRESSES[self.custody]}
        changes["data_elements"] = NOV28_ELEMENTS if self.incident == "NOV28" \
            else DEC07_ELEMENTS
        changes.update(self.notice)
        return base_facts(language, **changes)


def _set(*keys: str) -> frozenset[str]:
    return frozenset(keys)


ROWS: tuple[Row, ...] = (
    Row("credible fear positive, detained, pro se (Nov 28)", "credible_fear_positive",
        "detained", False, "NOV28",
        _set("opening_ice", "happened_website", "nta_as_usual", "court_notice_ij", "apply_again",
             "no_removal_before_notice", "alert_placed", "custody_review",
             "monitoring_and_clawback", "translation_service", "faq_language_custody",
             "contact_write"),
        _set("opening_dhs", "pause", "faq_pause", "reopen_not_opposed", "faq_reopen",
             "representative_copy", "contact_call", "faq_language", "alert_pending")),
    Row("credible fear negative, detained, represented (Nov 28)", "credible_fear_negative",
        "detained", True, "NOV28",
        _set("nta_despite_negative", "apply_in_new_proceedings", "representative_copy",
             "custody_review"),
        _set("reopen_not_opposed", "faq_reopen", "joint_motion", "pause", "court_notice_ij",
             "apply_or_add")),
    Row("withholding-only, detained, pro se (Nov 28)", "withholding_only", "detained", False,
        "NOV28", _set("dismiss_withholding_only", "apply_in_new_proceedings"),
        _set("reopen_not_opposed", "faq_reopen", "nta_as_usual")),
    Row("removal proceedings, released, represented (Nov 28)", "removal_proceedings",
        "released", True, "NOV28",
        _set("court_notice_ij", "apply_or_add", "representative_copy", "faq_language"),
        _set("translation_service", "faq_language_custody", "custody_review", "pause",
             "faq_reopen")),
    Row("BIA appeal by DHS, detained, represented (Nov 28)", "bia_appeal", "detained", True,
        "NOV28", _set("court_notice_bia", "apply_or_add", "remand_not_opposed",
                      "dhs_appeal_reviewed"),
        _set("court_notice_ij", "faq_reopen"), extra={"appeal_by": "dhs"}),
    Row("final order unexecuted, detained, pro se, alert pending (Nov 28)",
        "final_order_unexecuted", "detained", False, "NOV28",
        _set("pause", "pause_received_on", "pause_ends_blank", "faq_pause",
             "reopen_not_opposed", "faq_reopen", "alert_pending"),
        _set("alert_placed", "no_removal_before_notice", "joint_motion",
             "pause_extended_days", "pause_extended_until", "pause_extended_indefinitely"),
        extra={"alert": "pending"}),
    Row("final order unexecuted, released, motion barred, extended to a date (Nov 28)",
        "final_order_unexecuted", "released", True, "NOV28",
        _set("pause", "pause_extended_until", "reopen_not_opposed", "joint_motion",
             "faq_reopen"),
        _set("pause_received_on", "pause_ends_blank", "pause_extended_indefinitely",
             "translation_service"),
        extra={"motion_barred": True}, extension=ExtensionFacts("until", until=date(2023, 1, 31))),
    Row("final order executed (§240), removed, pro se (Nov 28)", "final_order_executed",
        "removed", False, "NOV28",
        _set("alerts_240_next_encounter", "protection_on_encounter", "faq_removed_pro_se"),
        _set("representative_reopen_240", "representative_240_on_return", "return_facilitated",
             "reopen_not_opposed", "faq_reopen", "pause", "no_removal_before_notice",
             "faq_before_notice", "alert_placed", "faq_protection"),
        extra={"order_type": "section_240"}),
    Row("final order executed (expedited), removed, represented (Nov 28)",
        "final_order_executed", "removed", True, "NOV28",
        _set("representative_240_on_return", "return_facilitated", "faq_removed_represented",
             "alert_placed"),
        _set("alerts_240_next_encounter", "representative_reopen_240", "faq_reopen",
             "faq_removed_pro_se", "pause"),
        extra={"order_type": "expedited_removal"}),
    Row("final order unexecuted, detained, pro se, extended until further notice (Dec 7)",
        "final_order_unexecuted", "detained", False, "DEC07",
        _set("opening_dhs", "happened_foreign", "elements_already_held", "pause",
             "pause_received_on", "pause_extended_indefinitely", "reopen_not_opposed"),
        _set("opening_ice", "happened_website", "monitoring_and_clawback", "elements_listed",
             "pause_ends_blank", "pause_extended_days", "pause_extended_until"),
        extension=ExtensionFacts("indefinite")),
    Row("removal proceedings, detained, pro se, telephone line (Dec 7)", "removal_proceedings",
        "detained", False, "DEC07",
        _set("opening_dhs", "happened_foreign", "elements_already_held", "contact_call",
             "translation_service", "court_notice_ij"),
        _set("opening_ice", "monitoring_and_clawback", "pause", "faq_reopen"),
        notice={"office": PHONE}),
)


def excerpts(language: str = "en") -> str:
    """Markdown: for each row, the letter's and FAQ's rendered text (docs/notifications.md)."""
    from spilldesk.notify.letters import render_packet_text

    parts = []
    for row in ROWS:
        letter, faq = render_packet_text(row.facts(language))
        body = letter.split("\n# ", 1)[1]
        parts.append(f"#### {row.name}\n\n```text\n# {body.strip()}\n\n{faq.strip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(excerpts(sys.argv[1] if len(sys.argv) > 1 else "en"))
