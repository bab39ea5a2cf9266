"""Extension letters: each held person whose notice went out learns the new end of the pause
(their own date, by the hold rule) or that it lasts until further notice."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from spilldesk import clock
from spilldesk.cli.main import app
from spilldesk.notify.extension_letters import write_extension_letters
from spilldesk.notify.notices import Delivery, NoticeError, record_delivery
from spilldesk.safeguards.holds import extend_holds, place_removal_hold
from spilldesk.store.people import find_people
from tests.notify.test_notices import ACTOR, ET, _ensure_all, at, desk  # noqa: F401

pytestmark = pytest.mark.db
HELD = ("A200000004", "A200000005")  # unexecuted final orders: no address / detained (es)


def _hold_and_deliver(desk):  # noqa: F811
    with desk.session() as session:
        _ensure_all(session)
        people = find_people(session, list(HELD))
        for a_number in HELD:
            place_removal_hold(session, incident_id="NOV28", person_id=people[a_number].id,
                               actor=ACTOR)
    with desk.session() as session:
        record_delivery(session, "NOV28", "A200000005", "noncitizen",
                        Delivery("delivered", at("2022-12-02T10:00"), method="hand",
                                 served_by="Officer Diaz", location="KRO"), actor=ACTOR)


def _text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_no_extension_no_letters(desk, tmp_path):  # noqa: F811
    _hold_and_deliver(desk)
    with desk.session() as session, pytest.raises(NoticeError, match="no extension"):
        write_extension_letters(session, "NOV28", tmp_path, actor=ACTOR, tz=ET, workers=1)


def test_extension_by_days_gives_the_persons_own_new_date(desk, tmp_path):  # noqa: F811
    _hold_and_deliver(desk)
    with clock.replaying(at("2022-12-14T10:00")):
        with desk.session() as session:
            extend_holds(session, "NOV28", days=30, reason="options", actor=ACTOR)
        with desk.session() as session:
            report = write_extension_letters(session, "NOV28", tmp_path, actor=ACTOR, tz=ET,
                                             workers=1)
    assert report.letters == 1 and report.waiting_for_their_notice == 1
    assert report.by_language == {"es": 1} and report.until_further_notice == 0
    text = _text(next((tmp_path / "extensions").glob("*.pdf")))
    # Handed over Dec 2: 30 days run through Jan 1; the extension of Dec 14 (while the pause
    # runs) adds 30 days to its end: no removal before the end of Jan 31, 2023.
    assert "2 de diciembre de 2022" in text
    assert "31 de enero de 2023" in text
    assert "hasta nuevo aviso" not in text


def test_indefinite_extension_says_until_further_notice(desk, tmp_path):  # noqa: F811
    _hold_and_deliver(desk)
    with desk.session() as session:
        extend_holds(session, "NOV28", until=date(2023, 2, 15), reason="x", actor=ACTOR)
        extend_holds(session, "NOV28", indefinite=True, reason="options", actor=ACTOR)
    result = CliRunner().invoke(app, ["notify", "extension-letters", "NOV28", "--out",
                                      str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    text = _text(next((tmp_path / "extensions").glob("*.pdf")))
    assert "hasta nuevo aviso" in text and "2023" not in text
