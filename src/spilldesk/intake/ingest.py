"""Ingestion: store every person record a disclosed document holds, sealed, with provenance.

Provenance is what a person checking the document would look for: the file's SHA-256, the sheet
and the row number a spreadsheet user sees (header = row 1), or the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.errors import ServiceError
from spilldesk.intake.incidents import IncidentError, get_incident
from spilldesk.store.audit import record_event
from spilldesk.store.crypto import KeyFileError
from spilldesk.store.db import check_index_key, keyring_of
from spilldesk.store.models import DisclosedDocument, DisclosedRecord
from spilldesk.store.people import PII
from spilldesk.store.sealing import insert_sealed


class IngestError(ServiceError):
    """The document cannot be ingested; the message names the file and the reason."""


@dataclass(frozen=True)
class IngestReport:
    incident_id: str
    file: str
    sha256: str
    records: int
    data_elements: list[str]
    already_ingested: bool
    hidden_records: int


def ingest_document(session: Session, incident_id: str, path: Path, *, actor: str) -> IngestReport:
    """Extract and store a document's person records; the same file twice changes nothing."""
    from spilldesk.scan import ScanError, extract_records

    incident = get_incident(session, incident_id)
    try:
        check_index_key(session)  # records indexed with a stale key would link to no one
    except KeyFileError as exc:
        raise IngestError(f"{path}: {exc}") from None
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    try:
        extraction = extract_records(path)
    except ScanError as exc:
        raise IngestError(str(exc)) from None
    previous = session.execute(
        select(DisclosedDocument).where(
            DisclosedDocument.incident_id == incident.id,
            DisclosedDocument.sha256 == extraction.sha256,
        )
    ).scalar_one_or_none()
    if previous is not None:
        return IngestReport(incident.id, path.name, previous.sha256, previous.record_count,
                            previous.data_elements, True, 0)
    if not extraction.records:
        raise IngestError(f"{path}: holds no person records (nothing to ingest; run "
                          "`spilldesk scan` on it to see what it holds)")
    document = DisclosedDocument(
        incident_id=incident.id, file_name=path.name, sha256=extraction.sha256,
        size=path.stat().st_size, data_elements=list(extraction.data_elements),
        record_count=len(extraction.records), created_by=actor,
    )
    session.add(document)
    session.flush()
    rows, fields = _record_rows(session, incident.id, document.id, extraction.records)
    insert_sealed(session, DisclosedRecord, rows, {PII: fields})
    hidden = sum(1 for row in rows if row["hidden"])
    record_event(session, actor=actor, action="incident.ingest", object_type="incident",
                 object_id=incident.id, detail={"file": path.name, "sha256": extraction.sha256,
                                                "records": len(rows), "hidden_records": hidden,
                                                "data_elements": list(extraction.data_elements)})
    return IngestReport(incident.id, path.name, extraction.sha256, len(rows),
                        list(extraction.data_elements), False, hidden)


def _record_rows(
    session: Session, incident_id: str, document_id: int, records: Sequence[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    keyring = keyring_of(session)
    rows: list[dict[str, Any]] = []
    sealed: list[dict[str, Any]] = []
    for record in records:
        fields = {k: str(v) for k, v in record.fields.items() if v not in (None, "")}
        index = None
        if fields.get("a_number"):
            try:
                index = keyring.blind_index("a_number", normalize_a_number(fields["a_number"]))
            except InvalidANumber:
                index = None
        source = record.source
        rows.append({
            "document_id": document_id, "incident_id": incident_id, "source_part": source.part,
            "source_sheet": source.sheet, "source_row": source.row, "source_page": source.page,
            "hidden": bool(source.hidden), "a_number_index": index, "link_status": "pending",
        })
        sealed.append(fields)
    return rows, sealed


__all__ = ["IncidentError", "IngestError", "IngestReport", "ingest_document"]
