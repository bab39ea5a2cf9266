"""The egress check, and a replay of Dec 7: a list of 103 Cuban nationals sent with a line
saying which of them were in the Nov 28 disclosure must be blocked."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from spilldesk.cli.main import app
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.safeguards.egress import egress_check
from spilldesk.store.db import Store
from spilldesk.store.models import DeliveryAttempt, Exposure, Notice
from spilldesk.store.people import find_people

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
ACTOR = "test:egress"
ON = date(2022, 12, 14)
SURNAMES = [
    "GARCÍA",
    "RODRÍGUEZ",
    "PÉREZ",
    "GONZÁLEZ",
    "HERNÁNDEZ",
    "LÓPEZ",
    "MARTÍNEZ",
    "DÍAZ",
    "SÁNCHEZ",
    "RAMÍREZ",
    "FERNÁNDEZ",
    "CRUZ",
    "MORALES",
    "ORTIZ",
    "CASTILLO",
]
GIVEN = [
    "JOSÉ",
    "MARÍA",
    "YOANDY",
    "YUNIOR",
    "DAYANA",
    "ODALYS",
    "RAÚL",
    "YAMILÉ",
    "ERNESTO",
    "ARIEL",
    "LIÁN",
    "MAIKEL",
    "YAQUELIN",
    "OSMANY",
    "LEIDYS",
]
LISTED = 103
IN_LEAK = 46


class Person:
    def __init__(self, n: int, rng: random.Random) -> None:
        self.a_number = f"A{400000000 + n:09d}"
        self.family = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        self.given = f"{rng.choice(GIVEN)} {rng.choice(GIVEN)}"
        self.born = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 12000))
        self.sex = rng.choice("MF")


@pytest.fixture
def cubans(store: Store, tmp_path: Path) -> tuple[Store, list[Person]]:
    rng = random.Random(1207)
    # A registry large enough for linkage to learn from (u-probabilities from ~1,000 people).
    people = [Person(n, rng) for n in range(LISTED + 1200)]
    path = tmp_path / "persons.csv"
    # In proceedings (no final order): notice alone decides their clearance here.
    lines = ["a_number,family_name,given_name,date_of_birth,sex,country_of_citizenship,posture"]
    lines += [f"{p.a_number},{p.family},{p.given},{p.born},{p.sex},CUB,removal_proceedings"
              for p in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = IncidentSpec(
        id="NOV28",
        title="posting",
        exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
        exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET),
    )
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
        open_incident(session, spec, actor=ACTOR)
    return store, people


def expose(store: Store, people: list[Person], *, notified: bool) -> None:
    with store.session() as session:
        found = find_people(session, [p.a_number for p in people])
        for p in people:
            person_id = found[p.a_number].id
            session.add(
                Exposure(
                    incident_id="NOV28", person_id=person_id, source="linkage", created_by=ACTOR
                )
            )
            if notified:
                notice = Notice(
                    notice_number=f"N-{person_id}",
                    incident_id="NOV28",
                    person_id=person_id,
                    recipient="noncitizen",
                    language="es",
                    channel="hand",
                )
                session.add(notice)
                session.flush()
                session.add(
                    DeliveryAttempt(
                        notice_id=notice.id,
                        status="delivered",
                        method="hand",
                        at=datetime(2022, 12, 2, 10, tzinfo=ET),
                        created_by=ACTOR,
                    )
                )


def write_list(path: Path, people: list[Person], rng: random.Random | None = None) -> Path:
    """The list as DHS sent it: Spanish headers, `APELLIDOS, NOMBRES`, day-first dates."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Relacion"
    sheet.append(["No.", "NOMBRE COMPLETO", "FECHA DE NACIMIENTO", "SEXO", "NACIONALIDAD"])
    for number, p in enumerate(people, start=1):
        name = f"{p.family}, {p.given}"
        if rng is not None and rng.random() < 0.5:
            name = name.translate(str.maketrans("ÁÉÍÓÚ", "AEIOU"))  # accents dropped
        sheet.append(
            [
                number,
                name,
                p.born.strftime("%d/%m/%Y"),
                p.sex,
                "CUBANA" if p.sex == "F" else "CUBANO",
            ]
        )
    workbook.save(path)
    return path


def write_letter(path: Path, numbers: list[int]) -> Path:
    path.write_text(
        "Dear Consul:\n\nPlease find attached the list of Cuban nationals previously provided "
        "for removal processing.\n\nPlease note that the individuals listed under the following "
        "numbers were part of the personal information inadvertently posted on ICE.gov on "
        f"November 28, 2022: {', '.join(map(str, numbers))}.\n",
        encoding="utf-8",
    )
    return path


def check(store: Store, *paths: Path, link: bool = False):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return egress_check(
            session, list(paths), ON, actor=ACTOR, recipient="Cuba", link_unresolved=link, tz=ET
        )


