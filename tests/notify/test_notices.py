"""Notices: one per incident × person × recipient, delivery tracking, status, packets."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, select

from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.notify.delivery_sheets import read_delivery_sheet
from spilldesk.notify.generate import generate_packets
from spilldesk.notify.notices import (
    Delivery,
    NoticeError,
    ensure_notices,
    ensure_notices_for,
    import_deliveries,
    notice_status,
    record_delivery,
)
from spilldesk.store.models import (
    AuditEvent,
    DeliveryAttempt,
    Exposure,
    Notice,
    Task,
    TaskIncident,
)
from spilldesk.store.people import find_people

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
ACTOR = "test:notices"
PERSON_COLUMNS = ("a_number,family_name,given_name,date_of_birth,language,custody,facility_code,"
                  "address_line1,city,state,postal_code,address_country,posture,final_order,"
                  "representative_id")
PEOPLE = [  # detained es; released pt with address; removed abroad; released no address
    "A200000001,Núñez Gómez,José,1980-01-02,es,detained,KRO,,,,,,removal_proceedings,false,R1",
    "A200000002,Gonçalves,João,1981-02-03,pt,released,,1 Main St,Newark,NJ,07102,,,false,",
    "A200000003,Pérez,Ana,1982-03-04,es,removed,,Calle 23 No. 5,La Habana,,,CUB,"
    "final_order_executed,true,R1",
    "A200000004,Smith,Mary,1983-04-05,mam,released,,,,,,,final_order_unexecuted,true,",
    "A200000005,Quispe,Luz,1984-05-06,es,detained,KRO,,,,,,final_order_unexecuted,true,",
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ET)


@pytest.fixture
def desk(store, tmp_path: Path):
    files = {
        "f.csv": "facility_code,name,address_line1,city,state,postal_code\n"
                 "KRO,Krome North SPC,18201 SW 12th St,Miami,FL,33194\n",
        "r.csv": "representative_id,name,organization,address_line1,city,state,postal_code\n"
                 "R1,Ana Ferreira,Legal Aid,2 Court St,Miami,FL,33101\n",
        "p.csv": "\n".join([PERSON_COLUMNS, *PEOPLE]) + "\n",
    }
    with store.session() as session:
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
            import_file(session, tmp_path / name, kind=None, actor=ACTOR, tz=ET)
        spec = IncidentSpec(id="NOV28", title="t", exposed_from=at("2022-11-28T09:45"),
                            exposed_until=at("2022-11-28T14:04"),
                            notice_languages=("en", "es", "pt-BR"),
                            disclosed_how="public_posting")
        open_incident(session, spec, actor=ACTOR)
        people = find_people(session, [p.split(",")[0] for p in PEOPLE])
        for person in people.values():
            session.add(Exposure(incident_id="NOV28", person_id=person.id, source="manual",
                                 created_by=ACTOR, data_elements=["family_name", "a_number",
                                                                  "date_of_birth"]))
    return store


def _notices(session) -> dict[tuple[str, str], Notice]:
    rows = session.execute(select(Notice)).scalars()
    people = {p.id: a for a, p in find_people(session, [p.split(",")[0] for p in PEOPLE]).items()}
    return {(people[n.person_id], n.recipient): n for n in rows}


PRINTED = at("2022-11-30T09:00")  # when the tests' notices were generated


def _ensure_all(session, printed: datetime | None = PRINTED) -> list[Notice]:
    """Every notice, generated at `printed` (as `notify generate` would stamp them)."""
    notices = ensure_notices_for(session, list(session.execute(select(Exposure)).scalars()),
                                 actor=ACTOR)
    for notice in notices:
        notice.generated_at = printed
    session.flush()
    return notices


def test_one_notice_per_person_and_recipient_with_rules(desk):
    with desk.session() as session:
        created = _ensure_all(session)
        again = [n for e in session.execute(select(Exposure)).scalars()
                 for n in ensure_notices(session, e, actor=ACTOR)]
        assert sorted(n.id for n in again) == sorted(n.id for n in created)
        assert session.scalar(select(func.count()).select_from(Notice)) == 7
        notices = _notices(session)
        assert len({n.notice_number for n in notices.values()}) == 7
    first = notices["A200000001", "noncitizen"]
    assert (first.language, first.channel, first.needs_translation) == ("es", "hand", False)
    assert notices["A200000002", "noncitizen"].language == "pt-BR"
    assert notices["A200000002", "noncitizen"].channel == "usps"
    assert notices["A200000003", "noncitizen"].channel == "usps_international"
    mam = notices["A200000004", "noncitizen"]
    assert (mam.language, mam.channel, mam.follow_up) == ("en", "follow_up", True)
    rep = notices["A200000001", "representative"]
    assert (rep.language, rep.channel) == ("en", "usps")


def test_deliveries_move_status_and_feed_the_hold_clock(desk):
    with desk.session() as session:
        _ensure_all(session)
        record_delivery(session, "NOV28", "A200000001", "noncitizen",
                        Delivery("refused", at("2022-12-02T10:00"), served_by="Officer Diaz",
                                 location="KRO"),
                        actor=ACTOR)
        record_delivery(session, "NOV28", "200-000-002", "noncitizen",
                        Delivery("mailed", at("2022-12-01T10:00")), actor=ACTOR)
        record_delivery(session, "NOV28", "A200000003", "noncitizen",
                        Delivery("mailed", at("2022-12-01T10:00")), actor=ACTOR)
        record_delivery(session, "NOV28", "A200000003", "noncitizen",
                        Delivery("returned", at("2022-12-20T10:00")), actor=ACTOR)
        status = notice_status(session, "NOV28", now=at("2022-12-10T00:00"), tz=ET)
        notices = _notices(session)
    assert notices["A200000003", "noncitizen"].follow_up
    assert status["by_status"]["returned"] == 1 and status["by_status"]["refused"] == 1
    # refused at hand delivery counts at once; mail 5 days after; returned mail never
    assert status["provided_to_noncitizen"] == 2 and status["noncitizens"] == 5
    assert status["by_language"] == {"en": 3, "es": 3, "pt-BR": 1}


@pytest.mark.parametrize(("args", "message"), [
    (("A200000001", "noncitizen", Delivery("delivered", at("2022-12-02T10:00"))), "served-by"),
    (("A200000001", "noncitizen", Delivery("lost", at("2022-12-02T10:00"))), "status"),
    (("A200000001", "judge", Delivery("delivered", at("2022-12-02T10:00"))), "recipient"),
    (("A299999999", "noncitizen", Delivery("mailed", at("2022-12-02T10:00"))), r"A\*{5}9999"),
    (("A200000002", "noncitizen", Delivery("mailed", at("2022-11-01T10:00"))), "before"),
    (("A200000004", "noncitizen", Delivery("mailed", at("2022-12-02T10:00"))), "method"),
    (("A200000002", "noncitizen", Delivery("refused", at("2022-12-02T10:00"))), "hand"),
])
def test_bad_deliveries_name_the_field(desk, args, message):
    with desk.session() as session:
        _ensure_all(session)
        with pytest.raises(NoticeError, match=message):
            record_delivery(session, "NOV28", *args, actor=ACTOR)


def _sheet(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_import_is_all_or_nothing(desk, tmp_path):
    with desk.session() as session:
        _ensure_all(session)
        numbers = {k: n.notice_number for k, n in _notices(session).items()}
    good = {"notice_number": numbers["A200000001", "noncitizen"], "status": "delivered",
            "at": "2022-12-02T09:00", "method": "hand", "served_by": "Officer Diaz",
            "location": "KRO"}
    bad = {**good, "notice_number": numbers["A200000005", "noncitizen"], "served_by": ""}
    path = _sheet(tmp_path / "sheet.csv", [good, bad])
    with pytest.raises(NoticeError, match=r"sheet.csv: row 3: served-by"), desk.session() as s:
        import_deliveries(s, "NOV28", read_delivery_sheet(path, ET), source="sheet.csv",
                          actor=ACTOR)
    with desk.session() as session:
        assert session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 0
    typo = {**good, "notice_number": good["notice_number"][:-1] + "0"}
    if typo["notice_number"] != good["notice_number"]:
        with pytest.raises(NoticeError, match="row 2: notice_number"), desk.session() as s:
            import_deliveries(s, "NOV28", read_delivery_sheet(
                _sheet(tmp_path / "t.csv", [typo]), ET), source="t.csv", actor=ACTOR)
    with pytest.raises(NoticeError, match="unknown column"):
        read_delivery_sheet(_sheet(tmp_path / "u.csv", [{**good, "colour": "x"}]), ET)
    with desk.session() as session:
        result = import_deliveries(session, "NOV28", read_delivery_sheet(
            _sheet(tmp_path / "ok.csv", [good, {**bad, "served_by": "Officer Roe"}]), ET),
            source="ok.csv", actor=ACTOR)
    assert result == {"delivered": 2}


def test_generate_packets_writes_everything_and_audits_one_bulk_read(desk, tmp_path):
    with desk.session() as session:
        _ensure_all(session)
        people = find_people(session, ["A200000001", "A200000003"])
        for a_number, action in (("A200000001", "file_disclosure_notice_ij"),
                                 ("A200000003", "contact_representative_re_return")):
            task = Task(key=f"{a_number}:{action}", person_id=people[a_number].id,
                        action=action, component="OPLA")
            task.incidents.append(TaskIncident(incident_id="NOV28"))
            session.add(task)
    with desk.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        report = generate_packets(session, "NOV28", tmp_path / "out", actor=ACTOR, tz=ET,
                                  progress=False, workers=1)
        reads = session.execute(select(AuditEvent.action).where(
            AuditEvent.seq > before)).scalars().all()
        statuses = {n.status for n in session.execute(select(Notice)).scalars()}
    assert report.packets == 7 and statuses == {"generated"}
    assert reads.count("person.bulk_read") == 1
    out = tmp_path / "out"
    assert len(list((out / "notices").glob("*.pdf"))) == 7
    assert (out / "manifests" / "KRO.pdf").exists()
    sheet = list(csv.DictReader((out / "delivery-sheets" / "KRO.csv").open()))
    assert len(sheet) == 2
    merge = list(csv.DictReader((out / "mail-merge.csv").open(encoding="utf-8")))
    assert {r["channel"] for r in merge} == {"usps", "usps_international"}
    abroad = [r for r in merge if r["channel"] == "usps_international"]
    assert [(r["address_line_2"], r["address_line_3"]) for r in abroad] == [("La Habana", "CUBA")]
    follow = list(csv.DictReader((out / "follow-up.csv").open(encoding="utf-8")))
    assert [r["a_number"] for r in follow] == ["A200000004"]
    assert report.letters == {"court_notice_ij": 1, "representative_return": 1}
    court = " ".join(
        PdfReader(next((out / "court").glob("*-IJ.pdf"))).pages[0].extract_text().split())
    assert "IMMIGRATION COURT" in court and "Ana Ferreira" in court  # served on the lawyer
    letter = " ".join(PdfReader(next((out / "representatives").glob("*-return.pdf")))
                      .pages[0].extract_text().split())
    assert "INA § 240" in letter and "2 Court St" in letter and "facilitate" in letter


@examples(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(st.integers(0, 4), max_size=5), min_size=1, max_size=4))
def test_exactly_one_notice_per_incident_person_recipient(desk, batches):
    """However the planner calls it (per exposure, in batches, repeatedly), never 0 or 2."""
    for batch in batches:
        with desk.session() as session:
            exposures = list(session.execute(select(Exposure).order_by(Exposure.id)).scalars())
            chosen = [exposures[i] for i in batch]
            if len(chosen) == 1:
                ensure_notices(session, chosen[0], actor=ACTOR)
            else:
                ensure_notices_for(session, chosen, actor=ACTOR)
    with desk.session() as session:
        _ensure_all(session)
        keys = [(n.incident_id, n.person_id, n.recipient)
                for n in session.execute(select(Notice)).scalars()]
        numbers = set(session.execute(select(Notice.notice_number)).scalars())
    assert len(keys) == len(set(keys)) == len(numbers) == 7


def test_a_released_person_gets_mail_instead_of_hand_delivery(desk, tmp_path):
    with desk.session() as session:
        _ensure_all(session)
        before = _notices(session)["A200000001", "noncitizen"].notice_number
    released = PEOPLE[0].replace(",detained,KRO,,,,,,", ",released,,9 Elm St,Tampa,FL,33601,,")
    (tmp_path / "p2.csv").write_text("\n".join([PERSON_COLUMNS, released]) + "\n",
                                     encoding="utf-8")
    with desk.session() as session:
        import_file(session, tmp_path / "p2.csv", kind="persons", actor=ACTOR, tz=ET)
        _ensure_all(session)
        notice = _notices(session)["A200000001", "noncitizen"]
        assert (notice.channel, notice.notice_number) == ("usps", before)
