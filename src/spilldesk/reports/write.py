"""Write an incident's report into a folder: JSON, HTML and PDF from one set of figures."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from spilldesk.private_files import write_private
from spilldesk.reports.document import build_document
from spilldesk.reports.figures import ReportError, report_figures
from spilldesk.reports.html import render_html
from spilldesk.reports.pdf import render_report_pdf
from spilldesk.store.audit import record_event

FORMATS = ("json", "html", "pdf")


def report_bytes(figures: dict[str, Any], fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(figures, indent=2, ensure_ascii=False) + "\n").encode()
    sections = build_document(figures)
    if fmt == "html":
        return render_html(figures, sections).encode()
    if fmt == "pdf":
        return render_report_pdf(figures, sections)
    raise ReportError(f"--format: {fmt!r} is not one of {' | '.join(FORMATS)}")


def write_report(session: Session, incident_id: str, out_dir: Path, formats: Iterable[str], *,
                 tz: ZoneInfo, actor: str, on: date | None = None,
                 figures: dict[str, Any] | None = None) -> dict[str, Path]:
    """The report in each format, as `<incident>-report.<format>`; returns the paths.

    `figures` (from `report_figures`) saves gathering them again when the caller has them."""
    figures = figures or report_figures(session, incident_id, tz=tz, on=on)
    wanted = list(dict.fromkeys(formats))
    made = {fmt: report_bytes(figures, fmt) for fmt in wanted}  # all made before any written
    paths = {fmt: write_private(out_dir / f"{incident_id}-report.{fmt}", data)
             for fmt, data in made.items()}
    record_event(session, actor=actor, action="report.write", object_type="incident",
                 object_id=incident_id, detail={"formats": wanted, "as_of": figures["as_of"]})
    return paths
