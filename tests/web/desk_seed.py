"""A small desk for the web tests, built through the services (and plain rows where the
service that would write them is not the web's concern): a registry, an incident,
exposures, notices, a removal hold, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from spilldesk.access.users import Role, add_user
from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.safeguards.holds import place_removal_hold
from spilldesk.store.db import Store
from spilldesk.store.models import DeliveryAttempt, Exposure, Notice
from spilldesk.store.people import find_people

ET = ZoneInfo("America/New_York")
ACTOR = "test:web"
PASSWORD = "correct horse battery"
INCIDENT = "ICE-TEST-1"


@dataclass
class Seeded:
    a_numbers: list[str]
    person_ids: dict[str, int]
    detained: str  # an exposed, detained person with an unexecuted final order, not notified
    # (the registry's other exposed final order, a_numbers[3], is held too: derived, no row)
    released: str  # an exposed, released person notified by hand
    outsider: str  # in the registry, not exposed


def registry_csv(tmp_path: Path, count: int = 6) -> tuple[Path, Path, list[str]]:
    a_numbers = [f"A{300000000 + n:09d}" for n in range(1, count + 1)]
    facilities = tmp_path / "facilities.csv"
    facilities.write_text("facility_code,name,city,state\nKROME,Krome North SPC,Miami,FL\n")
    persons = tmp_path / "persons.csv"
    rows = ["a_number,family_name,given_name,date_of_birth,custody,facility_code,posture,"
            "final_order,language,book_in_date"]
    for n, a in enumerate(a_numbers):
        custody = "detained" if n % 2 == 0 else "released"
        facility = "KROME" if custody == "detained" else ""
        posture = "final_order_unexecuted" if n % 3 == 0 else "removal_proceedings"
        final = "true" if posture == "final_order_unexecuted" else "false"
        rows.append(f"{a},FAMILIA{n},NOMBRE{n},1985-02-{n + 1:02d},{custody},{facility},"
                    f"{posture},{final},es,2022-10-01")
    persons.write_text("\n".join(rows) + "\n")
    return facilities, persons, a_numbers


def seed_desk(store: Store, tmp_path: Path) -> Seeded:
    facilities, persons, a_numbers = registry_csv(tmp_path)
    with store.session() as session:
        import_file(session, facilities, kind="facilities", actor=ACTOR, tz=ET)
        import_file(session, persons, kind="persons", actor=ACTOR, tz=ET)
        open_incident(session, IncidentSpec(
            id=INCIDENT, title="Test posting",
            exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
            exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET), notice_languages=("en", "es"),
        ), actor=ACTOR)
    with store.session() as session:
        ids = {a: p.id for a, p in find_people(session, a_numbers).items()}
        exposed = a_numbers[:5]
        for number, a in enumerate(exposed):
            session.add(Exposure(incident_id=INCIDENT, person_id=ids[a], source="manual",
                                 data_elements=["name", "a_number"], created_by=ACTOR))
            session.add(Notice(notice_number=f"N-{number:05d}", incident_id=INCIDENT,
                               person_id=ids[a], recipient="noncitizen", language="es",
                               channel="hand" if number % 2 == 0 else "usps",
                               generated_at=datetime(2022, 11, 30, 9, 0, tzinfo=ET)))
        session.flush()
        place_removal_hold(session, incident_id=INCIDENT, person_id=ids[a_numbers[0]],
                           actor=ACTOR)
        released_notice = session.query(Notice).filter_by(person_id=ids[a_numbers[1]]).one()
        session.add(DeliveryAttempt(notice_id=released_notice.id, status="delivered",
                                    at=datetime(2022, 12, 1, 10, 0, tzinfo=ET), method="hand",
                                    created_by=ACTOR))
    return Seeded(a_numbers, ids, detained=a_numbers[0], released=a_numbers[1],
                  outsider=a_numbers[5])


def add_users(store: Store, roles: list[Role] | None = None) -> None:
    with store.session() as session:
        for role in roles or [r for r in Role if r is not Role.MACHINE]:
            add_user(session, role.value, role, PASSWORD, actor=ACTOR)
