"""Registry import: formats, idempotence, all-or-nothing errors that name file, row and field."""

from __future__ import annotations

import csv
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from spilldesk.intake.registry import RegistryError, import_file
from spilldesk.store.audit import verify
from spilldesk.store.models import AuditEvent, Facility, Person, Representative
from spilldesk.store.people import find_person, read_person

ET = ZoneInfo("America/New_York")

FACILITIES = [{"facility_code": "KRO", "name": "Krome North SPC",
               "address_line1": "18201 SW 12th St", "city": "Miami", "state": "FL",
               "postal_code": "33194", "aor": "MIA"}]
REPRESENTATIVES = [{"representative_id": "R1", "name": "Ana Lucía Ferreira",
                    "organization": "Legal Aid", "email": "ana@example.org"}]


def persons(n: int = 3) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        rows.append({
            "a_number": f"{200000000 + i:09d}" if i % 2 else f"A-{200000000 + i:09d}",
            "family_name": f"Quispe Mamani{i}", "given_name": "José", "date_of_birth": "1990-03-12",
            "sex": "M", "country_of_citizenship": "Peru", "language": "es", "custody": "detained",
            "book_in_date": "2022-10-01", "facility_code": "KRO",
            "posture": "final_order_unexecuted", "final_order": "true",
            "representative_id": "R1" if i % 2 else "", "book_out_date": "",
        })
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(store, tmp_path: Path, people: list[dict[str, str]] | None = None) -> None:
    with store.session() as session:
        import_file(session, write_csv(tmp_path / "f.csv", FACILITIES), kind=None, actor="t", tz=ET)
        import_file(session, write_csv(tmp_path / "r.csv", REPRESENTATIVES), kind=None,
                    actor="t", tz=ET)
        import_file(session, write_csv(tmp_path / "p.csv", people or persons()), kind=None,
                    actor="t", tz=ET)


def counts(store) -> tuple[int, int, int, int]:
    with store.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))  # type: ignore
                     for model in (Person, Representative, Facility, AuditEvent))


def test_import_seals_people_and_finds_them_by_a_number(store, tmp_path) -> None:
    load(store, tmp_path)
    with store.session() as session:
        person = find_person(session, "A200000001")
        assert person is not None and person.custody == "detained"
        assert person.country_of_citizenship == "PER" and person.representative_id is not None
        pii = read_person(session, person, actor="t", purpose="test")
        assert pii.family_name == "Quispe Mamani1" and pii.date_of_birth == "1990-03-12"
        assert find_person(session, "200-000-000") is not None
    assert counts(store)[:3] == (3, 1, 1)


def test_reimport_is_idempotent_and_updates_in_place(store, tmp_path) -> None:
    load(store, tmp_path)
    with store.session() as session:
        report = import_file(session, tmp_path / "p.csv", kind="persons", actor="t", tz=ET)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    changed = persons()
    changed[2]["custody"] = "removed"
    changed[2]["book_out_date"] = "2022-12-01"
    with store.session() as session:
        report = import_file(session, write_csv(tmp_path / "p2.csv", changed), kind=None,
                             actor="t", tz=ET)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    with store.session() as session:
        person = find_person(session, "A200000002")
        assert person is not None and person.custody == "removed"
    assert counts(store)[0] == 3


def test_xlsx_and_parquet(store, tmp_path) -> None:
    load(store, tmp_path, persons(1))
    rows = persons(4)[1:]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows[:2]:
        sheet.append(list(row.values()))
    workbook.save(tmp_path / "p.xlsx")
    pq.write_table(pa.Table.from_pylist(rows[2:]), tmp_path / "p.parquet")
    with store.session() as session:
        assert import_file(session, tmp_path / "p.xlsx", kind=None, actor="t", tz=ET).created == 2
        parquet = import_file(session, tmp_path / "p.parquet", kind=None, actor="t", tz=ET)
        assert parquet.created == 1
    assert counts(store)[0] == 4


BAD = [
    ("unknown column", lambda rows: [{**r, "nickname": "x"} for r in rows],
     "unknown column(s) for persons: nickname"),
    ("bad date", lambda rows: [rows[0], {**rows[1], "date_of_birth": "12/03/1990"}, rows[2]],
     "row 3, field date_of_birth"),
    ("bad a-number", lambda rows: [rows[0], rows[1], {**rows[2], "a_number": "A12"}],
     "row 4, field a_number"),
    ("unknown facility", lambda rows: [{**rows[0], "facility_code": "NOPE"}, *rows[1:]],
     "row 2, field facility_code: unknown facility"),
    ("unknown representative", lambda rows: [rows[0], {**rows[1], "representative_id": "R9"},
                                             rows[2]],
     "row 3, field representative_id: unknown representative"),
    ("duplicate a-number", lambda rows: [rows[0], {**rows[1], "a_number": rows[0]["a_number"]},
                                         rows[2]],
     "row 3, field a_number: the same A-number is on row 2"),
    ("bad posture", lambda rows: [{**rows[0], "posture": "deported"}, *rows[1:]],
     "row 2, field posture"),
]


