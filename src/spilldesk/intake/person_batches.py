"""Person rows of a registry file, read and checked a batch at a time, ready to seal and write.

`checked_batches` yields each batch of checked rows, or the first bad row's one-line error
after the good rows before it (so the caller stops at the first bad row in file order). A large
CSV or Parquet file is read and checked in worker processes while the caller seals and writes
the batches before: checking (and computing the rows' blocking tokens) is the larger part of
the work, so two workers each read the whole file and check every other batch (reading is
cheap next to checking), and the caller takes their batches in turn, in the file's order.
The workers get the blind-index key only (they compute indexes, digests and tokens, they
seal nothing) and a bounded queue each holds at most a few batches.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import count, islice
from pathlib import Path
from typing import Any, NamedTuple

from spilldesk.intake.registry_rows import RowError, read_person_row
from spilldesk.intake.tabular import Table, TableError, open_table
from spilldesk.link.blocking_keys import registry_tokens
from spilldesk.store.crypto import Key, KeyedHash, Keyring, encode_payload
from spilldesk.store.models import Person
from spilldesk.store.people import name_dob_key
from spilldesk.store.sealing import sealed_fields

BATCH = 5000  # persons read, checked, sealed and written at a time
WORKER_FROM_BYTES = 16 << 20  # CSV / Parquet files this large are read in a worker process
_QUEUED = 3  # batches a worker may run ahead
READERS = 2  # worker processes that read and check a large file, each every other batch
Rows = Iterable[tuple[int, dict[str, str]]]


# A person row's clear columns as the checks make them: every column of persons but its id,
# sealed values, digest and times (which the writer adds).
CLEAR_COLUMNS = tuple(c.name for c in Person.__table__.columns  # type: ignore[attr-defined]
                      if c.name not in ("id", "pii", "sealed", "record_digest", "created_at",
                                        "updated_at"))


class Checked(NamedTuple):
    """One checked person row, ready to seal (a tuple: it crosses a process boundary)."""

    number: int  # row number, as a spreadsheet user sees it
    a_number_index: str  # A-number blind index
    values: tuple[Any, ...]  # clear columns, in `CLEAR_COLUMNS` order (a tuple: cheap to pass)
    facts: bytes  # the sealed case facts, encoded (`crypto.encode_payload`), not yet sealed
    pii: bytes  # the person's data, encoded likewise: sealed once the row's id is known
    digest: str  # keyed digest of the row, to recognise an unchanged person


class Batch(NamedTuple):
    rows: list[Checked]
    error: str | None  # the first bad row's one-line error: stop after these rows
    # The rows' blocking tokens (`link.blocking_keys.registry_tokens`), in the rows' order.
    tokens: list[tuple[int | None, ...]] | None = None


@dataclass(frozen=True)
class Known:
    """What a person row may refer to: facility codes, representative ids -> primary keys."""

    facilities: frozenset[str]
    reps: dict[str, int]


def digest_key(keyring: Keyring) -> bytes:
    return keyring.blind_index("row", "digest").encode()


_DIGESTED = json.JSONEncoder(sort_keys=True, default=str)  # built once, not per row


def row_digest(key: bytes, values: dict[str, Any]) -> str:
    """A keyed digest of a row, so unchanged rows are recognised without decrypting."""
    return _keyed(key).hexdigest(_DIGESTED.encode(values).encode())


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> KeyedHash:
    return KeyedHash(key)


def checked_batches(table: Table, known: Known, keyring: Keyring) -> Iterator[Batch]:
    """The table's person rows, checked, a batch at a time (in a worker for a large file)."""
    suffix = table.path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt", ".parquet") and \
            table.path.stat().st_size >= WORKER_FROM_BYTES:
        yield from _from_worker(table.path, known, keyring)
    else:
        yield from _check(table, known, keyring, BATCH)


def _check(table: Table, known: Known, keyring: Keyring, size: int, part: int = 0,
           parts: int = 1) -> Iterator[Batch]:
    """Batches `part`, `part + parts`, ... of the table (all of them by default), checked; the
    others are read and passed over (a file unreadable part-way is reported wherever)."""
    key, secret = digest_key(keyring), keyring.blocking_key()
    rows = iter(table.rows)
    for number in count():
        try:
            batch = list(islice(rows, size))
        except TableError as exc:
            yield Batch([], str(exc))
            return
        if not batch:
            return
        if number % parts != part:
            continue
        checked: dict[str, Checked] = {}
        people: list[dict[str, Any]] = []
        error = _check_batch(table.path, batch, known, keyring, key, checked, people)
        yield Batch(list(checked.values()), error, registry_tokens(people, secret))
        if error:
            return


