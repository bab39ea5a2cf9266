import csv
import io
from dataclasses import replace

from pypdf import PdfReader

from spilldesk.domain.notice_numbers import notice_number
from spilldesk.notify.batch import render_packets
from spilldesk.notify.manifests import (
    DELIVERY_COLUMNS,
    by_facility,
    delivery_sheet_csv,
    follow_up_csv,
    mail_merge_csv,
    render_facility_manifest,
)
from spilldesk.notify.notice_facts import CaseFacts
from tests.notify.notify_cases import base_facts

PEOPLE = [("Zapata", "Luis", "C-1", "OTRO"), ("Álvarez", "Ana", "C-1", "OTRO"),
          ("Moreno", "Iván", "A-3", "OTRO"), ("Silva", "João", "", "KROME")]


def _hand_notices():
    return [
        base_facts(notice_number=notice_number("NOV28", i + 1), family_name=family,
                   given_name=given, housing=housing, facility_code=code,
                   facility_name=f"{code} facility")
        for i, (family, given, housing, code) in enumerate(PEOPLE)
    ]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_manifest_groups_by_facility_in_walking_order():
    groups = by_facility(_hand_notices())
    assert list(groups) == ["KROME", "OTRO"]
    assert [n.family_name for n in groups["OTRO"]] == ["Moreno", "Álvarez", "Zapata"]
    pdf = render_facility_manifest("NOV28", groups["OTRO"])
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert text.index("MORENO") < text.index("ÁLVAREZ") < text.index("ZAPATA")
    assert text.count("Signature") == 3 and text.count("Refused") == 3


def test_manifest_pages_hold_everyone():
    many = [replace(_hand_notices()[0], family_name=f"Person{i:03d}") for i in range(40)]
    reader = PdfReader(io.BytesIO(render_facility_manifest("NOV28", many)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 1
    assert all(f"PERSON{i:03d}" in text for i in range(40))


def test_delivery_sheet_lists_each_notice_for_import():
    notices = _hand_notices()
    rows = _rows(delivery_sheet_csv(notices))
    assert tuple(rows[0]) == DELIVERY_COLUMNS
    assert [r["notice_number"] for r in rows] == [n.notice_number for n in notices]
    assert {r["method"] for r in rows} == {"hand"}


def test_mail_merge_and_follow_up_split_by_channel():
    mailed = base_facts(notice_number=notice_number("NOV28", 7), channel="usps",
                        case=CaseFacts(custody="released"), address_lines=("1 A St", "Miami"))
    abroad = replace(mailed, notice_number=notice_number("NOV28", 8),
                     channel="usps_international")
    rep = replace(mailed, notice_number=notice_number("NOV28", 9), recipient="representative")
    nowhere = replace(mailed, notice_number=notice_number("NOV28", 10), channel="follow_up",
                      address_lines=())
    notices = [*_hand_notices(), mailed, abroad, rep, nowhere]
    merge = _rows(mail_merge_csv(notices))
    assert [r["notice_number"] for r in merge] == [mailed.notice_number, abroad.notice_number,
                                                   rep.notice_number]
    assert merge[2]["name"] == "Ana Lima" and merge[0]["address_line_1"] == "1 A St"
    follow = _rows(follow_up_csv(notices))
    assert [r["notice_number"] for r in follow] == [nowhere.notice_number]


def test_batch_renders_every_packet_in_parallel(tmp_path):
    notices = [replace(base_facts(language), notice_number=notice_number("NOV28", i + 1))
               for i, language in enumerate(["en", "es", "pt-BR"] * 8)]
    seen = []
    paths = render_packets(notices, tmp_path, workers=2, chunk_size=5,
                           on_progress=lambda done, total: seen.append((done, total)))
    assert [p.name for p in paths] == [f"{n.notice_number}.pdf" for n in notices]
    assert all(p.read_bytes().startswith(b"%PDF") for p in paths)
    assert seen[-1] == (24, 24) and not list(tmp_path.rglob("*.part"))