@pytest.mark.parametrize(("case", "spoil", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_change_nothing(store, tmp_path, case, spoil, message) -> None:
    load(store, tmp_path, persons(1))
    before = counts(store)
    spoiled = spoil([{**r, "a_number": f"A3{r['a_number'][-8:]}"} for r in persons()])
    path = write_csv(tmp_path / "bad.csv", spoiled)
    with pytest.raises(RegistryError) as caught, store.session() as session:
        import_file(session, path, kind=None, actor="t", tz=ET)
    text = str(caught.value)
    assert "bad.csv" in text and message in text
    assert "\n" not in text
    assert "Quispe" not in text and "1990" not in text  # no person data in errors
    assert counts(store) == before
    with store.session() as session:
        assert verify(session).ok


def test_no_family_name_in_the_sqlite_file(tmp_path, monkeypatch) -> None:
    from spilldesk.config import Settings
    from spilldesk.store.db import initialise

    monkeypatch.delenv("SPILLDESK_DATABASE_URL", raising=False)
    settings = Settings.load(tmp_path / "desk")
    store = initialise(settings)
    load(store, tmp_path)
    store.close()
    raw = (tmp_path / "desk" / "spilldesk.db").read_bytes()
    wal = tmp_path / "desk" / "spilldesk.db-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    for needle in (b"Quispe", b"Mamani", "Jos\u00e9".encode(), b"Ferreira", b"200000001",
                   b"1990-03-12", b"ana@example.org"):
        assert needle not in raw


def many(n: int, start: int = 0) -> list[dict[str, str]]:
    return [{**row, "a_number": f"A4{i + start:08d}"} for i, row in
            enumerate(persons(1) * n)]


def stored_persons(store) -> list[tuple[int, str, str]]:
    with store.session() as session:
        return [tuple(r) for r in session.execute(  # type: ignore[misc]
            select(Person.id, Person.a_number_index, Person.record_digest).order_by(Person.id))]


@pytest.mark.parametrize(("spoil", "message"), [
    (lambda rows: rows.__setitem__(186, {**rows[186], "date_of_birth": "1990-02-30"}),
     "row 188, field date_of_birth: not a real date (use YYYY-MM-DD)"),
    (lambda rows: rows.__setitem__(186, {**rows[186], "a_number": rows[3]["a_number"]}),
     "row 188, field a_number: the same A-number is on row 5"),
    (lambda rows: rows.__setitem__(186, {**rows[186], "a_number": rows[40]["a_number"]}),
     "row 188, field a_number: the same A-number is on row 42"),
    (lambda rows: rows.__setitem__(96, {**rows[96], "sex": "Q"}),
     "row 98, field sex: not a sex code (use M, F or X)"),
], ids=["bad date", "repeat of a new person", "repeat of a stored person",
        "bad code in an odd batch (the second reader's)"])
@pytest.mark.parametrize("reader", ["in process", "worker process"])
def test_a_bad_row_after_many_written_batches_changes_nothing(store, tmp_path, monkeypatch,
                                                              spoil, message, reader) -> None:
    """Rows are written a batch at a time; a bad row in the 19th batch still undoes them all."""
    import spilldesk.intake.person_batches as batches

    monkeypatch.setattr(batches, "BATCH", 10)
    monkeypatch.setattr(batches, "WORKER_FROM_BYTES", 0 if reader == "worker process" else 1 << 40)
    load(store, tmp_path, many(60, start=0)[30:])  # rows 32..61 of the file below are stored
    before, audit = stored_persons(store), counts(store)
    rows = many(200)
    rows[35] = {**rows[35], "custody": "released"}  # an update, written in batch 4
    spoil(rows)
    path = write_csv(tmp_path / "big.csv", rows)
    with pytest.raises(RegistryError) as caught, store.session() as session:
        import_file(session, path, kind=None, actor="t", tz=ET)
    assert str(caught.value) == f"{path}, {message}"
    assert stored_persons(store) == before and counts(store) == audit
    rows[96], rows[186] = many(200)[96], many(200)[186]
    write_csv(path, rows)
    with store.session() as session:
        report = import_file(session, path, kind=None, actor="t", tz=ET)
    assert (report.rows, report.created, report.updated, report.unchanged) == (200, 170, 1, 29)
    assert len(stored_persons(store)) == 200


def test_parquet_streams_in_record_batches(store, tmp_path, monkeypatch) -> None:
    import spilldesk.intake.person_batches as batches
    import spilldesk.intake.tabular as tabular

    monkeypatch.setattr(batches, "BATCH", 7)
    monkeypatch.setattr(tabular, "PARQUET_BATCH", 5)
    load(store, tmp_path, persons(1))
    rows = many(40)
    rows[33] = {**rows[33], "posture": "deported"}
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "p.parquet")
    with pytest.raises(RegistryError, match=r"p\.parquet, row 35, field posture"), \
            store.session() as session:
        import_file(session, tmp_path / "p.parquet", kind=None, actor="t", tz=ET)
    rows[33] = many(40)[33]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "p.parquet")
    seen: list[tuple[int, int | None]] = []
    with store.session() as session:
        report = import_file(session, tmp_path / "p.parquet", kind=None, actor="t", tz=ET,
                             progress=lambda done, total: seen.append((done, total)))
    assert report.created == 40 and sum(done for done, _ in seen) == 40
    assert {total for _, total in seen} == {40}
