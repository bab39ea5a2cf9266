"""Clearance from the store: single checks, manifests, holds and extensions, audited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.domain.anumber import InvalidANumber
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.safeguards.clearance import clearance, clearance_manifest
from spilldesk.safeguards.holds import HoldError, extend_holds, list_holds, place_removal_hold
from spilldesk.store.db import Store
from spilldesk.store.models import (
    AuditEvent,
    DeliveryAttempt,
    Exposure,
    HoldExtension,
    Notice,
    ReviewItem,
)
from spilldesk.store.people import find_people

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
ACTOR = "test:clearance"
A_NUMBERS = [f"A{200000000 + n:09d}" for n in range(1, 7)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ET)


def seed_registry(store: Store, tmp_path: Path, a_numbers: list[str]) -> dict[str, int]:
    path = tmp_path / "persons.csv"
    # In proceedings, no final order: a test that wants a removal hold places one.
    lines = ["a_number,family_name,given_name,date_of_birth,posture,final_order"]
    lines += [
        f"{a},FAMILY{n},GIVEN{n},1980-01-{n % 27 + 1:02d},removal_proceedings,false"
        for n, a in enumerate(a_numbers)
    ]
    path.write_text("\n".join(lines) + "\n")
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
    with store.session() as session:
        return {a: p.id for a, p in find_people(session, a_numbers).items()}


def open_test_incident(store: Store, incident_id: str, hold_days: int = 30) -> None:
    spec = IncidentSpec(
        id=incident_id,
        title=f"test {incident_id}",
        exposed_from=at("2022-11-28T09:45"),
        exposed_until=at("2022-11-28T14:04"),
        hold_days=hold_days,
    )
    with store.session() as session:
        open_incident(session, spec, actor=ACTOR)


def expose(store: Store, incident_id: str, person_id: int) -> None:
    with store.session() as session:
        session.add(
            Exposure(
                incident_id=incident_id, person_id=person_id, source="manual", created_by=ACTOR
            )
        )


def deliver(
    store: Store,
    incident_id: str,
    person_id: int,
    recipient: str,
    method: str,
    status: str,
    when: datetime,
) -> None:
    with store.session() as session:
        notice = session.execute(
            select(Notice).where(
                Notice.incident_id == incident_id,
                Notice.person_id == person_id,
                Notice.recipient == recipient,
            )
        ).scalar_one_or_none()
        if notice is None:
            notice = Notice(
                notice_number=f"{incident_id}-{person_id}-{recipient}",
                incident_id=incident_id,
                person_id=person_id,
                recipient=recipient,
                language="en",
                channel=method,
            )
            session.add(notice)
            session.flush()
        session.add(
            DeliveryAttempt(
                notice_id=notice.id, status=status, at=when, method=method, created_by=ACTOR
            )
        )


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> tuple[Store, dict[str, int]]:
    people = seed_registry(store, tmp_path, A_NUMBERS)
    open_test_incident(store, "NOV28")
    open_test_incident(store, "DEC07")
    return store, people


def check(store: Store, a_number: str, on: str):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return clearance(session, a_number, date.fromisoformat(on), actor=ACTOR, tz=ET)


def test_person_with_no_exposure_is_cleared(desk: tuple[Store, dict[str, int]]) -> None:
    store, _ = desk
    answer = check(store, A_NUMBERS[0], "2022-12-01")
    assert answer.cleared and answer.reasons == ()


def test_unknown_a_number_is_never_cleared(desk: tuple[Store, dict[str, int]]) -> None:
    store, _ = desk
    answer = check(store, "A999999999", "2030-01-01")
    assert not answer.cleared
    assert [r.code.value for r in answer.reasons] == ["unknown_person"]
    assert answer.to_json()["a_number"] == "A*****9999"


def test_malformed_a_number_is_an_error(desk: tuple[Store, dict[str, int]]) -> None:
    store, _ = desk
    with pytest.raises(InvalidANumber):
        check(store, "12-34", "2022-12-01")


def test_representative_copy_does_not_clear_but_hand_delivery_does(
    desk: tuple[Store, dict[str, int]],
) -> None:
    store, people = desk
    person = people[A_NUMBERS[1]]
    expose(store, "NOV28", person)
    deliver(store, "NOV28", person, "representative", "usps", "delivered", at("2022-12-01T09:00"))
    assert not check(store, A_NUMBERS[1], "2023-06-01").cleared
    deliver(store, "NOV28", person, "noncitizen", "hand", "delivered", at("2022-12-05T10:00"))
    assert check(store, A_NUMBERS[1], "2022-12-05").blocked_until == date(2022, 12, 6)
    assert check(store, A_NUMBERS[1], "2022-12-06").cleared


def test_hold_counts_from_notice_and_extensions_reach_every_held_person(
    desk: tuple[Store, dict[str, int]],
) -> None:
    store, people = desk
    running, ended = people[A_NUMBERS[2]], people[A_NUMBERS[3]]
    for person in (running, ended):
        expose(store, "NOV28", person)
        with store.session() as session:
            place_removal_hold(session, incident_id="NOV28", person_id=person, actor=ACTOR)
    deliver(store, "NOV28", running, "noncitizen", "hand", "delivered", at("2023-01-20T10:00"))
    deliver(store, "NOV28", ended, "noncitizen", "hand", "refused", at("2022-12-01T10:00"))
    assert check(store, A_NUMBERS[2], "2023-02-01").blocked_until == date(2023, 2, 20)
    assert check(store, A_NUMBERS[3], "2023-01-01").cleared
    with store.session() as session:
        extension = extend_holds(
            session, "NOV28", days=30, reason="time to see a lawyer", actor=ACTOR
        )
        extension.created_at = at("2023-02-01T12:00")
    assert check(store, A_NUMBERS[2], "2023-02-01").blocked_until == date(2023, 3, 22)
    # The ended hold gets its 30 days from the moment the extension was recorded.
    assert check(store, A_NUMBERS[3], "2023-02-02").blocked_until == date(2023, 3, 4)
    with store.session() as session:
        extend_holds(session, "NOV28", indefinite=True, reason="pause", actor=ACTOR)
    answer = check(store, A_NUMBERS[2], "2030-01-01")
    assert (answer.cleared, answer.blocked_until) == (False, None)
    assert "hold_extended_indefinitely" in [r.code.value for r in answer.reasons]


def test_mail_counts_after_the_incident_mail_days_and_returned_mail_never(
    desk: tuple[Store, dict[str, int]],
) -> None:
    store, people = desk
    person = people[A_NUMBERS[4]]
    expose(store, "DEC07", person)
    deliver(store, "DEC07", person, "noncitizen", "usps", "mailed", at("2022-12-10T15:00"))
    assert check(store, A_NUMBERS[4], "2022-12-15").blocked_until == date(2022, 12, 16)
    deliver(store, "DEC07", person, "noncitizen", "usps", "returned", at("2022-12-20T09:00"))
    assert check(store, A_NUMBERS[4], "2023-06-01").blocked_until is None


def test_open_review_candidate_is_blocked_until_decided(
    desk: tuple[Store, dict[str, int]],
    tmp_path: Path,
) -> None:
    store, people = desk
    person = people[A_NUMBERS[5]]
    from spilldesk.store.models import DisclosedDocument, DisclosedRecord

    with store.session() as session:
        document = DisclosedDocument(
            incident_id="DEC07", file_name="list.xlsx", sha256="0" * 64, size=1, created_by=ACTOR
        )
        session.add(document)
        session.flush()
        record = DisclosedRecord(document_id=document.id, incident_id="DEC07", pii=b"x")
        session.add(record)
        session.flush()
        session.add(
            ReviewItem(
                incident_id="DEC07", record_id=record.id, person_id=person, reason="uncertain"
            )
        )
    answer = check(store, A_NUMBERS[5], "2030-01-01")
    assert [r.code.value for r in answer.reasons] == ["review_candidate"]
    with store.session() as session:
        item = session.execute(select(ReviewItem)).scalar_one()
        item.status = "rejected"
    assert check(store, A_NUMBERS[5], "2030-01-01").cleared


def test_manifest_checks_every_line_in_order_and_audits_one_bulk_read(
    desk: tuple[Store, dict[str, int]],
) -> None:
    store, people = desk
    expose(store, "NOV28", people[A_NUMBERS[0]])
    lines = [A_NUMBERS[0], "A999999999", A_NUMBERS[1], A_NUMBERS[1].replace("A", "")]
    with store.session() as session:
        manifest = clearance_manifest(session, lines, date(2022, 12, 1), actor=ACTOR, tz=ET)
    document = manifest.to_json()
    assert (document["checked"], document["blocked"]) == (4, 2)
    assert [r["cleared"] for r in document["results"]] == [False, False, True, True]
    assert document["results"][1]["reasons"][0]["code"] == "unknown_person"
    with store.session() as session:
        events = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "clearance.manifest"))
            .scalars()
            .all()
        )
    assert len(events) == 1 and (events[0].detail or {}).get("checked") == 4


def test_audit_detail_never_holds_the_a_number(desk: tuple[Store, dict[str, int]]) -> None:
    store, people = desk
    check(store, A_NUMBERS[0], "2022-12-01")
    check(store, "A999999999", "2022-12-01")
    with store.session() as session:
        details = [json.dumps(e.detail) for e in session.execute(select(AuditEvent)).scalars()]
    assert not any(a[1:] in text or "999999999" in text for text in details for a in A_NUMBERS)


def test_extension_requests_are_validated(desk: tuple[Store, dict[str, int]]) -> None:
    store, _ = desk
    with store.session() as session:
        with pytest.raises(HoldError, match="exactly one"):
            extend_holds(session, "NOV28", days=5, indefinite=True, reason="x", actor=ACTOR)
        with pytest.raises(HoldError, match="positive"):
            extend_holds(session, "NOV28", days=0, reason="x", actor=ACTOR)
        with pytest.raises(HoldError, match="reason"):
            extend_holds(session, "NOV28", days=3, reason=" ", actor=ACTOR)
        with pytest.raises(HoldError, match="does not exist"):
            extend_holds(session, "NOPE", days=3, reason="x", actor=ACTOR)
    with store.session() as session:
        assert session.execute(select(HoldExtension)).first() is None


def test_list_holds_shows_masked_people_and_their_clearance(
    desk: tuple[Store, dict[str, int]],
) -> None:
    store, people = desk
    person = people[A_NUMBERS[2]]
    expose(store, "NOV28", person)
    with store.session() as session:
        place_removal_hold(session, incident_id="NOV28", person_id=person, actor=ACTOR)
        place_removal_hold(session, incident_id="NOV28", person_id=person, actor=ACTOR)
    with store.session() as session:
        held = list_holds(session, "NOV28", date(2022, 12, 1), actor=ACTOR, tz=ET)
    assert len(held) == 1
    assert held[0].to_json()["a_number"] == "A*****" + A_NUMBERS[2][-4:]
    assert [r["code"] for r in held[0].reasons] == ["notice_not_provided", "removal_hold"]


# --- the command line -----------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_cli_single_check_exit_codes_and_json(desk: tuple[Store, dict[str, int]]) -> None:
    store, people = desk
    workdir = str(store.settings.workdir)
    expose(store, "NOV28", people[A_NUMBERS[1]])
    code, stdout = run(
        "clearance", A_NUMBERS[0], "--on", "2022-12-01", "--json", "--workdir", workdir
    )
    assert code == 0
    assert json.loads(stdout) == {
        "a_number": "A*****" + A_NUMBERS[0][-4:],
        "on": "2022-12-01",
        "cleared": True,
        "blocked_until": None,
        "reasons": [],
    }
    code, stdout = run("clearance", A_NUMBERS[1], "--json", "--workdir", workdir)
    assert code == 1
    assert json.loads(stdout)["reasons"][0]["code"] == "notice_not_provided"
    code, _ = run("clearance", "not-a-number", "--workdir", workdir)
    assert code == 2
    code, _ = run("clearance", A_NUMBERS[0], "--on", "2022-13-45", "--workdir", workdir)
    assert code == 2


# A whole `spilldesk` process, as a scheduling system runs it; at exit it names what it loaded.
WHOLE_PROCESS = ("import atexit, sys; from spilldesk.cli.main import main; atexit.register("
                 "lambda: sys.stderr.write('loaded: ' + ' '.join(sorted(sys.modules)) + '\\n')); "
                 "main()")
NOT_FOR_A_CHECK = ("spilldesk.store.clawback_models", "spilldesk.store.oversight_models",
                   "spilldesk.store.monitor_models", "spilldesk.store.response_models",
                   "spilldesk.store.user_models", "spilldesk.store.registry_models",
                   "spilldesk.store.incident_models", "spilldesk.store.people",
                   "rich.console", "rich.table", "alembic")


def test_cli_check_in_its_own_process_audits_and_loads_only_what_it_uses(
    desk: tuple[Store, dict[str, int]],
) -> None:
    """Start-up (docs/benchmarks.md): a single check builds only the tables it reads, yet it
    still writes its audit event before it answers, and answers blocked."""
    store, people = desk
    expose(store, "NOV28", people[A_NUMBERS[1]])
    with store.session() as session:
        before = session.execute(select(AuditEvent.seq).where(
            AuditEvent.action == "clearance.check")).scalars().all()
    src = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-c", WHOLE_PROCESS, "clearance", A_NUMBERS[1], "--on", "2022-12-01",
         "--json", "--workdir", str(store.settings.workdir)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": src}, check=False)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["reasons"][0]["code"] == "notice_not_provided"
    with store.session() as session:
        after = session.execute(select(AuditEvent).where(
            AuditEvent.action == "clearance.check")).scalars().all()
    assert len(after) == len(before) + 1
    assert after[-1].object_id == str(people[A_NUMBERS[1]])
    loaded = set(done.stderr.split("loaded: ", 1)[1].split())
    assert "spilldesk.store.models" in loaded  # the probe sees the process's modules
    assert sorted(loaded.intersection(NOT_FOR_A_CHECK)) == []


def test_cli_manifest(desk: tuple[Store, dict[str, int]], tmp_path: Path) -> None:
    store, people = desk
    workdir = str(store.settings.workdir)
    expose(store, "NOV28", people[A_NUMBERS[1]])
    manifest = tmp_path / "removal-flight.csv"
    manifest.write_text(
        "flight,a_number\nF1," + "\nF1,".join([A_NUMBERS[0], A_NUMBERS[1], "A999999999"]) + "\n"
    )
    code, stdout = run(
        "clearance",
        "--manifest",
        str(manifest),
        "--on",
        "2022-12-02",
        "--json",
        "--workdir",
        workdir,
    )
    assert code == 1
    document = json.loads(stdout)
    assert (document["checked"], document["blocked"]) == (3, 2)
    assert [r["row"] for r in document["results"]] == [2, 3, 4]
    manifest.write_text("flight,a_number\nF1,A12\n")
    code, _ = run("clearance", "--manifest", str(manifest), "--workdir", workdir)
    assert code == 2
    manifest.write_text("flight,anum\nF1,A12\n")
    code, _ = run("clearance", "--manifest", str(manifest), "--workdir", workdir)
    assert code == 2


def test_cli_hold_extend_and_list(desk: tuple[Store, dict[str, int]]) -> None:
    store, people = desk
    workdir = str(store.settings.workdir)
    with store.session() as session:
        place_removal_hold(
            session, incident_id="NOV28", person_id=people[A_NUMBERS[3]], actor=ACTOR
        )
    code, _ = run(
        "hold", "extend", "NOV28", "--days", "30", "--reason", "counsel", "--workdir", workdir
    )
    assert code == 0
    code, _ = run(
        "hold",
        "extend",
        "NOV28",
        "--days",
        "30",
        "--indefinite",
        "--reason",
        "x",
        "--workdir",
        workdir,
    )
    assert code == 2
    code, stdout = run("hold", "list", "NOV28", "--json", "--workdir", workdir)
    assert code == 0
    document = json.loads(stdout)
    assert len(document["holds"]) == 1 and len(document["extensions"]) == 1
    assert document["extensions"][0]["days"] == 30


def test_clearance_stays_blocked_after_the_day_before(desk: tuple[Store, dict[str, int]]) -> None:
    store, people = desk
    person = people[A_NUMBERS[2]]
    expose(store, "NOV28", person)
    with store.session() as session:
        place_removal_hold(session, incident_id="NOV28", person_id=person, actor=ACTOR)
    deliver(store, "NOV28", person, "noncitizen", "hand", "delivered", at("2022-12-01T10:00"))
    first = check(store, A_NUMBERS[2], "2022-12-15").blocked_until
    assert first == date(2023, 1, 1)
    assert not check(store, A_NUMBERS[2], (first - timedelta(days=1)).isoformat()).cleared
    assert check(store, A_NUMBERS[2], first.isoformat()).cleared


def test_xlsx_manifest_is_read_with_its_row_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from spilldesk.safeguards.clearance import ManifestError, read_manifest

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["flight", "A_Number"])
    sheet.append(["F1", "A-012-345-678"])
    sheet.append(["F1", "12345679"])
    path = tmp_path / "manifest.xlsx"
    workbook.save(path)
    assert read_manifest(path) == [(2, "A012345678"), (3, "A012345679")]
    sheet.append(["F1", "not a number"])
    workbook.save(path)
    with pytest.raises(ManifestError, match="row 4"):
        read_manifest(path)


def test_store_answers_agree_with_the_rule_on_random_histories(
    store: Store,
    tmp_path: Path,
) -> None:
    """Differential: random histories written to the store and kept in memory agree."""
    import random

    from spilldesk.domain.holds import (
        Extension,
        IncidentFacts,
        NoticeAttempt,
        PersonClearanceFacts,
        clearance_for,
    )

    rng = random.Random(5)
    a_numbers = [f"A{600000000 + n:09d}" for n in range(40)]
    people = seed_registry(store, tmp_path, a_numbers)
    open_test_incident(store, "NOV28", hold_days=30)
    open_test_incident(store, "DEC07", hold_days=20)
    base = at("2022-12-01T08:00")
    memory: dict[str, dict[str, dict[str, Any]]] = {}
    for a in a_numbers:
        memory[a] = {}
        for incident in ("NOV28", "DEC07"):
            facts: dict[str, Any] = {
                "exposed": rng.random() < 0.6,
                "held": rng.random() < 0.3,
                "attempts": [],
            }
            if facts["exposed"]:
                expose(store, incident, people[a])
            if facts["held"]:
                with store.session() as session:
                    place_removal_hold(
                        session, incident_id=incident, person_id=people[a], actor=ACTOR
                    )
            for _ in range(rng.randint(0, 3)):
                recipient = rng.choice(["noncitizen", "noncitizen", "representative"])
                method = rng.choice(["hand", "usps"])
                status = rng.choice(["delivered", "refused", "mailed", "returned", "attempted"])
                when = base + timedelta(hours=rng.randint(0, 24 * 40))
                deliver(store, incident, people[a], recipient, method, status, when)
                facts["attempts"].append(NoticeAttempt(recipient, method, status, when))
            memory[a][incident] = facts
    extension = Extension(at("2023-01-15T12:00"), days=15)
    with store.session() as session:
        row = extend_holds(session, "NOV28", days=15, reason="counsel", actor=ACTOR)
        row.created_at = extension.recorded_at
    hold_days = {"NOV28": 30, "DEC07": 20}
    for a in a_numbers:
        incidents = tuple(
            IncidentFacts(
                incident,
                exposed=f["exposed"],
                held=f["held"],
                hold_days=hold_days[incident],
                attempts=tuple(f["attempts"]),
                extensions=(extension,) if incident == "NOV28" else (),
            )
            for incident, f in memory[a].items()
            if f["exposed"] or f["held"]
        )
        expected_facts = PersonClearanceFacts(known=True, incidents=incidents)
        for on in ("2022-12-10", "2023-01-10", "2023-02-20", "2023-06-01"):
            day = date.fromisoformat(on)
            expected = clearance_for(expected_facts, day, ET)
            answer = check(store, a, on)
            assert (answer.cleared, answer.blocked_until) == (
                expected.cleared,
                expected.blocked_until,
            ), (a, on)


def test_the_light_tables_a_check_reads_are_the_models_tables() -> None:
    """A check reads the registry's and the incidents' tables without building their classes,
    through light tables of its own: each of their columns is a column of the model's table,
    of the same type (a renamed or retyped column fails here, not in a removal decision)."""
    from spilldesk.safeguards.clearance import LIGHT_TABLES
    from spilldesk.store.models import Base, Incident, Person

    assert Person.__table__.metadata is Incident.__table__.metadata is Base.metadata
    for light in LIGHT_TABLES:
        model = Base.metadata.tables[light.name]
        for light_column in light.columns:
            assert light_column.name in model.c, (light.name, light_column.name)
            expected = type(model.c[light_column.name].type)
            assert type(light_column.type) is expected, (light.name, light_column.name)


def test_a_check_finds_people_by_the_registrys_blind_index(store: Store) -> None:
    """A check computes the A-number's blind index itself (it does not load `store.people`):
    the same index the registry stores."""
    from spilldesk.domain.anumber import normalize_a_number
    from spilldesk.safeguards.clearance import A_NUMBER_INDEX
    from spilldesk.store.people import a_number_index

    with store.session() as session:
        for a_number in [*A_NUMBERS, "a-200 000 001"]:
            assert store.keyring.blind_index(
                A_NUMBER_INDEX, normalize_a_number(a_number)) == a_number_index(session, a_number)