def _check_batch(path: Path, batch: list[tuple[int, dict[str, str]]], known: Known,
                 keyring: Keyring, key: bytes, checked: dict[str, Checked],
                 people: list[dict[str, Any]]) -> str | None:
    """Fill `checked` (by A-number blind index) and `people` (their data, in the same order)
    up to the first bad row; return its error."""
    # Looked up once per batch, not per row: this loop is most of an import's work.
    blind_index = keyring.blind_index
    sealed, facilities, reps = sealed_fields(Person), known.facilities, known.reps
    for number, row in batch:
        try:
            person = read_person_row(row)
        except RowError as exc:
            return f"{path}, row {number}, field {exc.field}: {exc}"
        index = blind_index("a_number", person.a_number)
        if index in checked:
            return (f"{path}, row {number}, field a_number: the same A-number is on row "
                    f"{checked[index].number}")
        if person.facility_code and person.facility_code not in facilities:
            return (f"{path}, row {number}, field facility_code: unknown facility (import "
                    "facilities first)")
        rep_pk = None
        if person.representative_id:
            rep_pk = reps.get(person.representative_id)
            if rep_pk is None:
                return (f"{path}, row {number}, field representative_id: unknown "
                        "representative (import representatives first)")
        values = dict(person.attributes)  # dates stay ISO text: they are sealed
        values["facility_code"] = person.facility_code
        values["representative_id"] = rep_pk
        pii = person.pii
        digest = row_digest(key, {**values, **pii})
        facts = {name: values.pop(name) for name in sealed}
        name_dob = name_dob_key(pii["family_name"] or "", pii["given_name"] or "",
                                pii["date_of_birth"])
        values.update(a_number_index=index,
                      name_dob_index=blind_index("name_dob", name_dob),
                      a_number_tail=person.a_number[-4:])
        if len(values) != len(CLEAR_COLUMNS):
            raise RuntimeError("a checked person row does not have the persons' clear columns")
        checked[index] = Checked(number, index, tuple([values[c] for c in CLEAR_COLUMNS]),
                                 encode_payload(facts),
                                 encode_payload(dict(pii)), digest)
        people.append(pii)
    return None


def _from_worker(path: Path, known: Known, keyring: Keyring) -> Iterator[Batch]:
    context = multiprocessing.get_context("spawn")  # no copy of the caller's open database
    # The workers index and digest; they seal nothing, so they get no encryption key.
    index_only = Key(keyring.index_key_id, bytes(32), _index_key(keyring))
    parts = _workers()
    queues: list[Any] = [context.Queue(maxsize=_QUEUED) for _ in range(parts)]
    workers = [context.Process(target=_work, args=(str(path), known, index_only, BATCH, part,
                                                   parts, queues[part]),
                               name=f"spilldesk-registry-reader-{part}", daemon=True)
               for part in range(parts)]
    for worker in workers:
        worker.start()
    try:
        for number in count():  # batch n comes from worker n % parts: the file's order
            batches, worker = queues[number % parts], workers[number % parts]
            while True:
                try:
                    item = batches.get(timeout=1.0)
                    break
                except queue.Empty:
                    if not worker.is_alive():
                        yield Batch([], f"{path}: the reading process ended unexpectedly")
                        return
            if item is None:
                return
            yield item
            if item.error:
                return
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
        for batches in queues:
            batches.close()


def _workers() -> int:
    """Reading processes for a large file: checking is most of an import's work, and the
    caller (sealing and writing) is the lighter of the processes; two on two cores or more."""
    return max(1, min(READERS, os.cpu_count() or 1))


def _index_key(keyring: Keyring) -> bytes:
    return next(key.index for key in keyring.keys if key.key_id == keyring.index_key_id)


def _work(path: str, known: Known, index_key: Key, size: int, part: int, parts: int,
          batches: Any) -> None:
    """A worker: read the file, check its part of the batches, put each (then None) on its
    queue."""
    keyring = Keyring([index_key], index_key.key_id, index_key.key_id)
    try:
        with open_table(Path(path)) as table:
            for batch in _check(table, known, keyring, size, part, parts):
                batches.put(batch)
    except TableError as exc:
        batches.put(Batch([], str(exc)))
    except Exception as exc:  # one line, never a traceback with a row in it
        batches.put(Batch([], f"{path}: cannot read the file ({type(exc).__name__})"))
    batches.put(None)
    batches.close()
    batches.join_thread()
