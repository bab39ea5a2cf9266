"""The registry files in SPEC "Registry import format": persons, representatives, facilities."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from spilldesk.private_files import write_private
from spilldesk.scenario.population import Person
from spilldesk.scenario.representatives import Representative
from spilldesk.scenario.shared_data import Facility

PERSON_COLUMNS = (
    "a_number", "family_name", "given_name", "date_of_birth", "sex", "country_of_citizenship",
    "language", "custody", "book_in_date", "book_out_date", "facility_code", "address_line1",
    "address_line2", "city", "state", "postal_code", "address_country", "posture", "appeal_by",
    "final_order", "order_type", "motion_barred", "return_decided", "representative_id",
)
REPRESENTATIVE_COLUMNS = (
    "representative_id", "name", "organization", "address_line1", "address_line2", "city",
    "state", "postal_code", "email", "phone",
)
FACILITY_COLUMNS = ("facility_code", "name", "address_line1", "city", "state", "postal_code", "aor")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def person_row(person: Person) -> tuple[str, ...]:
    address, case = person.address, person.case
    mailing = (
        (address.line1, address.line2, address.city, address.state, address.postal_code,
         address.country)
        if address
        else ("",) * 6
    )
    return (
        person.a_number, person.name.family, person.name.given,
        person.date_of_birth.isoformat(), person.sex, person.country, person.language,
        person.custody.value, person.book_in.isoformat(),
        person.book_out.isoformat() if person.book_out else "", person.facility.code,
        *mailing,
        case.posture.value, case.appeal_by.value if case.appeal_by else "",
        _flag(case.final_order), case.order_type.value, _flag(case.motion_barred),
        _flag(case.return_decided), person.representative_id or "",
    )


def representative_row(rep: Representative) -> tuple[str, ...]:
    return (
        rep.representative_id, rep.name, rep.organization, rep.address_line1, rep.address_line2,
        rep.city, rep.state, rep.postal_code, rep.email, rep.phone,
    )


def facility_row(facility: Facility) -> tuple[str, ...]:
    return (
        facility.code, facility.name, facility.address_line1, facility.city, facility.state,
        facility.postal_code, facility.aor,
    )


def write_csv(path: Path, header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_private(path, out.getvalue())


def write_registry(
    folder: Path,
    people: list[Person],
    representatives: list[Representative],
    facilities: list[Facility],
) -> tuple[Path, Path, Path]:
    persons_csv = folder / "persons.csv"
    representatives_csv = folder / "representatives.csv"
    facilities_csv = folder / "facilities.csv"
    write_csv(persons_csv, PERSON_COLUMNS, (person_row(p) for p in people))
    write_csv(representatives_csv, REPRESENTATIVE_COLUMNS, map(representative_row, representatives))
    write_csv(facilities_csv, FACILITY_COLUMNS, map(facility_row, facilities))
    return persons_csv, representatives_csv, facilities_csv