def test_dec_7_replay_blocks(cubans: tuple[Store, list[Person]], tmp_path: Path) -> None:
    store, people = cubans
    listed = people[:LISTED]
    in_leak = random.Random(46).sample(range(LISTED), IN_LEAK)
    expose(store, [listed[i] for i in in_leak], notified=True)
    sheet = write_list(tmp_path / "2022-12-07-cuba-list.xlsx", listed, random.Random(3))
    letter = write_letter(tmp_path / "letter.txt", sorted(i + 1 for i in in_leak))
    report = check(store, letter, sheet)
    assert report.verdict == "block"
    assert [r["code"] for r in report.reasons] == ["reveals_exposure_status"]
    assert len(report.persons) == LISTED and report.unresolved == []
    assert sum(bool(p.exposed_by) for p in report.persons) == IN_LEAK
    assert {"personal information", "inadvertently"} <= {r.text for r in report.reveals}
    document = json.dumps(report.to_json())
    assert not any(p.a_number in document or p.family.split()[0] in document for p in listed)


def test_list_alone_naming_exposed_people_goes_to_review(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    expose(store, people[:5], notified=True)
    report = check(store, write_list(tmp_path / "list.xlsx", people[:20]))
    assert report.verdict == "review"
    assert [r["code"] for r in report.reasons] == ["exposed_person_named"]


def test_list_of_unexposed_cleared_people_passes(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    expose(store, people[:5], notified=True)
    report = check(store, write_list(tmp_path / "list.xlsx", people[5:30]))
    assert (report.verdict, report.reasons) == ("pass", [])
    assert len(report.persons) == 25


def test_a_person_not_cleared_blocks_even_without_revealing_words(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    expose(store, people[:1], notified=False)
    report = check(store, write_list(tmp_path / "list.xlsx", people[:10]))
    assert report.verdict == "block"
    assert "not_cleared" in [r["code"] for r in report.reasons]


def test_a_numbers_in_free_text_are_found_and_asylum_reveals(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    expose(store, people[:1], notified=True)
    digits = people[0].a_number[1:]
    letter = tmp_path / "letter.txt"
    letter.write_text(
        f"Re: A# {digits[:3]}-{digits[3:6]}-{digits[6:]}\n"
        "The subject has a pending asylum application.\n"
    )
    report = check(store, letter)
    assert report.verdict == "block"
    assert [p.found_by for p in report.persons] == ["a_number"]
    assert report.persons[0].places == (f"{letter}, line 1",)


def test_protection_words_beside_unexposed_people_need_review(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    letter = tmp_path / "carta.txt"
    letter.write_text(f"Expediente {people[3].a_number}: solicitud de asilo pendiente.\n")
    report = check(store, letter)
    assert report.verdict == "review"
    assert [r["code"] for r in report.reasons] == ["protection_claim_words"]


def test_unknown_people_are_unresolved_and_need_review(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, _ = cubans
    strangers = [Person(1000 + n, random.Random(n)) for n in range(4)]
    report = check(store, write_list(tmp_path / "list.xlsx", strangers))
    assert report.verdict == "review"
    assert len(report.unresolved) == 4 and report.persons == []


def test_a_list_without_second_surnames_is_resolved_by_linkage(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    expose(store, people[:3], notified=True)
    short = []
    for p in people[:40]:
        clipped = Person(0, random.Random(0))
        clipped.__dict__.update(p.__dict__, family=p.family.split()[0])
        short.append(clipped)
    sheet = write_list(tmp_path / "list.xlsx", short)
    report = check(store, sheet, link=True)
    found = {p.masked_a_number for p in report.persons}
    assert len(found) + len(report.unresolved) == 40
    assert len(found) >= 36
    assert report.verdict in ("review", "block")
    assert {p.found_by for p in report.persons} <= {"linkage", "name_and_date_of_birth"}


def test_cli_egress_check(cubans: tuple[Store, list[Person]], tmp_path: Path) -> None:
    store, people = cubans
    expose(store, people[:2], notified=True)
    sheet = write_list(tmp_path / "list.xlsx", people[:10])
    letter = write_letter(tmp_path / "letter.txt", [1, 2])
    workdir = str(store.settings.workdir)
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "egress",
            "check",
            str(letter),
            str(sheet),
            "--recipient",
            "Cuba",
            "--on",
            "2022-12-14",
            "--no-linkage",
            "--json",
            "--workdir",
            workdir,
        ],
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdict"] == "block"
    result = runner.invoke(
        app, ["egress", "check", str(tmp_path / "missing.pdf"), "--workdir", workdir]
    )
    assert result.exit_code == 2


def test_a_list_on_a_hidden_sheet_is_still_found(
    cubans: tuple[Store, list[Person]],
    tmp_path: Path,
) -> None:
    store, people = cubans
    expose(store, people[:2], notified=True)
    path = write_list(tmp_path / "list.xlsx", people[:6])
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.create_sheet("Cover").append(["Removal flight coordination"])
    workbook["Relacion"].sheet_state = "hidden"
    workbook.save(path)
    report = check(store, path)
    assert len(report.persons) == 6
    assert all("(hidden)" in p.places[0] for p in report.persons)
    assert report.verdict == "review"
