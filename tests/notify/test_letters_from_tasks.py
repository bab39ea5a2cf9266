"""Court notices and representative letters come from their tasks, in the order of the legal
steps: the notice to the immigration judge waits for the Notice to Appear, and a task that
reopens after the person's notice went out still gets its letter."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from spilldesk.notify.generate import generate_packets
from spilldesk.notify.notices import Delivery, record_delivery
from spilldesk.store.models import Task, TaskIncident
from spilldesk.store.people import find_people
from tests.notify.test_notices import ACTOR, ET, _ensure_all, at, desk  # noqa: F401

pytestmark = pytest.mark.db


def _task(session, person_id: int, action: str, *, after: Task | None = None,
          status: str = "open") -> Task:
    task = Task(key=f"{person_id}:{action}", person_id=person_id, action=action,
                component="OPLA", status=status, depends_on_id=after.id if after else None)
    task.incidents.append(TaskIncident(incident_id="NOV28"))
    session.add(task)
    session.flush()
    return task


def _generate(desk, out):  # noqa: F811
    with desk.session() as session:
        return generate_packets(session, "NOV28", out, actor=ACTOR, tz=ET, progress=False,
                                workers=1)


def test_notice_to_the_judge_waits_for_the_notice_to_appear(desk, tmp_path):  # noqa: F811
    with desk.session() as session:
        _ensure_all(session)
        person = find_people(session, ["A200000001"])["A200000001"]
        nta = _task(session, person.id, "issue_nta")
        _task(session, person.id, "file_disclosure_notice_ij", after=nta)
    first = _generate(desk, tmp_path / "before")
    assert first.letters == {}
    assert not list((tmp_path / "before").glob("court/*.pdf"))
    with desk.session() as session:
        session.get(Task, nta.id).status = "done"  # the Notice to Appear was issued
    second = _generate(desk, tmp_path / "after")
    assert second.letters == {"court_notice_ij": 1}
    assert len(list((tmp_path / "after").glob("court/*-IJ.pdf"))) == 1


def test_a_task_reopened_after_the_notice_was_sent_still_gets_its_letter(desk,  # noqa: F811
                                                                         tmp_path):
    with desk.session() as session:
        _ensure_all(session)
        person = find_people(session, ["A200000003"])["A200000003"]
    with desk.session() as session:
        record_delivery(session, "NOV28", "A200000003", "representative",
                        Delivery("mailed", at("2022-12-01T10:00"), method="usps"), actor=ACTOR)
        record_delivery(session, "NOV28", "A200000003", "noncitizen",
                        Delivery("mailed", at("2022-12-01T10:00"), method="usps"), actor=ACTOR)
        _task(session, person.id, "contact_representative_re_return")
    report = _generate(desk, tmp_path / "out")
    assert report.letters == {"representative_return": 1}
    letter = next((tmp_path / "out" / "representatives").glob("*-return.pdf"))
    text = " ".join(PdfReader(letter).pages[0].extract_text().split())
    assert "Ana Ferreira" in text and "facilitate" in text
